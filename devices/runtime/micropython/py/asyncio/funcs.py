# asyncio.wait_for / wait_for_ms / gather.
from . import core


async def wait_for(aw, timeout, sleep=core.sleep):
    # Runs aw as a task; past the timeout, cancels it, waits for it to finish being cancelled and
    # raises TimeoutError. Cancelling the waiter cancels aw too.
    t = core._promote_to_task(aw)
    if timeout is None:
        return await t
    if t._cb is not None:
        raise RuntimeError("can't wait")
    me = core._cur

    def ended(task):
        # aw finished first: wake the waiter from its sleep now.
        if me._q is core._rq:
            core._rq.remove(me)
            core._rq.push(me)

    t._cb = ended
    try:
        await sleep(timeout)
    except core.CancelledError:
        if t._cb is ended:
            t._cb = None
            t.cancel()
        raise
    if t._done:
        t._seen = True
        if t._ok:
            return t._value
        raise t._value
    t._cb = None
    t.cancel()
    try:
        await t
    except BaseException:
        pass
    raise core.TimeoutError


def wait_for_ms(aw, timeout):
    return wait_for(aw, timeout, core.sleep_ms)


async def gather(*aws, return_exceptions=False):
    # The results in order; the first exception unless return_exceptions (then exceptions are
    # results). Cancelling the gather cancels the tasks still running.
    if not aws:
        return []
    ts = [core._promote_to_task(a) for a in aws]
    for t in ts:
        if t._done or t._cb is not None or t._waiters is not None:
            raise RuntimeError("can't gather")
    me = core._cur
    left = [len(ts), None]  # tasks still running; the exception that ends the gather early
    wake = core.TaskQueue()

    def ended(task):
        if left[0] <= 0:
            return
        if not task._ok and not return_exceptions:
            left[1] = task._value
            left[0] = 0
        else:
            left[0] -= 1
        if left[0] == 0 and me._q is wake:
            wake.remove(me)
            core._rq.push(me)

    for t in ts:
        t._cb = ended
    try:
        await core._park(wake)
    except core.CancelledError:
        for t in ts:
            if t._cb is ended:
                t._cb = None
                t.cancel()
        raise
    for t in ts:
        if t._cb is ended:  # still running after another one failed: it goes on on its own
            t._cb = None
    if left[1] is not None:
        raise left[1]
    return [t._value for t in ts]
