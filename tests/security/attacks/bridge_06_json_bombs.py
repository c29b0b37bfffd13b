# attack: deeply nested JSON and __proto__ keys as arguments of real kernel calls (write, poll, setconfig, ifconfig)
# family: bridge
# expect: exit 0
# out: /write: \(1, 22\)/
# out: /alive/
import _kern, array, uctypes
def raw(name, tags, words, payload):
    h = array.array('i', [0] * 16)
    h[0] = _kern._intern(name)
    for i, w in enumerate(words):
        h[1 + i] = w
    h[14] = tags
    h[7] = uctypes.addressof(payload)
    h[8] = len(payload)
    _kern._rd(h)
    return (h[11], h[12])
deep = b'[' * 12000 + b']' * 12000
print('write:', raw('write', 6, (len(deep),), deep))
print('poll:', raw('socket.poll', 6, (len(deep),), deep))
proto = b'{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, "hostname": "x"}'
print('setconfig:', raw('wlan.setconfig', 1 | (4 << 3), (0, len(proto)), proto))
print('ifconfig:', raw('wlan.ifconfig', 1 | (4 << 3), (0, len(deep)), deep))
print('poll proto:', raw('socket.poll', 4, (len(proto),), proto))
print('alive')
