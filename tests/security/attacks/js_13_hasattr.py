# attack: probe JS properties without raising: hasattr on a JsProxy forged in memory
# family: js
# expect: violation lookup_attr
# out: /forged <class 'JsProxy'>/
{{FORGE_JSPROXY}}
print('ESCAPED', hasattr(g, 'process'))
