# attack: malformed headers: short, long, unaligned; pointers outside memory; huge, negative and over-size lengths
# family: bridge
# expect: exit 0
# out: /short header: 28\nlong header: 28\nunaligned header: 28\nsend ptr out of memory: 28\nsend 1 GiB: 28\nsend > DATA_SIZE: 28\nsend negative: 28\nanswer ptr out of memory: 21\nanswer cap negative: 21\nanswer cap huge: 21\nrefetch out of memory: 21\nstill alive: True/
import _kern, array, time
W = _kern._intern('write')
C = _kern._intern('config')
def hdr(op, **w):
    h = array.array('i', [0] * 16)
    h[0] = op
    for k, v in w.items():
        h[int(k[1:])] = v
    return h
def t(name, f):
    try:
        f()
        print(name + ': ESCAPED accepted')
    except OSError as e:
        print(name + ':', e.args[0])
t('short header', lambda: _kern._rd(bytearray(10)))
t('long header', lambda: _kern._rd(bytearray(200)))
t('unaligned header', lambda: _kern._rd(memoryview(bytearray(65))[1:]))
t('send ptr out of memory', lambda: _kern._rd(hdr(W, w1=100, w14=4, w7=0x7FFFFFF0, w8=100)))
t('send 1 GiB', lambda: _kern._rd(hdr(W, w1=1 << 30, w14=4, w7=16, w8=1 << 30)))
t('send > DATA_SIZE', lambda: _kern._rd(hdr(W, w1=131073, w14=4, w7=16, w8=131073)))
t('send negative', lambda: _kern._rd(hdr(W, w1=5, w14=4, w7=16, w8=-5)))
t('answer ptr out of memory', lambda: _kern._rd(hdr(C, w9=0x7FFFFF00, w10=4096)))
t('answer cap negative', lambda: _kern._rd(hdr(C, w9=16, w10=-1)))
t('answer cap huge', lambda: _kern._rd(hdr(C, w9=16, w10=0x7FFFFFFF)))
t('refetch out of memory', lambda: _kern._rd(hdr(0x7F03, w9=0x7FFFFF00, w10=4096)))
print('still alive:', time.ticks_ms() >= 0)
