# Callbacks at safe points: the board's scheduler queue (MicroPython's mp_sched_schedule).
# Timer expiries, Pin.irq edges and ESP-NOW receptions are raised by the simulated hardware;
# micropython.schedule() adds to the same queue. They run, oldest first, when the script is at a
# safe point: right after a kernel call returns, or while it blocks in one (sleep, socket wait,
# recv), never in the middle of other Python code. A callback that raises prints its traceback
# as the board does and the script goes on. Callbacks do not nest: those raised while one runs
# wait for it to finish.
import sys
import io
import _kern

DEPTH = 8  # MICROPY_SCHEDULER_DEPTH of the ESP32 port
_INTERNAL = '  File "/lib/'

_q = []         # [func, arg] waiting to run
_handlers = {}  # (kind, id) -> (func, arg), filled by machine.Timer, Pin.irq, espnow
_busy = [False]


def handler(kind, id, func, arg):
    # What an entry [kind, id] from the board runs; func None forgets it.
    if func is None:
        _handlers.pop((kind, id), None)
    else:
        _handlers[(kind, id)] = (func, arg)


def schedule(func, arg):
    if len(_q) >= DEPTH:
        raise RuntimeError('schedule queue full')
    _q.append((func, arg))
    _kern.queued[0] = True


def print_exception(e):
    # As mp_obj_print_exception: the traceback of the user's frames, then the exception line.
    buf = io.StringIO()
    sys.print_exception(e, buf)
    lines = [l for l in buf.getvalue().split('\n') if l and not l.startswith(_INTERNAL)]
    if len(lines) == 2 and lines[0].startswith('Traceback'):
        lines = lines[1:]  # raised by the runtime itself: no frame of the user's code
    sys.stdout.write('\n'.join(lines) + '\n')


def run():
    if _busy[0]:
        return
    _busy[0] = True
    _kern.queued[0] = False
    try:
        while True:
            if _kern.pending[0]:
                for kind, id in _kern.call('irq.take'):
                    h = _handlers.get((kind, id))
                    if h is not None and len(_q) < DEPTH:
                        _q.append(h)
            if not _q:
                break
            func, arg = _q.pop(0)
            try:
                func(arg)
            except (Exception, SystemExit) as e:
                print_exception(e)
    finally:
        _busy[0] = False


_kern.dispatch = run
