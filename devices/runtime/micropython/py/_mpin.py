# machine.Pin of the ESP32 port (MicroPython 1.27): one Pin object per GPIO, modes IN / OUT /
# OPEN_DRAIN, pulls, Pin.irq (handlers run at the board's safe points, with the Pin as argument),
# ext0 wake-up (trigger=WAKE_LOW|WAKE_HIGH with wake=). Signal and PWM are py/_mpwm.py.
# What a script that only drives pins does not use loads when first used: the board's callback
# queue (py/_irq.py) with the first irq(), Signal and PWM with machine.Signal / machine.PWM. A
# warm run of a lab pays for compiling what it imports, every run.
from _kern import call, post

# GPIOs of the ESP32 (quickref: 0-19, 21-23, 25-27, 32-39); 34-39 are input only.
_VALID = tuple(range(0, 20)) + (21, 22, 23, 25, 26, 27) + tuple(range(32, 40))
_FIRST_INPUT_ONLY = 34


def pin_id(p):
    if isinstance(p, Pin):
        return p._id
    if isinstance(p, int) and p in _VALID:
        return p
    raise ValueError('invalid pin')


class _PinIRQ:
    # What Pin.irq() returns: call it to run the handler, trigger() reads/sets the trigger.
    def __init__(self, pin):
        self._pin = pin

    def __call__(self):
        import _irq
        h = _irq._handlers.get(('pin', self._pin._id))
        if h is not None:
            _irq.schedule(h[0], h[1])

    def trigger(self, t=None):
        old = self._pin._trigger
        if t is not None:
            self._pin._trigger = t
            call('pin.irq', self._pin._id, t)
        return old


class Pin:
    IN = 1
    OUT = 3
    OPEN_DRAIN = 7
    PULL_DOWN = 1
    PULL_UP = 2
    IRQ_RISING = 1
    IRQ_FALLING = 2
    WAKE_LOW = 4
    WAKE_HIGH = 5
    DRIVE_0 = 0
    DRIVE_1 = 1
    DRIVE_2 = 2
    DRIVE_3 = 3
    _pins = {}

    def __new__(cls, id, *args, **kwargs):
        n = pin_id(id)
        p = Pin._pins.get(n)
        if p is None:
            p = object.__new__(cls)
            p._id = n
            p._trigger = 0
            p._irq = None
            Pin._pins[n] = p
        return p

    def __init__(self, id, mode=-1, pull=-1, *, value=None, drive=None, hold=None):
        if mode != -1 or pull != -1 or value is not None:
            self.init(mode, pull, value=value, drive=drive, hold=hold)

    def init(self, mode=None, pull=-1, *, value=None, drive=None, hold=None):
        if mode == -1:
            mode = None
        if mode is not None and mode & 2 and self._id >= _FIRST_INPUT_ONLY:
            raise ValueError('pin can only be input')
        if value is not None:
            post('pin.write', self._id, 1 if value else 0)
        if mode is not None or pull != -1:
            m = None if mode is None else ('od' if mode == Pin.OPEN_DRAIN else 'out' if mode & 2 else 'in')
            p = 'keep' if pull == -1 else 'up' if pull == Pin.PULL_UP else 'down' if pull == Pin.PULL_DOWN else None
            call('pin.mode', self._id, m or 'keep', p)

    def __repr__(self):
        return 'Pin(%d)' % self._id

    def value(self, v=None):
        if v is None:
            return call('pin.read', self._id)
        post('pin.write', self._id, 1 if v else 0)

    def __call__(self, v=None):
        return self.value(v)

    def on(self):
        post('pin.write', self._id, 1)

    def off(self):
        post('pin.write', self._id, 0)

    def toggle(self):
        post('pin.write', self._id, 0 if call('pin.read', self._id) else 1)

    def irq(self, handler=None, trigger=IRQ_FALLING | IRQ_RISING, wake=None):
        if self._irq is None:
            self._irq = _PinIRQ(self)
        if (trigger == Pin.WAKE_LOW or trigger == Pin.WAKE_HIGH) and wake is not None:
            if not isinstance(wake, int) or wake < 2 or wake > 7:
                raise ValueError('bad wake value')
            try:
                call('pin.wake', self._id, 1 if trigger == Pin.WAKE_HIGH else 0, wake)
            except OSError:
                raise ValueError('invalid pin for wake')
            return self._irq
        if handler is None:
            trigger = 0
        import _irq
        _irq.handler('pin', self._id, handler, self)
        self._trigger = trigger
        call('pin.irq', self._id, trigger)
        return self._irq
