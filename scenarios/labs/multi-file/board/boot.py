# boot.py -- runs first at every boot (power-on, reset): joins the WiFi, as on a real board.
import network
import time

SSID = 'esp32-lab'
PASSWORD = 'micropython'

wlan = network.WLAN(network.STA_IF)
wlan.active(True)
if not wlan.isconnected():
    wlan.connect(SSID, PASSWORD)
    t0 = time.ticks_ms()
    while not wlan.isconnected() and time.ticks_diff(time.ticks_ms(), t0) < 10000:
        time.sleep_ms(100)
print('boot: wifi', 'up at ' + wlan.ifconfig()[0] if wlan.isconnected() else 'down')
