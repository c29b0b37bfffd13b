# Drives `esp32sim run <lab> --live` through a pseudo-terminal, as a user at a terminal would:
# waits for the server, types three lines (one key at a time), waits to see each echoed on
# the ESP32's console, presses Ctrl-C, and waits for the run to end. Every wait has a deadline.
# usage: pty_session.py TRACE CMD...   (prints the session's output; exit status = the run's)
import os, pty, sys, time, select

trace, cmd = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)

out = b''
def pump(until, timeout):
    global out
    end = time.time() + timeout
    while until not in out:
        left = end - time.time()
        if left <= 0:
            raise SystemExit('pty_session: timed out waiting for %r; output so far:\n%s' % (until, out.decode('utf8', 'replace')))
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b''
            if not chunk:
                raise SystemExit('pty_session: the run ended before %r; output:\n%s' % (until, out.decode('utf8', 'replace')))
            out += chunk

def type_line(text):
    for ch in text:
        os.write(fd, ch.encode())
        time.sleep(0.02)
    os.write(fd, b'\r')

try:
    pump(b'accepting.....', 60)
    for line in ['hello from a pty', 'ESP32', 'socket programming is fun']:
        type_line(line)
        pump(("b'%s'" % line).encode(), 20)
    os.write(fd, b'\x03')
    pump(b'script ended (exit 0)', 20)
    end = time.time() + 20
    status = None
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b''
            out += chunk
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            break
    if status is None:
        raise SystemExit('pty_session: the run did not end after its scripts ended')
finally:
    try:
        os.kill(pid, 9)
    except OSError:
        pass
sys.stdout.write(out.decode('utf8', 'replace'))
sys.exit(os.waitstatus_to_exitcode(status))
