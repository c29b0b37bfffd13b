import _k
x = 1
for i in range(1, 120):
    x = x * (i + _k.call(0)) + i
print(len(str(x)), str(x)[:30], x % 1000003)
fs = {}
for i in range(60):
    fs[2 ** (i + 64) + _k.call(i)] = str(3 ** i)
print(len(fs), fs[2 ** 100 + 36][:20])
def fact(n):
    _k.call(n)
    return 1 if n < 2 else n * fact(n - 1)
print(fact(80) // fact(78), hex(fact(30)), (fact(40) >> 50) & 0xffff)
print(sorted([(-1) ** i * 10 ** (i % 25) for i in range(40)], key=lambda v: (_k.call(0), abs(v)))[:8])
print(int('9' * 60) + _k.call(1), divmod(10 ** 40 + 7, 12345678901))
