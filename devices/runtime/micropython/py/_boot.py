# Boot. Imported when the VM boots in the pool; prepare() then installs the
# device's modules from the boot configuration (no host call: nothing is
# claimed yet); main() runs once the VM is claimed: it reads the run's
# configuration, seeds random, optionally joins WiFi, then runs the script.
import sys, builtins, io, gc
import _kern
import _flash  # compiled with the boot, not in the middle of the script's heap
from _kern import call

_INTERNAL = '  File "/.frozen/'


def _install():
    CFG = _kern.CFG
    PC = _kern.PC
    import _vtime, _socket, _select, _network, _machine, random
    import _micropython  # micropython.schedule into the board's queue (py/_irq.py, loaded on first use)
    m = sys.modules
    m['micropython'] = _micropython
    m['time'] = m['utime'] = _vtime
    m['socket'] = m['usocket'] = _socket
    m['select'] = m['uselect'] = _select
    m['network'] = _network
    m['machine'] = _machine
    if not PC:
        import _errno
        _errno.adopt(CFG['espErrno'])
        del m['_errno']
    # Scripts cannot reach the host through the JS bridge.
    for name in ('js', 'jsffi', 'pyscript'):
        m[name] = None

    def _input(prompt=''):
        if prompt:
            sys.stdout.write(str(prompt))
        return call('input', str(prompt))

    builtins.input = _input
    if PC:
        builtins.raw_input = _input
        for n in ('BlockingIOError', 'ConnectionError', 'BrokenPipeError', 'ConnectionAbortedError',
                  'ConnectionRefusedError', 'ConnectionResetError', 'TimeoutError'):
            setattr(builtins, n, getattr(_kern, n))
    import _sys
    _sys.install()  # the board's identity (sys, os.uname) and sys.stdin as a stream
    return random


def _format(e, src_lines, fn):
    buf = io.StringIO()
    sys.print_exception(e, buf)
    lines = [l for l in buf.getvalue().split('\n') if l and not l.startswith(_INTERNAL)]
    fname = '  File "%s", line ' % fn
    PC = _kern.PC
    if PC:
        out = []
        for l in lines:
            out.append(l)
            if l.startswith(fname):
                try:
                    n = int(l[len(fname):].split(',')[0])
                    out.append('    ' + src_lines[n - 1].strip())
                except Exception:
                    pass
        lines = out
    if isinstance(e, _kern.OSError) and lines:
        lines[-1] = '%s: %s' % (type(e).__name__, str(e))
    elif PC and isinstance(e, KeyboardInterrupt) and lines:
        lines[-1] = 'KeyboardInterrupt'
    return '\n'.join(lines) + '\n'


def _boot_wifi(cfg):
    import network, time
    w = network.WLAN(network.STA_IF)
    w.active(True)
    if not w.isconnected():
        w.connect(cfg['ssid'], cfg['password'])
        t0 = time.ticks_ms()
        while not w.isconnected() and time.ticks_diff(time.ticks_ms(), t0) < 20000:
            time.sleep_ms(100)


def _source():
    # The script's text, in pieces as large as the answer buffer takes.
    parts = []
    while True:
        b = call('source', sum(len(p) for p in parts))
        if not b:
            return str(b''.join(parts), 'utf-8')
        parts.append(b)


def _run(body, src, fn, g=None):
    # Runs one part of the boot (the firmware's function, or boot.py's or the script's code in the
    # globals g); returns the exit (code, reason) when it ended the run, or None when the next may run.
    try:
        if g is None:
            body()
        else:
            exec(body, g)
    except SystemExit as e:
        c = e.args[0] if e.args else 0
        return (c, '') if isinstance(c, int) else (1, str(c))
    except KeyboardInterrupt as e:
        tb = _format(e, src.split('\n'), fn)
        sys.stdout.write(tb)
        return 130, tb
    except BaseException as e:
        tb = _format(e, src.split('\n'), fn)
        sys.stdout.write(tb)
        return 1, tb
    return None


def _boot_py(g):
    # The firmware runs boot.py from the flash first; an error there is printed and main.py still
    # runs. Its own function: nothing of it stays referenced while the script runs.
    boot = _flash.text('/boot.py')
    if boot is None:
        return None
    try:
        code = compile(boot, 'boot.py', 'exec')
    except SyntaxError as e:
        sys.stdout.write(_format(e, boot.split('\n'), 'boot.py'))
        return None
    r = _run(code, boot, 'boot.py', g)
    return None if r is not None and r[0] == 1 and r[1] else r


_random = None


# The part of an ESP32's heap our modules compile in, with the boot's (64 KB is too little, 70 KB
# enough); the rest is the placeholder's.
_RUNTIME_BYTES = 74 * 1024


def prepare():
    # In the pool, before the claim: the device's modules, from the boot configuration.
    global _random
    _kern.prepare()
    # The script's heap starts as one long run of free blocks: a placeholder holds the low part
    # of the heap while our modules compile above it (with the holes their garbage leaves), then
    # is freed. Small objects fill the heap from the bottom, so the script's go there first.
    # A heap too small for that (`heap:` under ~96 KB) keeps its few KB: Pin loads on first use.
    n = 0 if _kern.PC else gc.mem_free() + gc.mem_alloc() - _RUNTIME_BYTES
    hold = bytearray(n) if n > 0 else None
    _random = _install()
    if not _kern.PC:
        import emp_wifi  # the tutorial's helper: every lesson's first import
        if hold is not None:
            import _mpin  # machine.Pin
    hold = None
    gc.collect()


def main():
    CFG = _kern.configure()
    PC = _kern.PC
    _random.seed(CFG['seed'] & 0x3fffffff)
    # The board's modules were installed in the pool (prepare()), through the VM's own files;
    # now the flash takes the root.
    flash = CFG.get('flash')
    if flash:
        _flash.mount(flash)
    fn = CFG['filename']
    src = CFG.pop('source', None)  # a small script came with the configuration
    if src is None:
        src = _flash.text('/main.py') if CFG.get('mainFromFlash') else _source()
    code = None
    if src is not None:
        try:
            code = compile(src, fn, 'exec')
        except SyntaxError as e:
            tb = _format(e, src.split('\n'), fn)
            sys.stdout.write(tb)
            call('exit', 1, tb)
            return
    # boot.py and main.py share their globals, as on the board.
    g = {'__name__': '__main__', '__file__': fn}

    def firmware():
        if CFG.get('bootWifi') and not PC:
            _boot_wifi(CFG['bootWifi'])
        call('_ready')

    r = _run(firmware, src or '', fn)
    if r is None and flash and not PC:
        r = _boot_py(g)
    if r is None and code is not None:
        if not PC:
            # What the boot left (the flash's mount, boot.py) is freed before the script, so that
            # gc.mem_free() reads as on the board. A PC has no such figure to match, and its 4 MiB
            # heap took ~0.45 ms of every run to collect.
            gc.collect()
        r = _run(code, src, fn, g)
    r = r or (0, '')
    call('exit', r[0], r[1])
