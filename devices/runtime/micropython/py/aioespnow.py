# aioespnow: ESP-NOW for asyncio (AIOESPNow: arecv, airecv, asend, async for). A task waiting for
# a message lets the others run; the loop idles in one kernel call. Our own code.
import espnow
from asyncio import core


class AIOESPNow(espnow.ESPNow):
    async def arecv(self):
        await core._wait_read(self)
        return self.recv(0)

    async def airecv(self):
        await core._wait_read(self)
        return self.irecv(0)

    async def asend(self, mac, msg=None, sync=None):
        if msg is None:
            mac, msg = None, mac
        await core._wait_write(self)
        return self.send(mac, msg, sync)

    def __aiter__(self):
        return self

    async def __anext__(self):
        return await self.airecv()
