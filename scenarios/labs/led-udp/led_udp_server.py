# led_udp_server.py -- the LED protocol of the led-tcp lab, one command per UDP datagram
# on port 5001. A datagram may start with "#<n> "; the answer then starts with the same tag.
# A repeated tag from the same sender is answered from a cache instead of being run twice,
# so a client that retries after a lost answer never toggles the LED twice.
import socket
import select
import time
from machine import Pin, PWM

PORT = 5001
LED_PIN = 2

led = Pin(LED_PIN, Pin.OUT)
level = 0
led.value(level)
pwm = None
duty = 0
blink_ms = 0
next_toggle = 0
last = {}          # sender address -> (tag, answer)


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


def datagram(data, addr):
    try:
        text = data.decode()
    except UnicodeError:
        return 'ERR not text'
    tag = ''
    if text.startswith('#'):
        head, _, rest = text.partition(' ')
        if number(head[1:]) is None:
            return 'ERR bad tag'
        tag, text = head + ' ', rest
        seen = last.get(addr)
        if seen and seen[0] == tag:
            print(addr, tag.strip(), 'again: answering from the cache')
            return seen[1]
    answer = command(text)
    if answer is None:
        return None
    answer = tag + answer
    if tag:
        last[addr] = (tag, answer)
    print(addr, repr(text.strip()), '->', answer)
    return answer


sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(('0.0.0.0', PORT))
poller = select.poll()
poller.register(sock, select.POLLIN)
print('led udp server on port', PORT)

while True:
    timeout = -1
    if blink_ms:
        timeout = max(0, time.ticks_diff(next_toggle, time.ticks_ms()))
    if poller.poll(timeout):
        data, addr = sock.recvfrom(512)
        answer = datagram(data, addr)
        if answer is not None:
            sock.sendto(answer.encode(), addr)
    if blink_ms and time.ticks_diff(time.ticks_ms(), next_toggle) >= 0:
        level = 0 if level else 1
        led.value(level)
        next_toggle = time.ticks_add(next_toggle, blink_ms)
