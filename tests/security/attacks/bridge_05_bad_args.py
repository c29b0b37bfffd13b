# attack: argument words that do not add up: unknown tag, tag bits past six arguments, lengths that overrun or miss the payload, a float that is not 8 bytes, bad JSON
# family: bridge
# expect: exit 0
# out: /\[22, 22, 22, 22, 22, 22, 22, 22\]/
# out: /alive/
import _kern, array, uctypes
W = _kern._intern('write')
def raw(tags, words, payload):
    h = array.array('i', [0] * 16)
    h[0] = W
    for i, w in enumerate(words):
        h[1 + i] = w
    h[14] = tags
    h[7] = uctypes.addressof(payload)
    h[8] = len(payload)
    _kern._rd(h)
    return h[12] if h[11] == 1 else 'ESCAPED kind %d' % h[11]
r = [raw(7, (3,), b'abc'),            # tag 7 does not exist
     raw(1 << 18, (), b''),            # a seventh argument
     raw(4, (10,), b'abc'),            # string longer than the payload
     raw(4, (2,), b'abc'),             # payload left over
     raw(4, (-1,), b'abc'),            # negative length
     raw(3, (4,), b'abcd'),            # float of 4 bytes
     raw(6, (3,), b'{x}'),             # bad JSON
     raw(6, (5,), b'\xff\xfe{}]')]     # bad UTF-8 JSON
print(r)
print('alive')
