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
_INTERNAL = '  File "/.frozen/'

_handlers = {}  # (kind, id) -> (func, arg), filled by machine.Timer, Pin.irq, espnow
_sched = {}     # id -> (func, arg): micropython.schedule() entries on the board's line
_next = [0]
_busy = _kern.in_callback


def handler(kind, id, func, arg):
    # What an entry [kind, id] from the board runs; func None forgets it.
    _kern.ARMED = True  # callbacks may fall due from now on: no call is put off (_kern.post)
    if func is None:
        _handlers.pop((kind, id), None)
    else:
        _handlers[(kind, id)] = (func, arg)


def schedule(func, arg):
    # micropython.schedule(): into the board's queue (8 deep), behind what the hardware queued.
    if _kern.PC:
        func(arg)  # no board: at once
        return
    _kern.ARMED = True
    i = _next[0]
    _next[0] = (i + 1) & 0xFFFF
    _sched[i] = (func, arg)
    if not _kern.call('irq.push', i):
        del _sched[i]
        raise RuntimeError('schedule queue full')


def print_exception(e):
    # As mp_obj_print_exception: the traceback of the user's frames, then the exception line.
    buf = io.StringIO()
    sys.print_exception(e, buf)
    lines = [l for l in buf.getvalue().split('\n') if l and not l.startswith(_INTERNAL)]
    if len(lines) == 2 and lines[0].startswith('Traceback'):
        lines = lines[1:]  # raised by the runtime itself: no frame of the user's code
    sys.stdout.write('\n'.join(lines) + '\n')


def run():
    # Takes the board's entries one at a time (the line keeps the ones not started yet, and drops
    # what comes beyond 8), oldest first, until none is pending.
    if _busy[0]:
        return
    _busy[0] = True
    try:
        while _kern.pending[0]:
            got = _kern.call('irq.take', 1)
            if not got:
                break
            kind, id = got[0]
            h = _sched.pop(id, None) if kind == 'sched' else _handlers.get((kind, id))
            if h is None:
                continue
            try:
                h[0](h[1])
            except (Exception, SystemExit) as e:
                print_exception(e)
    finally:
        _busy[0] = False


_kern.dispatch = run
