# network: WLAN(STA_IF | AP_IF) singletons over the board's WiFi (ESP32 port names and codes).
import json
from _kern import call, callr

STA_IF = 0
AP_IF = 1
STAT_IDLE = 1000
STAT_CONNECTING = 1001
STAT_GOT_IP = 1010
STAT_BEACON_TIMEOUT = 200
STAT_NO_AP_FOUND = 201
STAT_WRONG_PASSWORD = 202
STAT_ASSOC_FAIL = 203
STAT_HANDSHAKE_TIMEOUT = 204
STAT_CONNECTION_FAIL = 203
AUTH_OPEN = 0
AUTH_WEP = 1
AUTH_WPA_PSK = 2
AUTH_WPA2_PSK = 3
AUTH_WPA_WPA2_PSK = 4
MODE_11B = 1
MODE_11G = 2
MODE_11N = 4

_wlans = {}


def _check_hostname(name):
    # MICROPY_PY_NETWORK_HOSTNAME_MAX_LEN: 32 bytes or more is a ValueError on the board.
    if isinstance(name, str) and len(name.encode()) >= 32:
        raise ValueError()


def hostname(name=None):
    if name is None:
        return call('wlan.config', STA_IF, 'hostname')
    _check_hostname(name)
    call('wlan.setconfig', STA_IF, json.dumps({'hostname': name}))


class WLAN:
    IF_STA = 0
    IF_AP = 1
    PM_NONE = 0
    PM_PERFORMANCE = 1
    PM_POWERSAVE = 2

    def __new__(cls, interface_id=STA_IF):
        w = _wlans.get(interface_id)
        if w is None:
            w = object.__new__(cls)
            w._if = interface_id
            _wlans[interface_id] = w
        return w

    def __init__(self, interface_id=STA_IF):
        pass

    def __repr__(self):
        return '<WLAN>'

    def active(self, is_active=None):
        return bool(call('wlan.active', self._if, None if is_active is None else bool(is_active)))

    def connect(self, ssid=None, key=None, *, bssid=None):
        call('wlan.connect', self._if, ssid or '', key or '', bssid)

    def disconnect(self):
        call('wlan.disconnect', self._if)

    def isconnected(self):
        return bool(call('wlan.isconnected', self._if))

    def status(self, param=None):
        v = call('wlan.status', self._if, param)
        if param == 'stations':
            return [(bytes(m['bytes']),) for m in v]
        return v

    def ifconfig(self, config=None):
        if config is None:
            return tuple(call('wlan.ifconfig', self._if))
        if config == 'dhcp':
            call('wlan.ifconfig', self._if, 'dhcp')
        else:
            call('wlan.ifconfig', self._if, json.dumps(list(config)))

    def ipconfig(self, *a, **k):
        if a:
            key = a[0]
            cfg = self.ifconfig()
            if key == 'addr4':
                return (cfg[0], cfg[1])
            if key == 'gw4':
                return cfg[2]
            if key == 'dhcp4':
                return True
            raise ValueError('unexpected key')
        if 'addr4' in k:
            ip, mask = k['addr4'].split('/') if isinstance(k['addr4'], str) else k['addr4']
            cfg = self.ifconfig()
            self.ifconfig((ip, mask, k.get('gw4', cfg[2]), cfg[3]))
        elif k.get('dhcp4'):
            self.ifconfig('dhcp')

    def config(self, *args, **kwargs):
        if kwargs:
            _check_hostname(kwargs.get('hostname', kwargs.get('dhcp_hostname')))
            call('wlan.setconfig', self._if, json.dumps(kwargs))
            return
        if len(args) != 1:
            raise TypeError('can query only one param')
        key = args[0]
        v = call('wlan.config', self._if, key)
        if isinstance(v, dict) and 'bytes' in v:
            return bytes(v['bytes'])
        return v

    def scan(self):
        out = []
        for r in call('wlan.scan', self._if):
            out.append((r[0].encode(), bytes(r[1]), r[2], r[3], r[4], r[5]))
        return out
