# asyncio core for esp32sim: tasks, the run queue, the I/O poller and the loop, following the
# documented behaviour of MicroPython 1.27's asyncio (our own code). Time is the board's virtual
# ticks_ms; a loop with nothing to run waits in ONE kernel call (poll with the time to the next
# wake-up as timeout, or a sleep), so virtual time advances and nothing busy-waits.
# The build's C _asyncio is not used: its queue reads the host's wall clock for default keys.
from time import ticks_ms, ticks_diff, ticks_add
import sys
from _kern import call as _call, wake as _wake, wakeable as _wakeable
import _stdin

_POLLIN = 1
_POLLOUT = 4
_WAKE_R = 1 | 8 | 16 | 32  # POLLIN | POLLERR | POLLHUP | POLLNVAL
_WAKE_W = 4 | 8 | 16 | 32


class CancelledError(BaseException):
    pass


class TimeoutError(Exception):
    pass


class TaskQueue:
    # Tasks linked through their _next field, ordered by wake time (ticks_ms), first in first out
    # among equal times. Pushing and popping allocate nothing.
    def __init__(self):
        self.head = None

    def peek(self):
        return self.head

    def push(self, t, key=None):
        t._key = ticks_ms() if key is None else key
        t._q = self
        h = self.head
        if h is None or ticks_diff(t._key, h._key) < 0:
            t._next = h
            self.head = t
            return
        while h._next is not None and ticks_diff(t._key, h._next._key) >= 0:
            h = h._next
        t._next = h._next
        h._next = t

    def pop(self):
        t = self.head
        self.head = t._next
        t._next = None
        t._q = None
        return t

    def remove(self, t):
        h = self.head
        if h is t:
            self.head = t._next
        else:
            while h is not None and h._next is not t:
                h = h._next
            if h is not None:
                h._next = t._next
        t._next = None
        t._q = None


class Task:
    # A coroutine being run. Await it for its result; cancel() throws CancelledError into it.
    def __init__(self, coro, globals=None):
        self.coro = coro
        self._q = None        # the queue (run queue, a wait queue or the I/O poller) holding it
        self._next = None
        self._key = 0
        self._throw = None    # exception to throw in at its next step
        self._on = None       # the Task it is awaiting (a cancel goes there)
        self._done = False
        self._ok = False
        self._value = None    # its return value or its exception
        self._waiters = None  # TaskQueue of tasks awaiting it
        self._cb = None       # called with the task when it ends (gather, wait_for)
        self._seen = False    # its outcome reached someone (an awaiter, a callback, the handler)

    def __repr__(self):
        return '<Task>'

    def done(self):
        return self._done

    def __iter__(self):
        return self

    def __next__(self):
        if self._done:
            self._seen = True
            if self._ok:
                raise StopIteration(self._value)
            raise self._value
        me = _cur
        if self._waiters is None:
            self._waiters = TaskQueue()
        self._waiters.push(me, 0)
        me._on = self
        return None

    def cancel(self):
        if self._done:
            return False
        if self is _cur:
            raise RuntimeError("can't cancel self")
        t = self
        while t._on is not None:  # a task awaiting another: the cancel goes to the one it awaits
            t = t._on
        q = t._q
        if q is not None and q is not _rq:
            q.remove(t)
            _rq.push(t)
        elif q is _rq and ticks_diff(t._key, ticks_ms()) > 0:
            _rq.remove(t)
            _rq.push(t)
        t._throw = CancelledError
        return True


class _Yield:
    # Awaited right after the current task was queued somewhere: gives control to the loop once.
    # One shared instance: it is armed and used up within the same synchronous step.
    def __init__(self):
        self.armed = False

    def __iter__(self):
        return self

    def __next__(self):
        if self.armed:
            self.armed = False
            return None
        raise StopIteration


class _Sleep(_Yield):
    def __next__(self):
        if self.armed:
            self.armed = False
            _rq.push(_cur, self.key)
            return None
        raise StopIteration


_yield = _Yield()
_sleeper = _Sleep()


def _park(q):
    # The current task waits in q (an Event's or a Lock's queue) until something pushes it back.
    q.push(_cur, 0)
    _yield.armed = True
    return _yield


def sleep_ms(t):
    _sleeper.key = ticks_add(ticks_ms(), t if t > 0 else 0)
    _sleeper.armed = True
    return _sleeper


def sleep(t):
    return sleep_ms(int(t * 1000))


class _IO:
    # Tasks waiting for a stream to be readable/writable, polled in one kernel call. fd 0 is sys.stdin.
    def __init__(self):
        self.map = {}       # fd -> [reader task, writer task]
        self.spec = None    # the poll request, rebuilt only when the map changes
        self.keep = 0       # ThreadSafeFlag waiters: the loop keeps waiting for them

    def add(self, s, idx):
        fd = s if isinstance(s, int) else s.fileno()
        e = self.map.get(fd)
        if e is None:
            e = self.map[fd] = [None, None]
        if e[idx] is not None:
            raise RuntimeError('stream already waited on')
        e[idx] = _cur
        _cur._q = self
        self.spec = None
        _yield.armed = True
        return _yield

    def remove(self, t):
        for fd in list(self.map):
            e = self.map[fd]
            if e[0] is t:
                e[0] = None
            if e[1] is t:
                e[1] = None
            if e[0] is None and e[1] is None:
                del self.map[fd]
        t._q = None
        self.spec = None

    def wait(self, dt):
        # dt: ms to wait at most (0 only looks, -1 forever).
        if self.spec is None:
            self.spec = '[' + ','.join('[%d,%d]' % (fd, (_POLLIN if e[0] else 0) | (_POLLOUT if e[1] else 0))
                                       for fd, e in self.map.items()) + ']'
        r = self.map.get(0)
        typed = r is not None and r[0] is not None and _stdin.pending()
        ready = _call('socket.poll', self.spec, 0 if typed else None if dt < 0 else dt * 1000.0) or []
        if typed:
            ready.append([0, _POLLIN])
        if not ready:
            return
        now = ticks_ms()
        for fd, ev in ready:
            e = self.map.get(fd)
            if e is None:
                continue
            for idx, mask in ((0, _WAKE_R), (1, _WAKE_W)):
                t = e[idx]
                if t is not None and ev & mask:
                    e[idx] = None
                    t._q = None
                    _rq.push(t, now)
            if e[0] is None and e[1] is None:
                del self.map[fd]
            self.spec = None


def _wait_read(s):
    return _io.add(s, 0)


def _wait_write(s):
    return _io.add(s, 1)


def _promote_to_task(aw):
    return aw if isinstance(aw, Task) else create_task(aw)


def create_task(coro):
    if not hasattr(coro, 'send'):
        raise TypeError('coroutine expected')
    t = Task(coro)
    _rq.push(t)
    return t


def _finish(t, ok, value, awaited):
    t._done = True
    t._ok = ok
    t._value = value
    seen = awaited
    if t._cb is not None:
        cb = t._cb
        t._cb = None
        cb(t)
        seen = True
    w = t._waiters
    if w is not None and w.head is not None:
        now = ticks_ms()
        while w.head is not None:
            x = w.pop()
            x._on = None
            _rq.push(x, now)
        seen = True
    if seen:
        t._seen = True
    elif not ok and not isinstance(value, CancelledError):
        # Nobody has its exception yet: report it later, unless someone awaits the task first.
        _rq.push(t)


def _report(t):
    if not t._seen:
        t._seen = True
        _exc_context['exception'] = t._value
        _exc_context['future'] = t
        Loop.call_exception_handler(_exc_context)


_exc_context = {'message': "Task exception wasn't retrieved", 'exception': None, 'future': None}


def _wait_for_work(main):
    # Blocks (one kernel call at a time) until the head of the run queue is due.
    # False when nothing can ever run again and the loop may return. While it waits, a board
    # callback that sets a ThreadSafeFlag ends the wait (py/_kern.py: wake, wakeable).
    _wake[0] = False
    _wakeable[0] = True
    try:
        return _wait(main)
    finally:
        _wakeable[0] = False


def _wait(main):
    polled = False
    while True:
        t = _rq.head
        dt = -1 if t is None else ticks_diff(t._key, ticks_ms())
        if dt < 0 and t is not None:
            dt = 0
        if dt == 0 and (polled or not _io.map):
            return True
        if _io.map:
            _io.wait(dt)
            polled = True
        elif dt > 0:
            _call('time.sleep', dt * 1000.0)
        elif _io.keep or (main is not None and not main._done):
            # Nothing can wake it, but the board keeps waiting too (Ctrl-C still ends it).
            _call('socket.poll', '[]', None)
        else:
            return False


def run_until_complete(main_task=None):
    global _cur
    while True:
        if not _wait_for_work(main_task):
            _cur = None
            return None
        t = _rq.pop()
        if t._done:
            _report(t)
            continue
        _cur = t
        exc = t._throw
        t._on = None
        try:
            if exc is None:
                t.coro.send(None)
            else:
                t._throw = None
                t.coro.throw(exc)
            continue
        except StopIteration as e:
            _finish(t, True, e.value, t is main_task)
        except (CancelledError, Exception) as e:
            _finish(t, False, e, t is main_task)
        finally:
            _cur = None
        if t is main_task:
            if t._ok:
                return t._value
            raise t._value


def run(coro):
    return run_until_complete(create_task(coro))


async def _stopper():
    pass


_stop_task = None


class Loop:
    _exc_handler = None

    def create_task(coro):
        return create_task(coro)

    def run_forever():
        global _stop_task
        _stop_task = Task(_stopper())
        run_until_complete(_stop_task)

    def run_until_complete(aw):
        return run_until_complete(_promote_to_task(aw))

    def stop():
        global _stop_task
        if _stop_task is not None:
            _rq.push(_stop_task)
            _stop_task = None

    def close():
        pass

    def set_exception_handler(handler):
        Loop._exc_handler = handler

    def get_exception_handler():
        return Loop._exc_handler

    def default_exception_handler(loop, context):
        import io
        print(context['message'], file=sys.stderr)
        print('future:', context['future'], 'coro=', context['future'].coro, file=sys.stderr)
        buf = io.StringIO()
        sys.print_exception(context['exception'], buf)
        for line in buf.getvalue().split('\n'):
            if line and not line.startswith('  File "/.frozen/'):
                print(line, file=sys.stderr)

    def call_exception_handler(context):
        (Loop._exc_handler or Loop.default_exception_handler)(Loop, context)


def get_event_loop(runq_len=0, waitq_len=0):
    return Loop


def current_task():
    if _cur is None:
        raise RuntimeError('no running event loop')
    return _cur


def new_event_loop():
    global _rq, _io
    _rq = TaskQueue()
    _io = _IO()
    return Loop


_cur = None
new_event_loop()
