# attack: __import__('jsffi', fromlist=...) with explicit level, then create_proxy of a Python callable
# family: js
# expect: violation
import sys
del sys.modules['jsffi']
m = __import__('jsffi', None, None, ('create_proxy',), 0)
f = m.create_proxy(print)
print('ESCAPED: a JS function', f)
