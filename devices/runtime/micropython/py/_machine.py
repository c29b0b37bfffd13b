# machine for the ESP32 port (MicroPython 1.27) in virtual time: Pin, Signal, PWM, Timer, ADC,
# ADCBlock, WDT, RTC, reset / reset_cause / wake_reason, deepsleep / lightsleep, freq, bitstream.
# The classes this simulator does not simulate exist, and raise NotImplementedError naming
# themselves when used (no silent stubs).
# The classes load on first use (module __getattr__): a script that never touches machine pays
# no heap for them.
from _kern import call, callr, callw

_LAZY = {'Pin': '_mpin', 'Signal': '_mpwm', 'PWM': '_mpwm', 'Timer': '_mhw', 'ADC': '_mhw', 'ADCBlock': '_mhw', 'WDT': '_mhw', 'RTC': '_mhw'}
_NOT_SIMULATED = ('I2C', 'SoftI2C', 'SPI', 'SoftSPI', 'UART', 'I2S', 'DAC', 'TouchPad', 'SDCard', 'Counter', 'Encoder')


def __getattr__(name):
    mod = _LAZY.get(name)
    if mod is not None:
        v = getattr(__import__(mod), name)
    elif name in _NOT_SIMULATED:
        v = _not_simulated(name)
    else:
        raise AttributeError(name)
    globals()[name] = v
    return v

PWRON_RESET = 1
HARD_RESET = 2
WDT_RESET = 3
DEEPSLEEP_RESET = 4
SOFT_RESET = 5

PIN_WAKE = 2
EXT0_WAKE = 2
EXT1_WAKE = 3
TIMER_WAKE = 4
TOUCHPAD_WAKE = 5
ULP_WAKE = 6

IDLE = 1
SLEEP = 2
DEEPSLEEP = 4


def freq(hz=None):
    if hz is None:
        return call('power.freq')
    try:
        call('power.freq', hz)
    except OSError:
        raise ValueError('frequency must be 20MHz, 40MHz, 80Mhz, 160MHz or 240MHz')


def reset():
    call('machine.reset')


soft_reset = reset


def unique_id():
    return callr('machine.unique_id', 16)[0]


def reset_cause():
    return call('power.cause')[0]


def wake_reason():
    return call('power.cause')[1]


def deepsleep(time_ms=None):
    call('power.deepsleep', None if time_ms is None else int(time_ms))


def lightsleep(time_ms=None):
    call('power.lightsleep', None if time_ms is None else int(time_ms))


sleep = lightsleep


def idle():
    call('time.sleep', 0.0)


def disable_irq():
    return 0


def enable_irq(state=0):
    pass


def bitstream(pin, encoding, timing, data):
    # Encoding 0: high for timing[0] ns then low timing[1] for a 0 bit; timing[2] / timing[3] for a 1.
    if encoding != 0:
        raise ValueError('invalid encoding')
    if len(timing) != 4:
        raise ValueError('timing must have 4 values')
    from _mpin import pin_id
    callw('pin.bitstream', bytes(data), pin_id(pin), '%d,%d,%d,%d' % tuple(int(t) for t in timing))


def _not_simulated(name):
    def init(self, *args, **kwargs):
        raise NotImplementedError('machine.%s is not simulated by esp32sim (see the README: peripherals)' % name)
    return type(name, (), {'__init__': init})


class _Mem:
    def __init__(self, name):
        self._name = name

    def __getitem__(self, addr):
        raise NotImplementedError('machine.%s is not simulated by esp32sim (see the README: peripherals)' % self._name)

    __setitem__ = __getitem__


mem8 = _Mem('mem8')
mem16 = _Mem('mem16')
mem32 = _Mem('mem32')


def time_pulse_us(pin, pulse_level, timeout_us=1000000):
    raise NotImplementedError('machine.time_pulse_us is not simulated by esp32sim (see the README: peripherals)')
