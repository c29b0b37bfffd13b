# onewire: 1-Wire buses with the firmware driver's API: OneWire(pin); reset(required=False),
# readbit, readbyte, readinto, writebit, writebyte, write, select_rom(rom), scan() (the ROM codes
# of every device, as bytearrays), crc8(data); OneWireError. Our own code: the ROM search is the
# binary tree walk of Maxim's application note 187.
import _onewire as _ow


class OneWireError(Exception):
    pass


class OneWire:
    SEARCH_ROM = 0xF0
    MATCH_ROM = 0x55
    SKIP_ROM = 0xCC

    def __init__(self, pin):
        self.pin = pin
        pin.init(pin.OPEN_DRAIN, pin.PULL_UP)

    def reset(self, required=False):
        present = _ow.reset(self.pin)
        if required and not present:
            raise OneWireError
        return present

    def readbit(self):
        return _ow.readbit(self.pin)

    def readbyte(self):
        return _ow.readbyte(self.pin)

    def readinto(self, buf):
        _ow.readinto(self.pin, buf)

    def writebit(self, value):
        _ow.writebit(self.pin, value)

    def writebyte(self, value):
        _ow.writebyte(self.pin, value)

    def write(self, buf):
        _ow.write(self.pin, buf)

    def select_rom(self, rom):
        self.reset()
        self.writebyte(self.MATCH_ROM)
        self.write(rom)

    def scan(self):
        found = []
        last = bytearray(8)
        fork = -1  # the deepest bit where the previous pass took the 0 branch of a conflict
        while True:
            rom, fork = self._pass(last, fork)
            if rom is None:
                break
            found.append(rom)
            last = rom
            if fork < 0:
                break
        return found

    def _pass(self, last, fork):
        # One pass down the tree: returns (rom, the new fork) or (None, -1) when nobody answers.
        if not self.reset():
            return None, -1
        self.writebyte(self.SEARCH_ROM)
        rom = bytearray(8)
        new_fork = -1
        for n in range(64):
            bit = self.readbit()
            inverse = self.readbit()
            if bit and inverse:
                return None, -1
            if bit == inverse:  # both 0: devices disagree here
                if n < fork:
                    bit = (last[n >> 3] >> (n & 7)) & 1
                else:
                    bit = 1 if n == fork else 0
                if bit == 0:
                    new_fork = n
            self.writebit(bit)
            if bit:
                rom[n >> 3] |= 1 << (n & 7)
        return rom, new_fork

    def crc8(self, data):
        return _ow.crc8(data)
