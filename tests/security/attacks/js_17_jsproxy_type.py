# attack: build a JsProxy from its type (ref 0 is globalThis in the stock glue), then hand the type to create_proxy
# family: js
# expect: violation
# out: /made: \[\]/
import sys
del sys.modules['jsffi']
import jsffi
T = jsffi.JsProxy
made = []
for make in (lambda: T(0), lambda: T.__new__(T), lambda: object.__new__(T), lambda: type('Sub', (T,), {})(0)):
    try:
        made.append(make())
    except (TypeError, AttributeError):
        pass
print('made:', made)
jsffi.create_proxy(T)
print('ESCAPED', T)
