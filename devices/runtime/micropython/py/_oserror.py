# The OSError family of the device's personality, installed into _kern's globals by
# _kern.configure() (so `from _kern import OSError, oserror, ...` works in every module).
import builtins

_BaseOSError = builtins.OSError

# OSError texts of the PC personality (CPython prints "[Errno n] text"): the host's table
# (stack/personality), filled in by install().
ERRNO_TEXT = {}


class _LinuxOSError(_BaseOSError):
    # Prints like CPython on Linux: "[Errno 111] Connection refused".
    def __str__(self):
        a = self.args
        if len(a) == 1 and isinstance(a[0], int):
            n = a[0]
            t = ERRNO_TEXT.get(n)
            return '[Errno %d] %s' % (n, t) if t else '[Errno %d] Unknown error %d' % (n, n)
        if len(a) == 1:
            return str(a[0])
        return str(a)


def install(g, pc):
    # The ESP32's own OSError is the builtin one: the VM's errno tables carry the board's numbers
    # (_errno.py), so it prints "[Errno 104] ECONNRESET" as the board does.
    OSError = _LinuxOSError if pc else _BaseOSError
    for k, v in g['CFG']['errnoText'].items():
        ERRNO_TEXT[int(k)] = v

    class BlockingIOError(OSError): pass
    class ConnectionError(OSError): pass
    class BrokenPipeError(ConnectionError): pass
    class ConnectionAbortedError(ConnectionError): pass
    class ConnectionRefusedError(ConnectionError): pass
    class ConnectionResetError(ConnectionError): pass
    class TimeoutError(OSError): pass
    class gaierror(OSError): pass

    by_errno = {11: BlockingIOError, 32: BrokenPipeError, 103: ConnectionAbortedError,
                111: ConnectionRefusedError, 104: ConnectionResetError, 110: TimeoutError}
    kbi = g['KBI']

    def oserror(n):
        if n == kbi:
            return KeyboardInterrupt()
        if pc:
            if n < 0:
                return gaierror(n)
            return by_errno.get(n, OSError)(n)
        return OSError(n)

    for k, v in (('OSError', OSError), ('BlockingIOError', BlockingIOError), ('ConnectionError', ConnectionError),
                 ('BrokenPipeError', BrokenPipeError), ('ConnectionAbortedError', ConnectionAbortedError),
                 ('ConnectionRefusedError', ConnectionRefusedError), ('ConnectionResetError', ConnectionResetError),
                 ('TimeoutError', TimeoutError), ('gaierror', gaierror), ('oserror', oserror),
                 ('ERRNO_TEXT', ERRNO_TEXT)):
        g[k] = v
