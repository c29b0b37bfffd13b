# dht: DHT11 / DHT22 temperature and humidity sensors, with the firmware driver's API:
# measure() reads the sensor (about 270 ms); temperature() and humidity() give that reading.
# A DHT answers at most every 1 s (DHT11) or 2 s (DHT22), and only 1 s after power-on; reading
# earlier raises OSError: [Errno 116] ETIMEDOUT, as on the board. Our own code.
from esp import dht_readinto


class DHTBase:
    def __init__(self, pin):
        self.pin = pin
        self.buf = bytearray(5)

    def measure(self):
        b = self.buf
        dht_readinto(self.pin, b)
        if sum(b[0:4]) & 0xFF != b[4]:
            raise Exception('checksum error')


class DHT11(DHTBase):
    # Whole degrees and percent: byte 0 is the humidity, byte 2 the temperature.
    def humidity(self):
        return self.buf[0]

    def temperature(self):
        return self.buf[2]


class DHT22(DHTBase):
    # Tenths: humidity in bytes 0-1, temperature in bytes 2-3 with its sign in the top bit.
    def humidity(self):
        return ((self.buf[0] << 8) + self.buf[1]) / 10

    def temperature(self):
        hi = self.buf[2]
        tenths = ((hi & 0x7F) << 8) + self.buf[3]
        return -tenths / 10 if hi & 0x80 else tenths / 10
