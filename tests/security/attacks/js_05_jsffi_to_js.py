# attack: jsffi.to_js turns a Python dict into a JS object (a JsProxy), then walk its constructor
# family: js
# expect: violation
import sys
del sys.modules['jsffi']
import jsffi
o = jsffi.to_js({'a': 1})
print('ESCAPED', o.constructor)
