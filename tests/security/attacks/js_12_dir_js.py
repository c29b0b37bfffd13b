# attack: enumerate a JS object's properties with dir() (a JsProxy forged in memory, so no import is needed)
# family: js
# expect: violation
# out: /forged <class 'JsProxy'>/
{{FORGE_JSPROXY}}
print('ESCAPED', dir(g)[:20])
