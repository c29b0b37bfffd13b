# select / uselect over the socket layer's readiness (MicroPython values and ESP32 quirks).
import json
import _stdin
from _kern import call

POLLIN = 1
POLLOUT = 4
POLLERR = 8
POLLHUP = 16
POLLNVAL = 32


def _fd(o):
    return o if isinstance(o, int) else o.fileno()


def _wait(entries, timeout_us):
    # One kernel call over sockets and sys.stdin (fd 0). Bytes of stdin already buffered on this
    # side (a partial read) make it readable at once: the kernel then only looks.
    buffered = False
    for fd, ev in entries:
        if fd == 0 and ev & POLLIN and _stdin.pending():
            buffered = True
    ready = call('socket.poll', json.dumps([[fd, ev] for fd, ev in entries]), 0 if buffered else timeout_us)
    if buffered and not [r for r in ready if r[0] == 0]:
        ready.append([0, POLLIN])
    return ready


class poll:
    def __init__(self):
        self._m = {}

    def register(self, obj, eventmask=POLLIN | POLLOUT):
        self._m[id(obj)] = [obj, eventmask]

    def unregister(self, obj):
        self._m.pop(id(obj), None)

    def modify(self, obj, eventmask):
        if id(obj) not in self._m:
            raise OSError(2)
        self._m[id(obj)][1] = eventmask

    def _run(self, timeout_ms):
        objs = list(self._m.values())
        entries = [(_fd(o), ev) for o, ev in objs]
        t = None if timeout_ms is None or timeout_ms < 0 else float(timeout_ms) * 1000.0
        ready = _wait(entries, t)
        byfd = {}
        for fd, rev in ready:
            byfd[fd] = rev
        return [(o, byfd[_fd(o)]) for o, ev in objs if _fd(o) in byfd]

    def poll(self, timeout=-1):
        return self._run(timeout)

    def ipoll(self, timeout=-1, flags=0):
        return iter(self._run(timeout))


def select(rlist, wlist, xlist, timeout=None):
    evs = {}
    objs = {}
    for lst, bit in ((rlist, POLLIN), (wlist, POLLOUT), (xlist, POLLERR | POLLHUP)):
        for o in lst:
            fd = _fd(o)
            evs[fd] = evs.get(fd, 0) | bit
            objs[fd] = o
    t = None if timeout is None or timeout < 0 else float(timeout) * 1000000.0
    ready = _wait(list(evs.items()), t)
    r, w, x = [], [], []
    for fd, rev in ready:
        o = objs[fd]
        if rev & (POLLIN | POLLHUP | POLLNVAL) and o in rlist:
            r.append(o)
        if rev & POLLOUT and o in wlist:
            w.append(o)
        if rev & (POLLERR | POLLHUP | POLLNVAL) and o in xlist:
            x.append(o)
    return r, w, x
