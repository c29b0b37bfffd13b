# machine.Signal and machine.PWM of the ESP32 port (MicroPython 1.27): a Signal drives a Pin,
# inverted or not; PWM keeps its duty as 0..1023 (duty_u16 and duty_ns convert). Loaded on first use
# (py/_machine.py), apart from Pin (py/_mpin.py).
from _kern import call
from _mpin import Pin, pin_id


class Signal:
    def __init__(self, pin, *args, invert=False, **kwargs):
        self._pin = pin if isinstance(pin, Pin) else Pin(pin, *args, **kwargs)
        self._inv = 1 if invert else 0

    def value(self, v=None):
        if v is None:
            return self._pin.value() ^ self._inv
        self._pin.value((1 if v else 0) ^ self._inv)

    def __call__(self, v=None):
        return self.value(v)

    def on(self):
        self.value(1)

    def off(self):
        self.value(0)


class PWM:
    def __init__(self, pin, freq=5000, duty=None, duty_u16=None, duty_ns=None):
        self._pin = pin_id(pin)
        self._freq = freq
        self._duty = 512
        if duty is not None:
            self._duty = duty
        elif duty_u16 is not None:
            self._duty = duty_u16 >> 6
        self._apply()
        if duty_ns is not None:
            self.duty_ns(duty_ns)

    def _apply(self):
        call('pin.pwm', self._pin, self._freq, self._duty)

    def __repr__(self):
        return 'PWM(Pin(%d), freq=%d, duty=%d)' % (self._pin, self._freq, self._duty)

    def init(self, freq=None, duty=None, duty_u16=None):
        if freq is not None:
            self._freq = freq
        if duty is not None:
            self._duty = duty
        if duty_u16 is not None:
            self._duty = duty_u16 >> 6
        self._apply()

    def freq(self, f=None):
        if f is None:
            return self._freq
        self._freq = f
        self._apply()

    def duty(self, d=None):
        if d is None:
            return self._duty
        self._duty = max(0, min(1023, d))
        self._apply()

    def duty_u16(self, d=None):
        if d is None:
            return self._duty << 6 | self._duty >> 4
        self._duty = max(0, min(65535, d)) >> 6
        self._apply()

    def duty_ns(self, ns=None):
        period = 1000000000 // self._freq
        if ns is None:
            return period * self._duty // 1024
        self._duty = min(1023, ns * 1024 // period)
        self._apply()

    def deinit(self):
        call('pin.pwm', self._pin, None, None)
