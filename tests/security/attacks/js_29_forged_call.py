# attack: call a JsProxy forged in memory, with no, one, two, many and keyword arguments
# family: js
# expect: violation call0
# out: /forged <class 'JsProxy'>/
{{FORGE_JSPROXY}}
print('ESCAPED', g())
