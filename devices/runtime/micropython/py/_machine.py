# machine: Pin, PWM, reset, unique_id, freq (ESP32 port).
from _kern import call, callr


class Pin:
    IN = 1
    OUT = 3
    OPEN_DRAIN = 7
    PULL_UP = 2
    PULL_DOWN = 1
    IRQ_RISING = 1
    IRQ_FALLING = 2

    def __init__(self, id, mode=-1, pull=-1, *, value=None):
        self._id = id
        self._mode = None
        self.init(mode, pull, value=value)

    def init(self, mode=-1, pull=-1, *, value=None):
        if mode != -1 and mode is not None:
            self._mode = mode
            p = 'up' if pull == Pin.PULL_UP else 'down' if pull == Pin.PULL_DOWN else None
            call('pin.mode', self._id, 'out' if mode in (Pin.OUT, Pin.OPEN_DRAIN) else 'in', p)
        if value is not None:
            self.value(value)

    def __repr__(self):
        return 'Pin(%d)' % self._id

    def value(self, v=None):
        if v is None:
            return call('pin.read', self._id)
        call('pin.write', self._id, 1 if v else 0)

    def __call__(self, v=None):
        return self.value(v)

    def on(self):
        self.value(1)

    def off(self):
        self.value(0)

    def toggle(self):
        self.value(0 if self.value() else 1)

    def irq(self, handler=None, trigger=3):
        return None


class PWM:
    def __init__(self, pin, freq=5000, duty=None, duty_u16=None):
        self._pin = pin._id if isinstance(pin, Pin) else pin
        self._freq = freq
        self._duty = 512
        if duty is not None:
            self._duty = duty
        elif duty_u16 is not None:
            self._duty = duty_u16 >> 6
        self._apply()

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


_freq = 160000000


def freq(f=None):
    global _freq
    if f is None:
        return _freq
    _freq = f


def reset():
    call('machine.reset')


soft_reset = reset


def unique_id():
    return callr('machine.unique_id', 16)[0]


def reset_cause():
    return 1


def idle():
    call('time.sleep', 0.0)


def disable_irq():
    return 0


def enable_irq(state=0):
    pass


PWRON_RESET = 1
HARD_RESET = 2
WDT_RESET = 3
DEEPSLEEP_RESET = 4
SOFT_RESET = 5


class RTC:
    # The board's real-time clock (time.time() and time.localtime() read it; ntptime.settime() sets it).
    # datetime() is (year, month, day, weekday, hours, minutes, seconds, microseconds), weekday 0 = Monday.
    def __init__(self, id=0):
        pass

    def datetime(self, dt=None):
        import time
        if dt is None:
            us = call('rtc.get')
            s = int(us // 1000000)
            t = time.gmtime(s)
            return (t[0], t[1], t[2], t[6], t[3], t[4], t[5], int(us - s * 1000000))
        s = time.mktime((dt[0], dt[1], dt[2], dt[4], dt[5], dt[6], 0, 0))
        call('rtc.set', float(s) * 1000000.0 + float(dt[7] if len(dt) > 7 else 0))

    def init(self, dt):
        self.datetime(dt)
