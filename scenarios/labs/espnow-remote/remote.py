# remote.py -- a remote control without an access point: each press of the button on GPIO 14
# sends "toggle" to the lamp board over ESP-NOW, and says whether the lamp's radio got it.
#
# ESP-NOW sends a frame straight from radio to radio (no router, no IP addresses): you only
# need the other board's MAC address. The lamp prints its own at start.
import time
import network
import espnow
from machine import Pin

LAMP = b'\x30\xae\xa4\x6b\xf0\xee'   # the lamp's MAC address, 30:ae:a4:6b:f0:ee

sta = network.WLAN(network.STA_IF)
sta.active(True)                     # ESP-NOW uses the WiFi radio: switch it on (no network needed)
now = espnow.ESPNow()
now.active(True)
now.add_peer(LAMP)

button = Pin(14, Pin.IN, Pin.PULL_UP)
pressed = False


def on_press(pin):
    global pressed
    pressed = True


button.irq(trigger=Pin.IRQ_FALLING, handler=on_press)
print('remote ready, my MAC is', ':'.join('%02x' % b for b in sta.config('mac')))

count = 0
last_ms = time.ticks_add(time.ticks_ms(), -1000)
while True:
    if pressed:
        pressed = False
        # The contacts bounce (and bounce again on release): edges within 300 ms are one press.
        if time.ticks_diff(time.ticks_ms(), last_ms) > 300:
            count += 1
            # send() waits for the lamp's radio to acknowledge the frame (it retries a few
            # times): True means it arrived, False that no acknowledgement came back.
            ok = now.send(LAMP, b'toggle')
            print('toggle #%d %s' % (count, 'delivered' if ok else 'NOT delivered (is the lamp on?)'))
        last_ms = time.ticks_ms()
    time.sleep_ms(10)
