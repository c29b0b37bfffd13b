# The board's flash filesystem as a MicroPython VFS (devices/fs on the host: littlefs-like, the
# flash's size is its quota), reached by the runtime's own fs.* calls. mount() puts it at '/' on
# an ESP32 (the VM's own file system is then out of sight) or at a PC's working directory.
# /.frozen (our modules, read-only) is served from the VM's own files.
import io, vfs
from _kern import call, callw

_S_IFDIR = 0x4000
_FROZEN = '/.frozen'
_EROFS = 30
_CHUNK = 2048  # bytes per call: what the answer buffer of _kern holds without growing
# open() flags (devices/fs/calls.ts): read, write, append, create, truncate, exclusive.
_R = 1
_W = 2
_A = 4
_C = 8
_T = 16
_X = 32


def _closed():
    raise ValueError('I/O operation on closed file')


class FileIO(io.IOBase):
    # A file of the flash: its path, mode and position (the host keeps no open files).
    def __init__(self, path, flags, size, text):
        self._p = path
        self._f = flags
        self._pos = size if flags & _A else 0
        self._text = text
        self._open = True

    def __repr__(self):
        return '<io.%s>' % ('TextIOWrapper' if self._text else 'FileIO')

    def _raw(self, n, line=False):
        if not self._open:
            _closed()
        if not self._f & _R:
            raise OSError(9)
        out = []
        while n != 0:
            b = call('fs.read', self._p, self._pos, _CHUNK if n < 0 or n > _CHUNK else n, line)
            self._pos += len(b)
            out.append(b)
            if not b or (line and b[-1] == 10):
                break
            if n > 0:
                n -= len(b)
        return out[0] if len(out) == 1 else b''.join(out)

    def read(self, n=-1):
        if n is None:
            n = -1
        if not self._text:
            return self._raw(n)
        if n < 0:
            return str(self._raw(-1), 'utf-8')
        # Text: n characters (a character cut by the byte count is completed).
        out = b''
        got = 0
        while got < n:
            b = self._raw(n - got)
            if not b:
                break
            i = len(b) - 1
            while i > 0 and b[i] & 0xC0 == 0x80:
                i -= 1
            c = b[i]
            if c >= 0xC0:
                need = (2 if c < 0xE0 else 3 if c < 0xF0 else 4) - (len(b) - i)
                if need > 0:
                    b += self._raw(need)
            out += b
            got = len(str(out, 'utf-8'))
        return str(out, 'utf-8')

    def readinto(self, buf):
        b = self._raw(len(buf))
        buf[:len(b)] = b
        return len(b)

    def readline(self, n=-1):
        b = self._raw(-1 if n is None else n, True)
        return str(b, 'utf-8') if self._text else b

    def readlines(self):
        return list(self)

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def write(self, data):
        if not self._open:
            _closed()
        if not self._f & _W:
            raise OSError(9)
        if type(data) is str:
            data = data.encode()
        n = len(data)
        if type(data) is not bytes or n > _CHUNK:
            mv = memoryview(data)
            parts = [bytes(mv[o:o + _CHUNK]) for o in range(0, n, _CHUNK)]
        else:
            parts = (data,)
        for part in parts:
            self._pos = callw('fs.write', part, self._p, -1 if self._f & _A else self._pos)
        return n

    def seek(self, off, whence=0):
        if not self._open:
            _closed()
        if whence == 2:
            base = call('fs.stat', self._p)[1]
        else:
            base = self._pos if whence == 1 else 0
        if base + off < 0:
            raise OSError(22)
        self._pos = base + off
        return self._pos

    def tell(self):
        return self.seek(0, 1)

    def flush(self):
        if not self._open:
            _closed()

    def close(self):
        self._open = False

    def ioctl(self, req, arg):
        # The C stream protocol (import reads modules through it): 4 close, 11 buffer size.
        if req == 4:
            self.close()
        elif req == 11:
            return _CHUNK
        return 0

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


def _flags(mode):
    f = 0
    for c in mode:
        if c == 'r':
            f |= _R
        elif c == 'w':
            f |= _W | _C | _T
        elif c == 'a':
            f |= _W | _A | _C
        elif c == 'x':
            f |= _W | _C | _X
        elif c == '+':
            f |= _R | _W
    return f


class Flash:
    # The VFS object os.mount() holds: paths arrive relative to the mount point.
    def __init__(self, at):
        self._cwd = '/'
        self._at = at
        self._frozen = vfs.VfsPosix(_FROZEN)

    def _abs(self, p):
        if not isinstance(p, str):
            p = str(p, 'utf-8')
        return p if p.startswith('/') else self._cwd.rstrip('/') + '/' + p

    def _own(self, p):
        # A path into /.frozen (ESP32 only: at '/' it is the root's): the rest, or None.
        if self._at == '/' and (p == _FROZEN or p.startswith(_FROZEN + '/')):
            return p[len(_FROZEN):] or '/'
        return None

    def mount(self, readonly, mkfs):
        pass

    def umount(self):
        pass

    def open(self, path, mode):
        p = self._abs(path)
        f = _flags(mode)
        text = 'b' not in mode
        own = self._own(p)
        if own is not None:
            if f & _W:
                raise OSError(_EROFS)
            return self._frozen.open(own, mode)
        size = call('fs.open', p, f)
        return FileIO(p, f, size, text)

    def stat(self, path):
        p = self._abs(path)
        own = self._own(p)
        if own is not None:
            return self._frozen.stat(own)
        mode, size, mtime = call('fs.stat', p)
        return (mode, 0, 0, 0, 0, 0, size, mtime, mtime, mtime)

    def ilistdir(self, path='', *_):
        p = self._abs(path or self._cwd)
        own = self._own(p)
        if own is not None:
            return self._frozen.ilistdir(own)
        b = isinstance(path, bytes)
        return iter([(n.encode() if b else n, t, 0, s) for n, t, s in call('fs.ls', p)])

    def mkdir(self, path):
        call('fs.mkdir', self._ro(path))

    def remove(self, path):
        call('fs.remove', self._ro(path))

    rmdir = remove

    def rename(self, a, b):
        call('fs.rename', self._ro(a), self._ro(b))

    def _ro(self, path):
        p = self._abs(path)
        if self._own(p) is not None:
            raise OSError(_EROFS)
        return p

    def chdir(self, path):
        p = self._abs(path)
        if self._own(p) is None and call('fs.stat', p)[0] != _S_IFDIR:
            raise OSError(2)
        parts = []
        for c in p.split('/'):
            if c == '..':
                if parts:
                    parts.pop()
            elif c and c != '.':
                parts.append(c)
        self._cwd = '/' + '/'.join(parts)

    def getcwd(self):
        return self._cwd

    def statvfs(self, path):
        return tuple(call('fs.statvfs'))


def mount(at):
    # ESP32: the flash replaces the VM's own root. PC: it is the working directory, inside the VM's root.
    import os, sys
    fl = Flash(at)
    if at == '/':
        vfs.umount('/')
        vfs.mount(fl, '/')
        os.chdir('/')
        sys.path[:] = ['', _FROZEN, '.frozen', '/lib']
    else:
        try:
            os.mkdir(at)
        except OSError:
            pass
        root = vfs.VfsPosix()
        vfs.umount('/')
        vfs.mount(fl, at)  # looked up before '/' (mounted after it)
        vfs.mount(root, '/')
        os.chdir(at)


def text(path):
    # boot.py (and main.py when it comes from the flash): its text, or None when there is no such file.
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None
