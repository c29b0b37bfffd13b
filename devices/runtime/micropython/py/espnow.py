# espnow: ESP-NOW between boards (MicroPython 1.27's espnow API). Frames travel as 802.11
# vendor-specific action frames on the simulated air, on the radio's channel; a unicast is ACKed
# by the receiving radio and retried by the sender's; send(sync=True) reports whether every
# peer's radio acknowledged. Errors are OSError(code, 'ESP_ERR_ESPNOW_...') as on the board.
# Encryption (lmk / encrypt=True) is not simulated and says so. Our own code.
import json
from _esperr import ecall, ecallw, ecallr
import _irq

MAX_DATA_LEN = 250
KEY_LEN = 16
ADDR_LEN = 6
MAX_TOTAL_PEER_NUM = 20
MAX_ENCRYPT_PEER_NUM = 6
_FD = -100  # what select.poll and asyncio know the receive buffer by (devices/esp32/hardware.ts)
_CONFIG_KEYS = ('rxbuf', 'timeout_ms', 'rate', 'pm')


def _hex(b):
    return ''.join('%02x' % x for x in b)


def _mac(mac):
    if isinstance(mac, str):
        mac = mac.encode()
    mac = bytes(mac)
    if len(mac) != ADDR_LEN:
        raise ValueError('invalid buffer length')
    return _hex(mac)


def _unhex(h):
    return bytes(int(h[i:i + 2], 16) for i in range(0, len(h), 2))


def _peer(t):
    return (_unhex(t[0]), _unhex(t[1]), t[2], t[3], bool(t[4]))


class ESPNowBase:
    pass


class ESPNow(ESPNowBase):
    _data = [None, bytearray(MAX_DATA_LEN)]
    _none_tuple = (None, None)
    # The peer device table: {mac: [rssi, time_ms]} of every sender a message was read from.
    peers_table = {}

    def __init__(self):
        pass

    def active(self, flag=None):
        return bool(ecall('espnow.active', None if flag is None else (1 if flag else 0)))

    def config(self, *args, **kwargs):
        for k in kwargs:
            if k not in _CONFIG_KEYS:
                raise TypeError("unexpected keyword argument '%s'" % k)
        if 'pm' in kwargs:
            raise NotImplementedError('espnow power management (pm=) is not simulated by esp32sim')
        got = ecall('espnow.config', json.dumps(kwargs))
        if not args:
            return None
        if args[0] == 'rxbuf':
            return got[0]
        if args[0] == 'timeout_ms':
            return got[1]
        raise ValueError('unknown config param')

    def irq(self, callback):
        if callback is not None and not callable(callback):
            raise ValueError('invalid handler')
        _irq.handler('espnow', 0, callback, self)
        ecall('espnow.irq', 1 if callback is not None else 0)

    def stats(self):
        return tuple(ecall('espnow.stats'))

    def recvinto(self, data, timeout_ms=None):
        if not isinstance(data, list) or len(data) < 2:
            raise ValueError('ESPNow.recvinto(): Invalid argument')
        got, extra = ecallr('espnow.recv', 6 + MAX_DATA_LEN, timeout_ms)
        if not got:
            return 0
        mac = got[:6]
        rssi, time_ms = extra[1], extra[2]
        entry = self.peers_table.get(mac)
        if entry is None:
            entry = self.peers_table[mac] = [rssi, time_ms]
        else:
            entry[0], entry[1] = rssi, time_ms
        for key in self.peers_table:
            if key == mac:
                mac = key  # the table's own bytes object, as on the board
                break
        data[0] = mac
        msg = data[1]
        if isinstance(msg, bytearray):
            msg[:] = got[6:]
        else:
            data[1] = got[6:]
        if len(data) >= 4:
            data[2] = rssi
            data[3] = time_ms
        return len(got) - 6

    def irecv(self, timeout_ms=None):
        n = self.recvinto(self._data, timeout_ms)
        return self._data if n else self._none_tuple

    def recv(self, timeout_ms=None):
        n = self.recvinto(self._data, timeout_ms)
        return [bytes(x) for x in self._data] if n else self._none_tuple

    def send(self, mac, msg=None, sync=None):
        if msg is None:
            mac, msg = None, mac
        if isinstance(msg, str):
            msg = msg.encode()
        dst = _mac(mac) if mac else ''
        sync = True if sync is None else bool(sync)
        return bool(ecallw('espnow.send', bytes(msg), dst, 1 if sync else 0))

    def any(self):
        return bool(ecall('espnow.any'))

    def set_pmk(self, pmk):
        if isinstance(pmk, str):
            pmk = pmk.encode()
        if len(pmk) != KEY_LEN:
            raise ValueError('invalid buffer length')

    def _peer_args(self, lmk, encrypt):
        enc = False
        if lmk is not None:
            enc = bool(lmk)
            if enc and len(lmk) != KEY_LEN:
                raise ValueError('invalid buffer length')
        if encrypt is not None:
            enc = bool(encrypt)
        if enc:
            raise NotImplementedError('ESP-NOW encryption (lmk / encrypt=True) is not simulated by esp32sim')
        return enc

    def add_peer(self, mac, lmk=None, channel=None, ifidx=None, encrypt=None):
        enc = self._peer_args(lmk, encrypt)
        ecall('espnow.add', _mac(mac), '', 0 if channel is None else channel, 0 if ifidx is None else ifidx, 1 if enc else 0)

    def mod_peer(self, mac, lmk=None, channel=None, ifidx=None, encrypt=None):
        self._peer_args(lmk, encrypt)
        # -1: leave as it is
        ecall('espnow.mod', _mac(mac), '', -1 if channel is None else channel, -1 if ifidx is None else ifidx, -1 if encrypt is None else (1 if encrypt else 0))

    def del_peer(self, mac):
        ecall('espnow.del', _mac(mac))

    def get_peer(self, mac):
        return _peer(ecall('espnow.get', _mac(mac)))

    def get_peers(self):
        return tuple(_peer(t) for t in ecall('espnow.peers'))

    def peer_count(self):
        return tuple(ecall('espnow.count'))

    def fileno(self):
        return _FD

    def __iter__(self):
        return self

    def __next__(self):
        return self.irecv()
