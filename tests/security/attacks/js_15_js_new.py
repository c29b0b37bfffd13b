# attack: construct a JS object (Reflect.construct) through a JsProxy forged in memory: new globalThis()
# family: js
# expect: violation
# out: /forged <class 'JsProxy'>/
{{FORGE_JSPROXY}}
print('ESCAPED', g.new())
