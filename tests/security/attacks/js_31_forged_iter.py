# attack: iterate a JsProxy forged in memory (for k in globalThis)
# family: js
# expect: violation has_attr
# out: /forged <class 'JsProxy'>/
{{FORGE_JSPROXY}}
for k in g:
    print('ESCAPED', k)
