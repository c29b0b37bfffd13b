# attack: store into a JS object (globalThis.onmessage = ...) through a JsProxy forged in memory
# family: js
# expect: violation store_attr
# out: /forged <class 'JsProxy'>/
{{FORGE_JSPROXY}}
g.onmessage = print
print('ESCAPED: stored')
