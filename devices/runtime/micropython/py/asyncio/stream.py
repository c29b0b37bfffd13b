# asyncio streams: Stream (StreamReader = StreamWriter), open_connection, start_server and Server,
# over non-blocking sockets (or any stream with fileno(), e.g. sys.stdin) and the core's poller.
from . import core


def _no_tls():
    raise NotImplementedError('TLS is not simulated in esp32sim: use a plain TCP connection')


class Stream:
    def __init__(self, s, e={}):
        self.s = s
        self.e = e
        self.out_buf = b''

    def get_extra_info(self, v):
        return self.e[v]

    def close(self):
        # As on the board: the socket closes in wait_closed() (or aclose()).
        pass

    async def wait_closed(self):
        self.s.close()

    async def read(self, n=-1):
        got = b''
        while True:
            await core._wait_read(self.s)
            d = self.s.read(n)
            if d is None:
                continue  # woken, but nothing to read after all
            if n >= 0:
                return d
            if not d:
                return got
            got += d

    async def readinto(self, buf):
        await core._wait_read(self.s)
        return self.s.readinto(buf)

    async def readexactly(self, n):
        got = b''
        while n > 0:
            await core._wait_read(self.s)
            d = self.s.read(n)
            if d is None:
                continue
            if not d:
                raise EOFError
            got += d
            n -= len(d)
        return got

    async def readline(self):
        got = b''
        while True:
            await core._wait_read(self.s)
            d = self.s.readline()
            if d is None:
                continue
            got += d
            if not d or got[-1:] in (b'\n', '\n'):
                return got

    def write(self, buf):
        # Sends what the socket takes now; the rest waits in out_buf for drain().
        if not self.out_buf:
            n = self.s.write(buf)
            if n == len(buf):
                return
            if n is not None:
                buf = buf[n:]
        self.out_buf += buf

    async def drain(self):
        if not self.out_buf:
            # Always yields, so a loop of write() + drain() lets the other tasks run.
            return await core.sleep_ms(0)
        mv = memoryview(self.out_buf)
        off = 0
        while off < len(mv):
            await core._wait_write(self.s)
            n = self.s.write(mv[off:])
            if n is not None:
                off += n
        self.out_buf = b''

    async def awrite(self, buf, off=0, sz=-1):
        # uasyncio 2.x compatibility.
        if off or sz != -1:
            buf = memoryview(buf)
            buf = buf[off:] if sz == -1 else buf[off:off + sz]
        self.write(buf)
        await self.drain()

    awritestr = awrite


Stream.aclose = Stream.wait_closed
StreamReader = Stream
StreamWriter = Stream


async def open_connection(host, port, ssl=None, server_hostname=None):
    import socket
    from errno import EINPROGRESS
    if ssl:
        _no_tls()
    ai = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)[0]
    s = socket.socket(ai[0], ai[1], ai[2])
    s.setblocking(False)
    try:
        s.connect(ai[-1])
    except OSError as e:
        if e.errno != EINPROGRESS:
            raise e
    ss = Stream(s)
    await core._wait_write(s)
    return ss, ss


class Server:
    # What start_server() returns: close() stops accepting, wait_closed() waits for that; `async with`.
    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb):
        self.close()
        await self.wait_closed()

    def close(self):
        self.closing = True
        self.task.cancel()

    async def wait_closed(self):
        await self.task

    async def _serve(self, s, cb):
        self.closing = False
        while True:
            try:
                await core._wait_read(s)
            except core.CancelledError as e:
                s.close()
                if self.closing:
                    return
                raise e
            try:
                c, addr = s.accept()
            except Exception:
                continue  # a connection that went away before accept(): wait for the next one
            c.setblocking(False)
            st = Stream(c, {'peername': addr})
            core.create_task(cb(st, st))


async def start_server(cb, host, port, backlog=5, ssl=None):
    import socket
    if ssl:
        _no_tls()
    ai = socket.getaddrinfo(host, port)[0]
    s = socket.socket(ai[0])
    s.setblocking(False)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(ai[-1])
    s.listen(backlog)
    srv = Server()
    srv.task = core.create_task(srv._serve(s, cb))
    try:
        await core.sleep_ms(0)  # let _serve start, so a close() right away finds it waiting
    except core.CancelledError as e:
        srv.task.cancel()
        raise e
    return srv
