import _k, gc
held = []
try:
    while True:
        held.append(bytearray(1024))
        _k.call(len(held))
except MemoryError:
    n = len(held)
    held = None
    print('MemoryError after', 'some' if n > 10 else 'few', 'allocations')
gc.collect()
x = [str(i) for i in range(200)]
print('continues', len(x), x[-1])
try:
    big = 'x' * (10 ** 9)
except MemoryError:
    print('huge alloc -> MemoryError')
print(sum(len(str(i)) for i in range(1000)))
