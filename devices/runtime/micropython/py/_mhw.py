# machine.Timer, ADC, ADCBlock, WDT and RTC of the ESP32 port (MicroPython 1.27), in virtual time.
from _kern import call, callw, callr
from _esperr import ecall
from _mpin import pin_id
import _irq


class Timer:
    # Hardware timers 0-3 (two groups of two); no virtual timers (-1) on the ESP32 in 1.27.
    ONE_SHOT = 0
    PERIODIC = 1
    _timers = {}

    def __new__(cls, id, *args, **kwargs):
        if not isinstance(id, int) or id < 0 or id > 3:
            raise ValueError('invalid Timer number')
        t = Timer._timers.get(id)
        if t is None:
            t = object.__new__(cls)
            t._id = id
            t._mode = Timer.PERIODIC
            t._period_us = 0
            Timer._timers[id] = t
        return t

    def __init__(self, id, *args, **kwargs):
        if args or kwargs:
            self.init(*args, **kwargs)

    def init(self, *, mode=PERIODIC, callback=None, period=0xffffffff, tick_hz=1000, freq=None, hard=False):
        if hard:
            raise ValueError('hard Timers are not implemented')
        if freq is not None:
            us = 1000000.0 / freq
        else:
            us = period * 1000000.0 / tick_hz
        self._mode = mode
        self._period_us = us
        _irq.handler('timer', self._id, callback, self)
        call('timer.init', self._id, 1 if mode else 0, float(us))

    def deinit(self):
        call('timer.deinit', self._id)

    def value(self):
        return call('timer.value', self._id)

    def __repr__(self):
        return 'Timer(%d, mode=%s, period=%d)' % (self._id, 'PERIODIC' if self._mode else 'ONE_SHOT', int(self._period_us // 1000))


# GPIO -> (block, channel)
_ADC = {36: (1, 0), 37: (1, 1), 38: (1, 2), 39: (1, 3), 32: (1, 4), 33: (1, 5), 34: (1, 6), 35: (1, 7),
        4: (2, 0), 0: (2, 1), 2: (2, 2), 15: (2, 3), 13: (2, 4), 12: (2, 5), 14: (2, 6), 27: (2, 7), 25: (2, 8), 26: (2, 9)}


class ADC:
    ATTN_0DB = 0
    ATTN_2_5DB = 1
    ATTN_6DB = 2
    ATTN_11DB = 3
    WIDTH_9BIT = 9
    WIDTH_10BIT = 10
    WIDTH_11BIT = 11
    WIDTH_12BIT = 12

    def __init__(self, pin, *, atten=-1):
        n = pin_id(pin)
        if n not in _ADC:
            raise ValueError('invalid pin')
        self._pin = n
        self.init(atten=atten)

    def init(self, *, atten=-1):
        if atten != -1 and atten not in (0, 1, 2, 3):
            raise ValueError('invalid atten')
        self._atten, self._bits = call('adc.init', self._pin, atten)

    def __repr__(self):
        return 'ADC(Pin(%d), atten=%d)' % (self._pin, self._atten)

    def read(self):
        return ecall('adc.read', self._pin)

    def read_u16(self):
        raw = ecall('adc.read', self._pin)
        b = self._bits
        return raw << (16 - b) | raw >> (2 * b - 16)

    def read_uv(self):
        return ecall('adc.uv', self._pin)

    def atten(self, atten):
        self.init(atten=atten)

    def width(self, bits):
        if bits not in (9, 10, 11, 12):
            raise ValueError('invalid bits')
        call('adc.width', self._pin, bits)
        self._bits = bits

    def block(self):
        return ADCBlock(_ADC[self._pin][0])

    def deinit(self):
        pass


class ADCBlock:
    def __init__(self, id, *, bits=12):
        if id not in (1, 2):
            raise ValueError('invalid block id')
        self._id = id
        self.init(bits=bits)

    def init(self, *, bits=12):
        if bits not in (9, 10, 11, 12):
            raise ValueError('invalid bits')
        first = [p for p, bc in _ADC.items() if bc[0] == self._id][0]
        call('adc.width', first, bits)

    def connect(self, *args, **kwargs):
        # connect(channel), connect(Pin) or connect(channel, Pin): an int is a channel number.
        ch = pin = None
        if len(args) == 1 and isinstance(args[0], int):
            ch = args[0]
        elif len(args) == 1:
            pin = pin_id(args[0])
        elif len(args) == 2:
            ch, pin = args[0], pin_id(args[1])
        for p, (b, c) in _ADC.items():
            if b == self._id and (ch is None or c == ch) and (pin is None or p == pin):
                return ADC(p, **kwargs)
        raise ValueError('invalid pin')

    def __repr__(self):
        return 'ADCBlock(%d)' % self._id


class WDT:
    def __init__(self, id=0, timeout=5000):
        if id != 0:
            raise ValueError()
        if timeout <= 0:
            raise ValueError('WDT timeout too short')
        call('wdt.init', timeout)

    def feed(self):
        call('wdt.feed')


class RTC:
    # The board's real-time clock (time.time() and time.localtime() read it; ntptime.settime() sets it).
    # datetime() is (year, month, day, weekday, hours, minutes, seconds, microseconds), weekday 0 = Monday.
    # memory(): up to 2048 bytes kept through every reset but power-on (RTC slow memory).
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

    def memory(self, data=None):
        if data is None:
            return callr('rtc.memget', 2048)[0]
        if isinstance(data, str):
            data = data.encode()
        if len(data) > 2048:
            raise ValueError('buffer too long')
        callw('rtc.memset', bytes(data))
