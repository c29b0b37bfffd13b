# asyncio.Lock: a mutex handed to waiters in the order they asked.
from . import core


class Lock:
    def __init__(self):
        self.state = 0  # 0 free, 1 held, or the Task it has been handed to (not yet running)
        self.waiting = core.TaskQueue()

    def locked(self):
        return self.state == 1

    def release(self):
        if self.state != 1:
            raise RuntimeError('Lock not acquired')
        if self.waiting.head is not None:
            t = self.waiting.pop()
            self.state = t
            core._rq.push(t)
        else:
            self.state = 0

    async def acquire(self):
        if self.state != 0:
            try:
                await core._park(self.waiting)
            except core.CancelledError:
                if self.state is core._cur:
                    # Cancelled after being handed the lock: pass it on.
                    self.state = 1
                    self.release()
                raise
        self.state = 1
        return True

    async def __aenter__(self):
        return await self.acquire()

    async def __aexit__(self, exc_type, exc, tb):
        self.release()
