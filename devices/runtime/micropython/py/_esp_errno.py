# errno of the ESP32 port (newlib numbers), replacing the build's Linux-numbered module.
# The names and numbers come from the host (stack/personality.ts) through _kern.
from _kern import CFG as _CFG

errorcode = {}
for _k, _v in _CFG['espErrno'].items():
    globals()[_k] = _v
    errorcode[_v] = _k
del _k, _v, _CFG
