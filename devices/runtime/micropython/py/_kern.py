# Kernel calls: the one bridge from Python to the device OS (JS module _k).
# Ints and strings cross; bytes go through linear memory (uctypes.addressof).
import _k, json, uctypes, builtins

_c = _k.call
CFG = json.loads(_k.config())
PC = CFG['personality'] == 'pc'
ERR = CFG['sentErr']
VAL = CFG['sentVal']
KBI = CFG['kbi']
_scratch = bytearray(4096)

_BaseOSError = builtins.OSError

# Linux strerror texts for the PC personality (CPython prints "[Errno n] text").
LINUX_STRERROR = {1: 'Operation not permitted', 2: 'No such file or directory', 4: 'Interrupted system call',
                  9: 'Bad file descriptor', 11: 'Resource temporarily unavailable', 13: 'Permission denied',
                  22: 'Invalid argument', 23: 'Too many open files in system', 24: 'Too many open files',
                  32: 'Broken pipe', 98: 'Address already in use', 99: 'Cannot assign requested address',
                  101: 'Network is unreachable', 103: 'Software caused connection abort',
                  104: 'Connection reset by peer', 106: 'Transport endpoint is already connected',
                  107: 'Transport endpoint is not connected', 110: 'Connection timed out',
                  111: 'Connection refused', 113: 'No route to host', 114: 'Operation already in progress',
                  115: 'Operation now in progress', -2: 'Name or service not known',
                  -3: 'Temporary failure in name resolution'}

if PC:
    class OSError(_BaseOSError):
        # Prints like CPython on Linux: "[Errno 111] Connection refused".
        def __str__(self):
            a = self.args
            if len(a) == 1 and isinstance(a[0], int):
                n = a[0]
                t = LINUX_STRERROR.get(n)
                return '[Errno %d] %s' % (n, t) if t else '[Errno %d] Unknown error %d' % (n, n)
            if len(a) == 1:
                return str(a[0])
            return str(a)
else:
    # The ESP32's own OSError: the VM's errno tables carry the board's numbers (_errno.py), so
    # it prints "[Errno 104] ECONNRESET" as the board does.
    OSError = _BaseOSError


class BlockingIOError(OSError): pass
class ConnectionError(OSError): pass
class BrokenPipeError(ConnectionError): pass
class ConnectionAbortedError(ConnectionError): pass
class ConnectionRefusedError(ConnectionError): pass
class ConnectionResetError(ConnectionError): pass
class TimeoutError(OSError): pass
class gaierror(OSError): pass

_PC_CLASSES = {11: BlockingIOError, 32: BrokenPipeError, 103: ConnectionAbortedError,
               111: ConnectionRefusedError, 104: ConnectionResetError, 110: TimeoutError}


def oserror(n):
    if n == KBI:
        return KeyboardInterrupt()
    if PC:
        if n < 0:
            return gaierror(n)
        return _PC_CLASSES.get(n, OSError)(n)
    return OSError(n)


def _special(r):
    if r == ERR:
        raise oserror(_k.errno())
    return json.loads(_k.val())


def call(op, a=None, b=None, c=None, d=None, e=None):
    # Fewer arguments cross the JS boundary faster.
    if a is None:
        r = _c(op, 0, 0, 0)
    elif b is None:
        r = _c(op, 0, 0, 0, a)
    else:
        r = _c(op, 0, 0, 0, a, b, c, d, e)
    if r <= ERR:
        return _special(r)
    return r


def callw(op, data, a=None, b=None, c=None, d=None):
    # Sends `data` (bytes-like) as the last argument of the syscall.
    if not isinstance(data, (bytes, bytearray)):
        data = bytes(data)
    r = _c(op, 1, uctypes.addressof(data) if len(data) else 0, len(data), a, b, c, d)
    if r <= ERR:
        return _special(r)
    return r


def callr(op, n, a=None, b=None, c=None, d=None):
    # Receives up to n bytes; returns (bytes, extra) where extra is the JSON part of the answer.
    global _scratch
    if n < 0:
        n = 0
    if len(_scratch) < n:
        _scratch = bytearray(n)
    r = _c(op, 2, uctypes.addressof(_scratch), n, a, b, c, d)
    extra = None
    if r <= ERR:
        extra = _special(r)
        r = extra[0] if isinstance(extra, list) else extra
    if r == 0:
        return b'', extra
    return bytes(memoryview(_scratch)[:r]), extra


def write(text):
    call('write', text)
