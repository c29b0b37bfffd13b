# lamp.py -- the lamp: an LED on GPIO 2 and one NeoPixel on GPIO 13, switched by "toggle"
# messages that arrive over ESP-NOW (from remote.py).
import network
import espnow
from machine import Pin
from neopixel import NeoPixel

GREEN = (0, 255, 0)
OFF = (0, 0, 0)

led = Pin(2, Pin.OUT, value=0)
pixel = NeoPixel(Pin(13), 1)
pixel[0] = OFF
pixel.write()

sta = network.WLAN(network.STA_IF)
sta.active(True)
now = espnow.ESPNow()
now.active(True)
print('lamp ready, my MAC is', ':'.join('%02x' % b for b in sta.config('mac')))

on = False
while True:
    host, msg = now.recv()           # waits for the next message
    if msg == b'toggle':
        on = not on
        led.value(1 if on else 0)
        pixel[0] = GREEN if on else OFF
        pixel.write()
        print('toggle from %s -> %s' % (':'.join('%02x' % b for b in host), 'ON' if on else 'OFF'))
    else:
        print('unknown message', msg)
