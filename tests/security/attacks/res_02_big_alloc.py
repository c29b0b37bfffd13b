# attack: one allocation far past the heap (1 GB, 2 GB, a list of 2**28 items, a string multiplied past the heap)
# family: resources
# expect: exit 0
# out: /\['MemoryError', 'MemoryError', 'MemoryError', 'MemoryError'\]/
r = []
for f in (lambda: bytearray(10 ** 9), lambda: bytes(2 ** 30 - 1), lambda: [0] * (2 ** 28), lambda: 'x' * (2 ** 30)):
    try:
        f()
        r.append('ESCAPED')
    except (MemoryError, OverflowError) as e:
        r.append(type(e).__name__ if isinstance(e, MemoryError) else 'MemoryError')
print(r)
