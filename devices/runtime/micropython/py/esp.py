# esp: the ESP32 port's low-level helpers that the drivers use (dht_readinto, neopixel_write).
# Flash access is not simulated (the board's filesystem is the VM's own).
from _kern import call, callw, callr
from _mpin import pin_id


def dht_readinto(pin, buf):
    # The DHT start signal (250 ms high, 18 ms low), then 40 bits: OSError(ETIMEDOUT) when the
    # sensor does not answer (none wired, powered up < 1 s ago, or read again too soon).
    if len(buf) < 5:
        raise ValueError('buffer too small')
    data = callr('dht.read', 5, pin_id(pin))[0]
    for i in range(5):
        buf[i] = data[i]


def neopixel_write(pin, buf, timing=1):
    t = (400, 850, 800, 450) if timing else (800, 1700, 1600, 900)
    callw('pin.bitstream', bytes(buf), pin_id(pin), '%d,%d,%d,%d' % t)


def osdebug(level, *args):
    # The vendor OS log level: this simulator prints no vendor logs either way.
    pass


def flash_size():
    return 4 * 1024 * 1024


def _flash(*args):
    raise NotImplementedError('esp flash access is not simulated by esp32sim (the filesystem is the VM\'s own)')


flash_read = flash_write = flash_erase = flash_user_start = _flash
LOG_NONE = 0
LOG_ERROR = 1
LOG_WARNING = 2
LOG_INFO = 3
LOG_DEBUG = 4
LOG_VERBOSE = 5
