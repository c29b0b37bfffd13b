# ds18x20: DS18S20 / DS18B20 temperature sensors with the firmware driver's API: DS18X20(ow);
# scan() (the ROMs of families 0x10, 0x22, 0x28), convert_temp() (all sensors at once: wait up to
# 750 ms at 12 bits before reading), read_scratch(rom), write_scratch(rom, buf), read_temp(rom).
# Our own code.
_CONVERT_T = 0x44
_READ_SCRATCHPAD = 0xBE
_WRITE_SCRATCHPAD = 0x4E


class DS18X20:
    def __init__(self, onewire):
        self.ow = onewire
        self.buf = bytearray(9)

    def scan(self):
        return [r for r in self.ow.scan() if r[0] == 0x10 or r[0] == 0x22 or r[0] == 0x28]

    def convert_temp(self):
        self.ow.reset(True)
        self.ow.writebyte(self.ow.SKIP_ROM)
        self.ow.writebyte(_CONVERT_T)

    def read_scratch(self, rom):
        self.ow.reset(True)
        self.ow.select_rom(rom)
        self.ow.writebyte(_READ_SCRATCHPAD)
        self.ow.readinto(self.buf)
        if self.ow.crc8(self.buf) != 0:
            raise Exception('CRC error')
        return self.buf

    def write_scratch(self, rom, buf):
        self.ow.reset(True)
        self.ow.select_rom(rom)
        self.ow.writebyte(_WRITE_SCRATCHPAD)
        self.ow.write(buf)

    def read_temp(self, rom):
        b = self.read_scratch(rom)
        raw = b[0] | (b[1] << 8)
        if raw >= 0x8000:
            raw -= 0x10000
        if rom[0] == 0x10:
            # DS18S20: half degrees, refined by COUNT_REMAIN / COUNT_PER_C
            return (raw >> 1) - 0.25 + (b[7] - b[6]) / b[7]
        return raw / 16
