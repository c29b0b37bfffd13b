import _k, struct
ba = bytearray()
for i in range(500):
    ba.extend(bytes([i % 256, _k.call(i) % 256]))
    if i % 50 == 0:
        ba += bytearray(b'xyz' * _k.call(3))
print(len(ba), ba[:20], sum(ba))
mv = memoryview(ba)
print(bytes(mv[10:20]), len(mv[::1]))
chunks = [bytes(ba[i:i + 37]) for i in range(0, len(ba), 37) if _k.call(i) >= 0]
print(len(chunks), chunks[3], b''.join(chunks) == bytes(ba))
p = b''.join(struct.pack('<HIf', i, _k.call(i) * 1000, i / 4) for i in range(50))
print(len(p), struct.unpack_from('<HIf', p, 10 * 10))
b2 = bytes(x ^ 0x5a for x in ba if _k.call(0) == 0)
print(b2[:16], b2.hex()[:40])
print(bytearray(b'hello world').replace(b'o', b'0' * _k.call(2)), b'a,b,,c'.split(b','))
