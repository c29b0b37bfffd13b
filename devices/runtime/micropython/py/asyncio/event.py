# asyncio.Event and ThreadSafeFlag.
from . import core


class Event:
    def __init__(self):
        self.state = False
        self.waiting = core.TaskQueue()

    def is_set(self):
        return self.state

    def set(self):
        q = self.waiting
        while q.head is not None:
            core._rq.push(q.pop())
        self.state = True

    def clear(self):
        self.state = False

    async def wait(self):
        if not self.state:
            await core._park(self.waiting)
        return True


class ThreadSafeFlag:
    # Set from anywhere (on the board: IRQ handlers, other threads); one task waits, and the flag
    # clears itself when that wait returns. While a task waits, the loop keeps running.
    def __init__(self):
        self.state = 0
        self._w = core.TaskQueue()

    def set(self):
        self.state = 1
        if self._w.head is not None:
            core._rq.push(self._w.pop())
            core._wake[0] = True  # set in a board callback: the loop's wait ends

    def clear(self):
        self.state = 0

    async def wait(self):
        if not self.state:
            if self._w.head is not None:
                raise RuntimeError('ThreadSafeFlag already waited on')
            core._io.keep += 1
            try:
                await core._park(self._w)
            finally:
                core._io.keep -= 1
        self.state = 0
