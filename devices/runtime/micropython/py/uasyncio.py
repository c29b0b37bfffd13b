# `import uasyncio` (MicroPython before 1.21): the same module as asyncio, loaded on first use.


def __getattr__(name):
    import asyncio
    return getattr(asyncio, name)
