# Virtual time: replaces the built-in time/utime (sys.modules) so every clock is the simulator's.
from _kern import call, PC

_MASK = (1 << 30) - 1
_HALF = 1 << 29


def sleep(s):
    call('time.sleep', float(s) * 1000000.0)


def sleep_ms(ms):
    call('time.sleep', float(ms) * 1000.0)


def sleep_us(us):
    call('time.sleep', float(us))


def ticks_ms():
    return call('time.ticks_ms')


def ticks_us():
    return call('time.ticks_us')


def ticks_cpu():
    # ESP32: the CPU's cycle counter at machine.freq(); a PC has no such counter here.
    return call('time.ticks_us') if PC else call('time.ticks_cpu')


def ticks_add(t, delta):
    return (t + delta) & _MASK


def ticks_diff(a, b):
    return ((a - b + _HALF) & _MASK) - _HALF


def time():
    return call('time.time')


def time_ns():
    return int(call('time.time_ns'))


def monotonic():
    return call('time.time')


def gmtime(secs=None):
    if secs is None:
        secs = int(call('time.time'))
    secs = int(secs)
    days, rem = divmod(secs, 86400)
    hh, rem = divmod(rem, 3600)
    mm, ss = divmod(rem, 60)
    # Days since 1970-01-01 (PC) or 2000-01-01 (ESP32 epoch)
    y = 1970 if PC else 2000
    wday = (days + (3 if PC else 5)) % 7
    while True:
        ylen = 366 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 365
        if days < ylen:
            break
        days -= ylen
        y += 1
    yday = days + 1
    mdays = [31, 29 if ylen == 366 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    m = 0
    while days >= mdays[m]:
        days -= mdays[m]
        m += 1
    return (y, m + 1, days + 1, hh, mm, ss, wday, yday)


localtime = gmtime


def mktime(t):
    y0 = 1970 if PC else 2000
    days = 0
    for y in range(y0, t[0]):
        days += 366 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 365
    leap = t[0] % 4 == 0 and (t[0] % 100 != 0 or t[0] % 400 == 0)
    mdays = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    for m in range(t[1] - 1):
        days += mdays[m]
    days += t[2] - 1
    return days * 86400 + t[3] * 3600 + t[4] * 60 + t[5]
