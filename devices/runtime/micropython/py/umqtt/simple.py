# umqtt.simple: an MQTT 3.1.1 client with the API of the firmware's frozen module, our own code.
# QoS 0 and 1; keepalive is only announced (call ping() yourself); callbacks get (topic, msg) bytes.
import socket
import struct


class MQTTException(Exception):
    pass


class MQTTClient:
    def __init__(self, client_id, server, port=0, user=None, password=None, keepalive=0, ssl=None):
        if ssl:
            raise NotImplementedError('TLS is not simulated in esp32sim: use port 1883 without ssl')
        self.client_id = client_id
        self.sock = None
        self.server = server
        self.port = port or 1883
        self.ssl = ssl
        self.pid = 0
        self.cb = None
        self.user = user
        self.pswd = password
        self.keepalive = keepalive
        self.lw_topic = None
        self.lw_msg = None
        self.lw_qos = 0
        self.lw_retain = False

    def _send_str(self, s):
        if isinstance(s, str):
            s = s.encode()
        self.sock.write(struct.pack('!H', len(s)))
        self.sock.write(s)

    def _recv_len(self):
        n = 0
        shift = 0
        while True:
            b = self.sock.read(1)[0]
            n |= (b & 0x7F) << shift
            if not b & 0x80:
                return n
            shift += 7

    def _head(self, first, size):
        # Fixed header: packet type byte and the remaining length (1-4 bytes).
        h = bytearray(5)
        h[0] = first
        i = 1
        while size > 0x7F:
            h[i] = (size & 0x7F) | 0x80
            size >>= 7
            i += 1
        h[i] = size
        self.sock.write(h, 0, i + 1)

    def set_callback(self, f):
        self.cb = f

    def set_last_will(self, topic, msg, retain=False, qos=0):
        assert 0 <= qos <= 2
        assert topic
        self.lw_topic = topic
        self.lw_msg = msg
        self.lw_qos = qos
        self.lw_retain = retain

    def connect(self, clean_session=True, timeout=None):
        if self.sock is not None:
            # The firmware's garbage collector would close a socket left over from an earlier connect.
            self.sock.close()
        self.sock = socket.socket()
        self.sock.settimeout(timeout)
        self.sock.connect(socket.getaddrinfo(self.server, self.port)[0][-1])
        cid = self.client_id.encode() if isinstance(self.client_id, str) else self.client_id
        var = bytearray(b'\x00\x04MQTT\x04\x00\x00\x00')  # protocol name, level 4, flags, keepalive
        size = 10 + 2 + len(cid)
        flags = 2 if clean_session else 0
        if self.user:
            size += 2 + len(self.user) + 2 + len(self.pswd)
            flags |= 0xC0
        if self.keepalive:
            assert self.keepalive < 65536
            var[8] = self.keepalive >> 8
            var[9] = self.keepalive & 0xFF
        if self.lw_topic:
            size += 2 + len(self.lw_topic) + 2 + len(self.lw_msg)
            flags |= 0x4 | (self.lw_qos & 3) << 3 | (0x20 if self.lw_retain else 0)
        var[7] = flags
        self._head(0x10, size)
        self.sock.write(var)
        self._send_str(cid)
        if self.lw_topic:
            self._send_str(self.lw_topic)
            self._send_str(self.lw_msg)
        if self.user:
            self._send_str(self.user)
            self._send_str(self.pswd)
        resp = self.sock.read(4)
        assert resp[0] == 0x20 and resp[1] == 0x02
        if resp[3] != 0:
            raise MQTTException(resp[3])
        return resp[2] & 1

    def disconnect(self):
        self.sock.write(b'\xe0\x00')
        self.sock.close()

    def ping(self):
        self.sock.write(b'\xc0\x00')

    def publish(self, topic, msg, retain=False, qos=0):
        if isinstance(topic, str):
            topic = topic.encode()
        if isinstance(msg, str):
            msg = msg.encode()
        size = 2 + len(topic) + len(msg) + (2 if qos > 0 else 0)
        assert size < 2097152
        self._head(0x30 | qos << 1 | (1 if retain else 0), size)
        self._send_str(topic)
        if qos > 0:
            self.pid += 1
            pid = self.pid
            self.sock.write(struct.pack('!H', pid))
        self.sock.write(msg)
        if qos == 1:
            while True:
                op = self.wait_msg()
                if op == 0x40:
                    assert self.sock.read(1) == b'\x02'
                    got = self.sock.read(2)
                    if got[0] << 8 | got[1] == pid:
                        return
        elif qos == 2:
            assert 0

    def subscribe(self, topic, qos=0):
        assert self.cb is not None, 'Subscribe callback is not set'
        if isinstance(topic, str):
            topic = topic.encode()
        self.pid += 1
        pkt = struct.pack('!BBH', 0x82, 2 + 2 + len(topic) + 1, self.pid)
        self.sock.write(pkt)
        self._send_str(topic)
        self.sock.write(bytes([qos]))
        while True:
            op = self.wait_msg()
            if op == 0x90:
                resp = self.sock.read(4)
                assert resp[1] == pkt[2] and resp[2] == pkt[3]
                if resp[3] == 0x80:
                    raise MQTTException(resp[3])
                return

    def wait_msg(self):
        # One packet: a PUBLISH goes to the callback; returns the packet type byte (None for a
        # PINGRESP, or when nothing is there in check_msg()). The connection closing raises OSError(-1).
        res = self.sock.read(1)
        self.sock.setblocking(True)
        if res is None:
            return None
        if res == b'':
            raise OSError(-1)
        if res == b'\xd0':
            assert self.sock.read(1)[0] == 0
            return None
        op = res[0]
        if op & 0xF0 != 0x30:
            return op
        size = self._recv_len()
        n = self.sock.read(2)
        n = n[0] << 8 | n[1]
        topic = self.sock.read(n)
        size -= n + 2
        if op & 6:
            pid = self.sock.read(2)
            pid = pid[0] << 8 | pid[1]
            size -= 2
        msg = self.sock.read(size)
        self.cb(topic, msg)
        if op & 6 == 2:
            self.sock.write(struct.pack('!BBH', 0x40, 2, pid))
        elif op & 6 == 4:
            assert 0
        return op

    def check_msg(self):
        # Like wait_msg(), but returns None at once when nothing has arrived.
        self.sock.setblocking(False)
        return self.wait_msg()
