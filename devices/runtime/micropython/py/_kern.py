# Kernel calls: the one bridge from Python to the device OS, bytes only.
#
# No JavaScript object is reachable from Python: a kernel call is one
# readinto() of a 16-int header on a character device that the VM's
# JavaScript answers (devices/runtime/micropython/protocol.ts has the layout):
#   [0] op  [1..6] argument words  [7,8] payload ptr,len  [9,10] answer ptr,cap
#   [11] answer kind  [12] value  [13] answer length  [14] argument tags  [15] callbacks due
# Int arguments and int answers cross in header words; strings, bytes, floats
# and small lists go through the payload. Op names are interned once per VM.
import array, uctypes, builtins
# Imported here, at boot: an import while an answer is being decoded would look on the flash
# (a kernel call of its own, which would overwrite that answer).
import json, struct

_dev = open('/dev/k', 'rb')
_rd = _dev.readinto
_h = array.array('i', [0] * 16)
_buf = bytearray(2048)  # answers; grows for larger ones
_h[9] = uctypes.addressof(_buf)
_h[10] = len(_buf)

# Argument tags and answer kinds (protocol.ts).
_T_INT = 1
_T_BOOL = 2
_T_FLOAT = 3
_T_STR = 4
_T_BYTES = 5
_T_JSON = 6
K_INT = 0
K_ERR = 1
K_NONE = 2
K_BOOL = 3
K_FLOAT = 4
K_STR = 5
K_BYTES = 6
K_JSON = 7
_DEFER = 1 << 30  # TAG_DEFER: the VM's JavaScript may put the call off (post())
_OP_REFETCH = 0x7F03
_OP_BOOTCFG = 0x7F04
_I32_MIN = -0x80000000
_I32_MAX = 0x7FFFFFFF

_codes = {}
CFG = None  # the device's configuration: prepare() at boot, configure() once the VM is claimed
PC = False
KBI = 0
# Safe points (py/_irq.py). Every answer carries, in header word 15, how many board callbacks
# are due (timers, Pin IRQs, ESP-NOW, micropython.schedule): `pending[0]` keeps it. After a
# call's answer is decoded, `dispatch` runs them when some are due. A blocking call (sleep,
# socket wait, recv) with callbacks falling due is answered early with the errno IRQ: the host
# set the call aside; we run the callbacks and ask for the rest of it with the op IRQ_RESUME,
# repeatedly, until its real answer comes. IRQ_RESUME's one argument is 1 when the call was
# made inside a callback (`in_callback[0]`, set by py/_irq.py): callbacks do not nest, so the
# host then lets that call finish before it sets anything aside again; 2 when a callback woke
# the asyncio loop (ThreadSafeFlag.set(): `wake[0]`) while the call set aside is the loop's
# own wait for work (`wakeable[0]`): the host answers it at once with None.
IRQ = 0
IRQ_RESUME = 'irq.resume'
pending = [0]
in_callback = [False]
wake = [False]
wakeable = [False]
dispatch = lambda: None  # replaced by py/_irq.py
# Calls put off (post()): only while the host allows it (BATCH, from 'config') and no callback
# can fall due before they would have been answered: ARMED once the script set up any source of
# callbacks (py/_irq.py: a handler, micropython.schedule), for the rest of the run.
BATCH = False
ARMED = False


def _put(i, v, parts):
    # Stores argument i into the header; returns its tag (payload parts are appended to `parts`).
    h = _h
    t = type(v)
    if t is int and _I32_MIN <= v <= _I32_MAX:
        h[1 + i] = v
        return _T_INT
    if v is None:
        h[1 + i] = 0
        return 0
    if t is bool:
        h[1 + i] = 1 if v else 0
        return _T_BOOL
    if t is str:
        b = v.encode()
        tag = _T_STR
    elif t is bytes or t is bytearray or t is memoryview:
        b = v
        tag = _T_BYTES
    elif t is float or t is int:
        # '<d' without importing struct (a function-level import of a built-in searches the
        # filesystem first, every time): wasm is little-endian.
        b = bytes(array.array('d', (v,)))
        tag = _T_FLOAT
    else:
        b = json.dumps(v).encode()
        tag = _T_JSON
    h[1 + i] = len(b)
    parts.append(b)
    return tag


def _request(op, a, b, c, d, e, f, cap):
    # One round trip; returns the answer kind (value in _h[12], payload in _buf).
    global _buf
    h = _h
    code = _codes.get(op)
    if code is None:
        code = _intern(op)
    h[0] = code
    if a is None:
        h[14] = 0
        h[8] = 0
    elif b is None and type(a) is int and _I32_MIN <= a <= _I32_MAX:
        h[1] = a  # the common case: one int argument, nothing in the payload
        h[14] = _T_INT
        h[8] = 0
    else:
        parts = []
        tags = _put(0, a, parts)
        if b is not None or c is not None or d is not None or e is not None or f is not None:
            tags |= _put(1, b, parts) << 3 | _put(2, c, parts) << 6 | _put(3, d, parts) << 9 | _put(4, e, parts) << 12 | _put(5, f, parts) << 15
        h[14] = tags
        if parts:
            data = parts[0] if len(parts) == 1 else b''.join(parts)
            h[7] = uctypes.addressof(data)
            h[8] = len(data)
        else:
            h[8] = 0
    if cap > h[10]:
        _buf = bytearray(cap)
        h[9] = uctypes.addressof(_buf)
        h[10] = cap
    _rd(h)
    k = h[11]
    while k == K_ERR and h[12] == IRQ and IRQ:
        # Set aside for callbacks: run them, then resume the call (its answer lands as usual;
        # the answer buffer in h[9], h[10] is still the one for this call, or a bigger one).
        pending[0] = h[15]
        inside = in_callback[0]
        dispatch()
        mode = 1 if inside else 0
        if wake[0] and wakeable[0] and not inside:
            wake[0] = False
            mode = 2
        h[0] = _codes.get(IRQ_RESUME) or _intern(IRQ_RESUME)
        h[1] = mode
        h[14] = _T_INT
        h[8] = 0
        _rd(h)
        k = h[11]
    if h[13] > h[10]:  # a longer answer: copy it again into a bigger buffer (no round trip)
        _buf = bytearray(h[13])
        h[0] = _OP_REFETCH
        h[9] = uctypes.addressof(_buf)
        h[10] = h[13]
        _rd(h)
    pending[0] = h[15]
    return k


def _intern(op):
    # Op 0: the host answers the op's code for this VM.
    h = _h
    b = op.encode()
    h[0] = 0
    h[14] = _T_STR
    h[1] = len(b)
    h[7] = uctypes.addressof(b)
    h[8] = len(b)
    _rd(h)
    if h[11] != K_INT:
        raise ValueError('unknown kernel call ' + op)
    _codes[op] = h[12]
    return h[12]


def _value(k):
    h = _h
    if k == K_INT:
        return h[12]
    if k == K_NONE:
        return None
    if k == K_BOOL:
        return h[12] != 0
    if k == K_ERR:
        raise oserror(h[12])
    n = h[13]
    if k == K_STR:
        return str(bytes(memoryview(_buf)[:n]), 'utf-8')
    if k == K_BYTES:
        return bytes(memoryview(_buf)[:n])
    if k == K_FLOAT:
        return struct.unpack_from('<d', _buf)[0]
    return json.loads(bytes(memoryview(_buf)[:h[12]]))


def _safe(k):
    # Decodes the answer, then (a safe point) runs the callbacks due; an error is raised after them.
    try:
        return _value(k)
    finally:
        dispatch()


def call(op, a=None, b=None, c=None, d=None, e=None):
    k = _request(op, a, b, c, d, e, None, 0)
    if pending[0]:
        return _safe(k)
    if k == K_INT:
        return _h[12]
    return _value(k)


def post(op, a, b):
    # A call whose answer is None whatever happens (bridge/protocol.ts DEFERRABLE_OPS; two int
    # arguments): while nothing can make callbacks due, the VM's JavaScript queues it and it goes
    # to the host with the next call that needs its answer, one hand-over for all.
    if not BATCH or ARMED:
        return call(op, a, b)
    h = _h
    code = _codes.get(op)
    if code is None:
        code = _intern(op)
    h[0] = code
    h[1] = a
    h[2] = b
    h[14] = _T_INT | _T_INT << 3 | _DEFER
    h[8] = 0
    _rd(h)
    k = h[11]
    pending[0] = h[15]
    if pending[0]:
        return _safe(k)
    if k != K_NONE:
        return _value(k)


def callw(op, data, a=None, b=None, c=None, d=None):
    # Sends `data` (bytes-like) as the last argument of the call.
    if a is None:
        k = _request(op, data, None, None, None, None, None, 0)
    elif b is None:
        k = _request(op, a, data, None, None, None, None, 0)
    elif c is None:
        k = _request(op, a, b, data, None, None, None, 0)
    elif d is None:
        k = _request(op, a, b, c, data, None, None, 0)
    else:
        k = _request(op, a, b, c, d, data, None, 0)
    if pending[0]:
        return _safe(k)
    return _value(k)


def callr(op, n, a=None, b=None, c=None, d=None):
    # Receives up to n bytes; returns (bytes, extra): extra is the rest of a structured answer
    # (e.g. [count, ip, port] for recvfrom), or None.
    k = _request(op, a, b, c, d, None, None, n if n > 0 else 0)
    if pending[0]:
        try:
            return _answer_r(k)
        finally:
            dispatch()
    return _answer_r(k)


def _answer_r(k):
    h = _h
    if k == K_BYTES:
        m = h[13]
        return (bytes(memoryview(_buf)[:m]) if m else b''), None
    if k == K_JSON:
        j = h[12]
        extra = json.loads(bytes(memoryview(_buf)[:j]))
        return bytes(memoryview(_buf)[j:h[13]]), extra
    v = _value(k)
    return b'', v


def write(text):
    call('write', text)


def prepare():
    # Before the claim: the configuration the VM booted with (personality, errno tables, socket
    # constants), read from the VM's JavaScript without a round trip, so the device's modules can
    # be installed while the VM waits in the pool.
    global CFG, PC, KBI, IRQ, IRQ_RESUME, _buf
    import json
    h = _h
    h[0] = _OP_BOOTCFG
    _rd(h)
    if h[13] > h[10]:
        _buf = bytearray(h[13])
        h[9] = uctypes.addressof(_buf)
        h[10] = h[13]
        h[0] = _OP_BOOTCFG
        _rd(h)
    CFG = json.loads(bytes(memoryview(_buf)[:h[13]]))
    # The op names the host interned before we started: codes 1..n (bridge/protocol.ts KNOWN_OPS).
    for i, n in enumerate(CFG.pop('ops', ())):
        _codes[n] = i + 1
    PC = CFG['personality'] == 'pc'
    KBI = CFG['kbi']
    IRQ = CFG.get('irq', 0)
    IRQ_RESUME = CFG.get('irqResume', IRQ_RESUME)
    import _oserror
    _oserror.install(globals(), PC)
    return CFG


def configure():
    # Once claimed: the run's part of the configuration (seed, the script's name, WiFi) joins it.
    global BATCH
    CFG.update(call('config'))
    BATCH = bool(CFG.get('batch')) and not PC
    return CFG
