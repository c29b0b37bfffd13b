# ledproto.py -- the LED protocol of the led-tcp and led-udp labs, in one module both servers
# import from the board's /lib (see README.md): LED ON, LED OFF, LED TOGGLE, LED?,
# LED BLINK <ms>, LED PWM <0-100>. Case and surrounding blanks do not matter.
import time
from machine import Pin, PWM


def number(text):
    try:
        return int(text)
    except ValueError:
        return None


class Led:
    def __init__(self, pin=2):
        self.pin_no = pin
        self.pin = Pin(pin, Pin.OUT)
        self.level = 0       # what the LED shows when not in PWM mode
        self.pin.value(0)
        self.pwm = None      # a PWM object while in "LED PWM" mode
        self.duty = 0
        self.blink_ms = 0    # > 0 while blinking
        self.next_toggle = 0

    def stop_pwm(self):
        if self.pwm is not None:
            self.pwm.deinit()
            self.pwm = None
            self.pin = Pin(self.pin_no, Pin.OUT)

    def set_level(self, v):
        self.stop_pwm()
        self.level = v
        self.pin.value(v)

    def state(self):
        if self.blink_ms:
            return 'BLINK %d' % self.blink_ms
        if self.pwm is not None:
            return 'PWM %d' % self.duty
        return 'ON' if self.level else 'OFF'

    def command(self, line):
        """Runs one command line; returns the answer, or None for a blank line."""
        words = line.strip().upper().split()
        if not words:
            return None
        if words[0] == 'LED?' and len(words) == 1 or words == ['LED', '?']:
            return 'OK ' + self.state()
        if words[0] != 'LED' or len(words) < 2:
            return 'ERR unknown command'
        verb = words[1]
        args = words[2:]
        if verb in ('ON', 'OFF', 'TOGGLE') and not args:
            self.blink_ms = 0
            if verb == 'TOGGLE':
                self.set_level(0 if self.level else 1)
            else:
                self.set_level(1 if verb == 'ON' else 0)
            return 'OK ' + self.state()
        if verb == 'BLINK':
            ms = number(args[0]) if len(args) == 1 else None
            if ms is None or ms < 10 or ms > 60000:
                return 'ERR BLINK takes a period in ms (10-60000)'
            self.stop_pwm()
            self.blink_ms = ms
            self.next_toggle = time.ticks_add(time.ticks_ms(), ms)
            return 'OK ' + self.state()
        if verb == 'PWM':
            pct = number(args[0]) if len(args) == 1 else None
            if pct is None or pct < 0 or pct > 100:
                return 'ERR PWM takes a brightness 0-100'
            self.blink_ms = 0
            self.duty = pct
            if self.pwm is None:
                self.pwm = PWM(Pin(self.pin_no), freq=1000)
            self.pwm.duty_u16(pct * 65535 // 100)
            return 'OK ' + self.state()
        return 'ERR unknown command'

    def timeout(self):
        """How long a poll may wait (ms) before the next blink, or -1 when not blinking."""
        if not self.blink_ms:
            return -1
        return max(0, time.ticks_diff(self.next_toggle, time.ticks_ms()))

    def tick(self):
        """Toggles the LED when a blink is due (call it after every poll)."""
        if self.blink_ms and time.ticks_diff(time.ticks_ms(), self.next_toggle) >= 0:
            self.level = 0 if self.level else 1
            self.pin.value(self.level)
            self.next_toggle = time.ticks_add(self.next_toggle, self.blink_ms)
