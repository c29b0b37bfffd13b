# sys.stdin (and sys.stdin.buffer) as a stream over the lines the scenario types.
# A line arrives whole with its newline, as a UART or a terminal delivers it; reads block until
# enough has been typed (and forever once the user stops typing: there is no end of file).
# select.poll(sys.stdin) is fd 0. input() reads what a partial read left over first.
from _kern import call, PC


class _Line:
    # Bytes typed and not read yet, shared by the text and binary views.
    def __init__(self):
        self.buf = b''

    def fill(self):
        # The PC's terminal echoes what is typed; the ESP32's UART does not.
        self.buf += call('stdin.read', 1 if PC else 0).encode() + b'\n'

    def take(self, n):
        b = self.buf
        while len(b) < n:
            self.fill()
            b = self.buf
        self.buf = b[n:]
        return b[:n]

    def line(self, limit):
        while True:
            b = self.buf
            i = b.find(b'\n')
            if i >= 0 or (0 <= limit <= len(b)):
                n = i + 1 if i >= 0 else limit
                if 0 <= limit < n:
                    n = limit
                self.buf = b[n:]
                return b[:n]
            self.fill()


_line = _Line()


class _Stream:
    def __init__(self, binary):
        self._bin = binary

    def __repr__(self):
        if PC:
            return "<_io.BufferedReader name='<stdin>'>" if self._bin else "<_io.TextIOWrapper name='<stdin>' mode='r' encoding='utf-8'>"
        return '<io.FileIO 0>' if self._bin else '<io.TextIOWrapper 0>'

    def _out(self, b):
        return b if self._bin else b.decode()

    def read(self, n=-1):
        if n is None or n < 0:
            while True:  # until end of file, which never comes
                _line.fill()
        return self._out(_line.take(n))

    def readline(self, size=-1):
        return self._out(_line.line(-1 if size is None else size))

    def readlines(self):
        return [self.read()]

    def readinto(self, buf, n=None):
        n = len(buf) if n is None else min(n, len(buf))
        d = _line.take(n)
        buf[:n] = d
        return n

    def __iter__(self):
        return self

    def __next__(self):
        return self.readline()

    def fileno(self):
        return 0

    def isatty(self):
        return True

    def readable(self):
        return True

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        pass


buffer = _Stream(True)
stdin = _Stream(False)
stdin.buffer = buffer


def pending():
    # Bytes already typed and buffered here (select.poll reports sys.stdin readable at once).
    return len(_line.buf)


def wrap_input(orig):
    # input() reads what a partial sys.stdin read left of the current line, then typed lines as before.
    def _input(prompt=''):
        if not _line.buf:
            return orig(prompt)
        if prompt:
            call('write', str(prompt))
        s = _line.line(-1).decode()
        call('write', s)
        return s[:-1] if s.endswith('\n') else s
    return _input
