# asyncio (also `uasyncio`) for esp32sim: the ESP32 firmware's asyncio API in the board's virtual
# time, over the simulated sockets and poll. The core is loaded with the package; the rest of the
# API is loaded on first use, as the firmware's frozen package does.
from .core import *
from .core import _promote_to_task

__version__ = (3, 0, 0)

_lazy = {
    'wait_for': 'funcs',
    'wait_for_ms': 'funcs',
    'gather': 'funcs',
    'Event': 'event',
    'ThreadSafeFlag': 'event',
    'Lock': 'lock',
    'open_connection': 'stream',
    'start_server': 'stream',
    'StreamReader': 'stream',
    'StreamWriter': 'stream',
}


def __getattr__(name):
    sub = _lazy.get(name)
    if sub is None:
        raise AttributeError(name)
    value = getattr(__import__('asyncio.' + sub, None, None, [name]), name)
    globals()[name] = value
    return value
