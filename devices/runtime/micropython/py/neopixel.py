# neopixel: WS2812 / SK6812 pixel strips with the firmware driver's API: NeoPixel(pin, n, bpp=3,
# timing=1); np[i] = (r, g, b[, w]); np[i]; len(np); np.fill(colour); np.write(). The pixels take
# their bytes green first (G, R, B[, W]); ORDER maps a colour's index to its place in a pixel.
# write() sends the buffer with machine.bitstream. Our own code.
from machine import bitstream

_T800 = (400, 850, 800, 450)
_T400 = (800, 1700, 1600, 900)


class NeoPixel:
    ORDER = (1, 0, 2, 3)

    def __init__(self, pin, n, bpp=3, timing=1):
        self.pin = pin
        self.n = n
        self.bpp = bpp
        self.buf = bytearray(n * bpp)
        pin.init(pin.OUT)
        if isinstance(timing, int):
            timing = _T800 if timing else _T400
        self.timing = timing

    def __len__(self):
        return self.n

    def __setitem__(self, index, colour):
        base = index * self.bpp
        order = self.ORDER
        for k in range(self.bpp):
            self.buf[base + order[k]] = colour[k]

    def __getitem__(self, index):
        base = index * self.bpp
        order = self.ORDER
        return tuple([self.buf[base + order[k]] for k in range(self.bpp)])

    def fill(self, colour):
        for i in range(self.n):
            self[i] = colour

    def write(self):
        bitstream(self.pin, 0, self.timing, self.buf)
