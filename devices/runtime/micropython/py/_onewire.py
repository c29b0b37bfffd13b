# _onewire: the 1-Wire primitives of the firmware (reset, read/write slots, crc8). Each call does
# its slots on the simulated bus of that pin with the standard-speed timing (reset 960 us,
# 70 us per bit).
from _kern import call, callw, callr
from _mpin import pin_id


def reset(pin):
    return bool(call('ow.reset', pin_id(pin)))


def readbit(pin):
    return callr('ow.rbits', 1, pin_id(pin), 1)[0][0] & 1


def readbyte(pin):
    return callr('ow.rbits', 1, pin_id(pin), 8)[0][0]


def readinto(pin, buf):
    data = callr('ow.rbits', len(buf), pin_id(pin), 8 * len(buf))[0]
    for i in range(len(buf)):
        buf[i] = data[i]


def writebit(pin, value):
    callw('ow.wbits', bytes([1 if value else 0]), pin_id(pin), 1)


def writebyte(pin, value):
    callw('ow.wbits', bytes([value & 0xFF]), pin_id(pin), 8)


def write(pin, buf):
    if len(buf):
        callw('ow.wbits', bytes(buf), pin_id(pin), 8 * len(buf))


def crc8(data):
    crc = 0
    for byte in data:
        for _ in range(8):
            mix = (crc ^ byte) & 1
            crc >>= 1
            if mix:
                crc ^= 0x8C
            byte >>= 1
    return crc
