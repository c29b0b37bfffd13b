# attack: subscription and iteration of a JsProxy forged in memory
# family: js
# expect: violation js_subscr_load
# out: /forged <class 'JsProxy'>/
{{FORGE_JSPROXY}}
print('ESCAPED', g['process'])
