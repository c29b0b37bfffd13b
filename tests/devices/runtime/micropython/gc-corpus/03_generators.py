import _k
def gen(n):
    for i in range(n):
        _k.call(i)
        yield 'item%d' % i
print(','.join(gen(40)))
print('-'.join(s.upper() for s in gen(10)))
print(list(zip(gen(5), gen(6), (x * 2 for x in range(7)))))
def pipeline():
    g1 = (i * i for i in range(50) if _k.call(i) % 3)
    g2 = (str(x) for x in g1)
    g3 = (s + '!' for s in g2 if len(s) > 1)
    return list(g3)
print(pipeline())
def coro():
    total = 0
    while True:
        v = yield total
        _k.call(v)
        total += v
c = coro(); next(c)
print([c.send(i) for i in range(20)])
def yf():
    yield from gen(3)
    r = yield from sub()
    yield r
def sub():
    yield 'sub'
    return 'ret' + str(_k.call(9))
print(list(yf()))
d = dict((str(i), [i] * (i % 4)) for i in range(30) if _k.call(i) >= 0)
print(sorted(d.items())[:8], len(d))
st = set(('k%d' % _k.call(i % 17)) for i in range(100))
print(sorted(st))
print(sum(x for x in (_k.call(i) for i in range(100))))
