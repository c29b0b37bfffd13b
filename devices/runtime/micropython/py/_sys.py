# sys / usys as the board reports itself (_boot installs this module in sys.modules).
# ESP32: MicroPython 1.27.0 on a generic ESP32 module (ESP32_GENERIC firmware, built 2025-12-09).
# PC: MicroPython flavoured as CPython on Linux (sys.platform 'linux', a Linux os.uname()).
# Everything else is the VM's own sys; sys.stdin reads the scenario's typed lines (_stdin).
from sys import argv, byteorder, exit, maxsize, modules, path, print_exception, stderr, stdout, ps1, ps2, version_info
from _kern import PC as _PC
import _stdin

__name__ = 'sys'
stdin = _stdin.stdin


class _Named:
    # An attribute tuple printed as (a=1, b='x'), like MicroPython's sys.implementation and os.uname().
    def __init__(self, prefix, names, values):
        self._p = prefix
        self._n = names
        self._v = values
        for k, v in zip(names, values):
            setattr(self, k, v)

    def __repr__(self):
        return self._p + '(' + ', '.join('%s=%r' % kv for kv in zip(self._n, self._v)) + ')'

    def __getitem__(self, i):
        return self._v[i]

    def __len__(self):
        return len(self._v)

    def __iter__(self):
        return iter(self._v)

    def __eq__(self, other):
        return tuple(self._v) == tuple(other)


_REL = (1, 27, 0)
version = '3.4.0; MicroPython v1.27.0 on 2025-12-09'
if _PC:
    platform = 'linux'
    # The unix port on x86-64: mpy v6.3, native arch x64 (2).
    implementation = _Named('', ('name', 'version', '_machine', '_mpy', '_build'),
                            ('micropython', _REL + ('',), 'linux [GCC 12.2.0] version', 6 | 3 << 8 | 2 << 10, 'standard'))
else:
    platform = 'esp32'
    # mpy v6.3, native arch xtensawin (10): 11014.
    implementation = _Named('', ('name', 'version', '_machine', '_mpy', '_build', '_thread'),
                            ('micropython', _REL + ('',), 'Generic ESP32 module with ESP32', 6 | 3 << 8 | 10 << 10,
                             'ESP32_GENERIC', 'GIL'))


def _uname():
    if _PC:
        from _kern import call
        return _Named('posix.uname_result', ('sysname', 'nodename', 'release', 'version', 'machine'),
                      ('Linux', call('hostname'), '6.1.0-28-amd64',
                       '#1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22)', 'x86_64'))
    return _Named('', ('sysname', 'nodename', 'release', 'version', 'machine'),
                  ('esp32', 'esp32', '1.27.0', 'v1.27.0 on 2025-12-09', 'Generic ESP32 module with ESP32'))


def install():
    # Called by _boot: sys/usys become this module, os.uname() appears, input() sees partial stdin reads.
    import os, builtins
    modules['sys'] = modules['usys'] = modules['_sys']
    os.uname = _uname
    # The bare name sees _boot's input(); reading builtins.input back gives the VM's own (which hangs).
    inp = _stdin.wrap_input(input)
    builtins.input = inp
    if _PC:
        builtins.raw_input = inp
