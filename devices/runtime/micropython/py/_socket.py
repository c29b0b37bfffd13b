# socket / usocket: ESP32 port semantics (modsocket.c), or CPython-flavoured on the PC personality.
from _kern import call, callw, callr, oserror, CFG, PC, OSError, TimeoutError, gaierror

AF_INET = 2
AF_INET6 = 10
SOCK_STREAM = 1
SOCK_DGRAM = 2
SOCK_RAW = 3
IPPROTO_IP = 0
IPPROTO_TCP = 6
IPPROTO_UDP = 17
MSG_PEEK = 1
_EAGAIN = 11  # on both personalities
_CHUNK = 2048
# The personality's option numbers (SOL_SOCKET, SO_REUSEADDR, ..., MSG_DONTWAIT) from the host
# (stack/personality): the socket layer reads them with the same table, so nothing is translated here.
for _k, _v in CFG['socket'].items():
    globals()[_k] = _v
del _k, _v
if PC:
    error = OSError
    timeout = TimeoutError


def _isip(h):
    p = h.split('.')
    if len(p) != 4:
        return False
    for x in p:
        if not x.isdigit() or int(x) > 255:
            return False
    return True


def _resolve(host):
    if host == '' or host == '<broadcast>':
        return '0.0.0.0' if host == '' else '255.255.255.255'
    if host == 'localhost':
        return '127.0.0.1'
    if _isip(host):
        return host
    return call('resolve', host)


def getaddrinfo(host, port, af=0, type=0, proto=0, flags=0):
    ip = _resolve(host)
    if PC:
        return [(AF_INET, type or SOCK_STREAM, proto or 6, '', (ip, port))]
    return [(AF_INET, SOCK_STREAM, 0, host, (ip, port))]


def _addr(a):
    return _resolve(a[0]), a[1]


class socket:
    def __init__(self, af=AF_INET, type=SOCK_STREAM, proto=0, _fd=None):
        self._fd = call('socket.socket', af, type, proto) if _fd is None else _fd
        self._to = None
        self.family = af
        self.type = type
        self.proto = proto

    def __repr__(self):
        if PC:
            return '<socket.socket fd=%d, family=%d, type=%d, proto=%d>' % (self._fd, self.family, self.type, self.proto)
        return '<socket>'

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()

    def _err(self, e):
        # PC: a socket with a timeout reports "timed out" like CPython's socket.timeout.
        if PC and e.args and e.args[0] == 110 and self._to:
            return TimeoutError('timed out')
        return e

    def close(self):
        if self._fd >= 0:
            fd = self._fd
            self._fd = -1
            try:
                call('socket.close', fd)
            except OSError:
                pass

    def fileno(self):
        return self._fd

    def bind(self, addr):
        ip, port = _addr(addr)
        call('socket.bind', self._fd, ip, port)

    def listen(self, backlog=None):
        # Default backlog: the ESP32 port's MICROPY_PY_SOCKET_LISTEN_BACKLOG_DEFAULT (2), negative is 0;
        # CPython's min(SOMAXCONN, 128).
        if backlog is None:
            backlog = 128 if PC else 2
        elif not PC and backlog < 0:
            backlog = 0
        call('socket.listen', self._fd, backlog)

    def accept(self):
        try:
            fd, ip, port = call('socket.accept', self._fd)
        except OSError as e:
            raise self._err(e)
        s = socket(self.family, self.type, self.proto, fd)
        if PC and self._to is not None:
            s.settimeout(self._to)
        return s, (ip, port)

    def connect(self, addr):
        ip, port = _addr(addr)
        try:
            call('socket.connect', self._fd, ip, port)
        except OSError as e:
            raise self._err(e)

    def connect_ex(self, addr):
        try:
            self.connect(addr)
            return 0
        except OSError as e:
            return e.args[0]

    def _data(self, data):
        # A str is sent as its UTF-8 bytes (MicroPython: the buffer protocol; CPython would refuse it).
        if isinstance(data, str):
            return data.encode()
        return data

    def send(self, data, flags=0):
        try:
            return callw('socket.send', self._data(data), self._fd, flags)
        except OSError as e:
            raise self._err(e)

    def sendall(self, data, flags=0):
        data = self._data(data)
        mv = memoryview(data)
        try:
            while len(mv) > 0:
                chunk = bytes(mv[:65536]) if len(mv) > 65536 else data if len(mv) == len(data) else bytes(mv)
                callw('socket.sendall', chunk, self._fd)
                mv = mv[len(chunk):]
        except OSError as e:
            raise self._err(e)

    def sendto(self, data, flags_or_addr, addr=None):
        flags = 0
        if addr is None:
            addr = flags_or_addr
        else:
            flags = flags_or_addr
        ip, port = _addr(addr)
        try:
            return callw('socket.sendto', self._data(data), self._fd, flags, ip, port)
        except OSError as e:
            raise self._err(e)

    def recv(self, n, flags=0):
        try:
            return callr('socket.recv', n, self._fd, n, flags)[0]
        except OSError as e:
            raise self._err(e)

    def recvfrom(self, n, flags=0):
        try:
            data, extra = callr('socket.recvfrom', n, self._fd, n, flags)
        except OSError as e:
            raise self._err(e)
        return data, (extra[1], extra[2])

    def setsockopt(self, level, opt, value):
        # The socket layer knows the personality's options (and prints the ESP32's warning).
        if isinstance(value, (bytes, bytearray)):
            callw('socket.setsockopt', value, self._fd, level, opt)
        else:
            call('socket.setsockopt', self._fd, level, opt, value if isinstance(value, int) else (1 if value else 0))

    def settimeout(self, t):
        self._to = t
        call('socket.settimeout', self._fd, None if t is None else float(t))

    def gettimeout(self):
        return self._to

    def setblocking(self, flag):
        self._to = None if flag else 0
        call('socket.setblocking', self._fd, bool(flag))

    def makefile(self, *a, **k):
        return self

    # Stream methods, as MicroPython's stream protocol has them: read(n)/readinto() wait for n bytes
    # (or the end of the stream) on a blocking socket; on a non-blocking one, what would block gives
    # what has arrived so far, or None when nothing has (EAGAIN never escapes); write() likewise.
    def _rx(self, n, flags=0):
        try:
            return callr('socket.recv', n, self._fd, n, flags)[0]
        except OSError as e:
            if e.args and e.args[0] == _EAGAIN:
                return None
            raise self._err(e)

    def _exact(self, n):
        out = None
        while n > 0:
            d = self._rx(n if n < _CHUNK else _CHUNK)
            if d is None or not d:
                if out is None:
                    return d
                return out
            out = d if out is None else out + d
            n -= len(d)
        return b'' if out is None else out

    def read(self, n=-1):
        if n is not None and n >= 0:
            return self._exact(n)
        out = None
        while True:
            d = self._rx(_CHUNK)
            if d is None:
                return out
            if not d:
                return b'' if out is None else out
            out = d if out is None else out + d

    def readinto(self, buf, n=None):
        n = len(buf) if n is None else min(n, len(buf))
        d = self._exact(n)
        if d is None:
            return None
        buf[:len(d)] = d
        return len(d)

    def readline(self, limit=-1):
        # Looks ahead (MSG_PEEK) for the newline, then takes the line: two kernel calls, not one a byte.
        out = None
        while limit != 0:
            want = _CHUNK if limit < 0 or limit > _CHUNK else limit
            d = self._rx(want, MSG_PEEK)
            if not d:
                if out is None:
                    return d
                return out
            i = d.find(b'\n')
            take = len(d) if i < 0 else i + 1
            d = self._rx(take)
            if not d:
                return d if out is None else out
            out = d if out is None else out + d
            if limit > 0:
                limit -= len(d)
            if d[-1] == 10:
                break
        return b'' if out is None else out

    def write(self, buf, off=0, n=None):
        data = self._data(buf)
        if off or n is not None:
            data = memoryview(data)[off:] if n is None else memoryview(data)[off:off + n]
        if self._to is None:
            self.sendall(data)
            return len(data)
        done = 0
        mv = memoryview(data)
        while done < len(data):
            try:
                k = callw('socket.send', bytes(mv[done:done + 65536]), self._fd, 0)
            except OSError as e:
                if e.args and e.args[0] == _EAGAIN:
                    return done if done else None
                raise self._err(e)
            if k <= 0:
                break
            done += k
        return done

if PC:
    def gethostbyname(host):
        return _resolve(host)

    def gethostname():
        return call('hostname')

    def create_connection(address, timeout=None, source_address=None):
        s = socket()
        if timeout is not None:
            s.settimeout(timeout)
        if source_address:
            s.bind(source_address)
        s.connect(address)
        return s
