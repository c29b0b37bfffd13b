# attack: build jsffi.JsException by hand and raise it uncaught, as if it wrapped a JS error
# family: js
# expect: crash /JsException/
import sys
del sys.modules['jsffi']
import jsffi
e = jsffi.JsException('fake')
print('built:', repr(e), [getattr(e, a, None) for a in ('value', 'errno')])
raise e
