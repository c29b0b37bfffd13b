# attack: forge a JsProxy object in memory with uctypes (type pointer + ref 0 = globalThis) and use it
# family: js
# expect: violation
# out: /forged <class 'JsProxy'>/
import sys, uctypes
del sys.modules['jsffi']
import jsffi
fake = bytearray(8)
m = uctypes.struct(uctypes.addressof(fake), {'t': 0 | uctypes.UINT32, 'ref': 4 | uctypes.INT32})
m.t = id(jsffi.JsProxy)
m.ref = 0
l = [None]
items = uctypes.struct(id(l), {'items': 12 | uctypes.UINT32}).items
uctypes.struct(items, {'p': 0 | uctypes.UINT32}).p = uctypes.addressof(fake)
o = l[0]
print('forged', type(o))
print('ESCAPED', o.process)
