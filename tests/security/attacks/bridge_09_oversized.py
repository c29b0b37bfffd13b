# attack: a request payload over DATA_SIZE (128 KiB) from a real buffer: an error for the caller, not a device crash
# family: bridge
# expect: exit 0
# out: /oversized: errno 28/
# out: /after: alive/
import _kern, array, uctypes
h = array.array('i', [0] * 16)
h[0] = _kern._intern('write')
h[1] = 131073
h[14] = 4
h[7] = 0          # the whole start of linear memory as the payload
h[8] = 131073
try:
    _kern._rd(h)
    print('ESCAPED: oversized request accepted')
except OSError as e:
    print('oversized: errno', e.args[0])
print('after: alive')
