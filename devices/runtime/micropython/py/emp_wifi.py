# The tutorial's helper module (01Studio / emp-1 style): Wifi.connect(), Wifi.ifconfig().
import network
import time
import json
import _kern


class Wifi:
    @staticmethod
    def connect(ssid=None, password=None, timeout=20):
        w = network.WLAN(network.STA_IF)
        w.active(True)
        if w.isconnected():
            return True
        bw = _kern.CFG.get('bootWifi') or {}  # the run's configuration: this module is compiled at boot
        w.connect(ssid or bw.get('ssid', 'esp32-lab'), password or bw.get('password', 'micropython'))
        t0 = time.ticks_ms()
        while not w.isconnected():
            if time.ticks_diff(time.ticks_ms(), t0) > timeout * 1000:
                return False
            time.sleep_ms(100)
        return True

    @staticmethod
    def disconnect():
        network.WLAN(network.STA_IF).disconnect()

    @staticmethod
    def ifconfig():
        # [0] is the station's ifconfig tuple, so ifconfig()[0][0] is its IP.
        return (network.WLAN(network.STA_IF).ifconfig(), network.WLAN(network.AP_IF).ifconfig())
