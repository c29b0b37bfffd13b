# led_server.py -- switch the ESP32's LED (GPIO 2) from anywhere on the LAN.
# Protocol (TCP port 5000): one command per line, e.g. "LED ON\n"; see README.md.
import socket
import select
import time
from machine import Pin, PWM

PORT = 5000
LED_PIN = 2

led = Pin(LED_PIN, Pin.OUT)
level = 0          # what the LED shows when not in PWM mode
led.value(level)
pwm = None         # a PWM object while in "LED PWM" mode
duty = 0
blink_ms = 0       # > 0 while blinking
next_toggle = 0


def stop_pwm():
    global pwm, led
    if pwm is not None:
        pwm.deinit()
        pwm = None
        led = Pin(LED_PIN, Pin.OUT)


def set_level(v):
    global level
    stop_pwm()
    level = v
    led.value(level)


def state():
    if blink_ms:
        return 'BLINK %d' % blink_ms
    if pwm is not None:
        return 'PWM %d' % duty
    return 'ON' if level else 'OFF'


def number(text):
    try:
        return int(text)
    except ValueError:
        return None


def command(line):
    """Runs one command line; returns the answer, or None for a blank line."""
    global blink_ms, next_toggle, pwm, duty
    words = line.strip().upper().split()
    if not words:
        return None
    if words[0] == 'LED?' and len(words) == 1 or words == ['LED', '?']:
        return 'OK ' + state()
    if words[0] != 'LED' or len(words) < 2:
        return 'ERR unknown command'
    verb = words[1]
    args = words[2:]
    if verb in ('ON', 'OFF', 'TOGGLE') and not args:
        blink_ms = 0
        if verb == 'TOGGLE':
            set_level(0 if level else 1)
        else:
            set_level(1 if verb == 'ON' else 0)
        return 'OK ' + state()
    if verb == 'BLINK':
        ms = number(args[0]) if len(args) == 1 else None
        if ms is None or ms < 10 or ms > 60000:
            return 'ERR BLINK takes a period in ms (10-60000)'
        stop_pwm()
        blink_ms = ms
        next_toggle = time.ticks_add(time.ticks_ms(), ms)
        return 'OK ' + state()
    if verb == 'PWM':
        pct = number(args[0]) if len(args) == 1 else None
        if pct is None or pct < 0 or pct > 100:
            return 'ERR PWM takes a brightness 0-100'
        blink_ms = 0
        duty = pct
        if pwm is None:
            pwm = PWM(Pin(LED_PIN), freq=1000)
        pwm.duty_u16(pct * 65535 // 100)
        return 'OK ' + state()
    return 'ERR unknown command'


server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(('0.0.0.0', PORT))
server.listen(4)
server.setblocking(False)
poller = select.poll()
poller.register(server, select.POLLIN)
clients = []       # [socket, address, unfinished bytes]
print('led server listening on port', PORT)


def find(sock):
    for c in clients:
        if c[0] is sock:
            return c
    return None


def drop(c):
    poller.unregister(c[0])
    c[0].close()
    clients.remove(c)
    print(c[1], 'left')


def serve(c):
    try:
        data = c[0].recv(256)
    except OSError:
        data = b''
    if not data:
        drop(c)
        return
    c[2] += data
    while b'\n' in c[2]:
        raw, c[2] = c[2].split(b'\n', 1)
        try:
            line = raw.decode()
        except UnicodeError:
            line = None
        answer = 'ERR not text' if line is None else command(line)
        if answer is None:
            continue
        print(c[1], repr(line.strip()) if line else '?', '->', answer)
        try:
            c[0].send((answer + '\n').encode())
        except OSError:
            drop(c)
            return
    if len(c[2]) > 128:
        c[2] = b''
        c[0].send(b'ERR line too long\n')


while True:
    timeout = -1
    if blink_ms:
        timeout = max(0, time.ticks_diff(next_toggle, time.ticks_ms()))
    for ev in poller.poll(timeout):
        sock = ev[0]
        if sock is server:
            try:
                conn, addr = server.accept()
            except OSError:
                continue
            conn.setblocking(False)
            poller.register(conn, select.POLLIN)
            clients.append([conn, addr, b''])
            print(addr, 'connected')
        else:
            c = find(sock)
            if c is not None:
                serve(c)
    if blink_ms and time.ticks_diff(time.ticks_ms(), next_toggle) >= 0:
        level = 0 if level else 1
        led.value(level)
        next_toggle = time.ticks_add(next_toggle, blink_ms)
