import _k
a = list(range(100)); b = [str(i) for i in range(100)]; c = [i * 1.5 for i in range(100)]
def f(x, y, z):
    _k.call(x)
    return '%s:%s:%.1f' % (x, y, z)
print(list(map(f, a, b, c))[:8])
print(list(filter(lambda s: _k.call(len(s)) > 1, b))[:10])
print(list(map(lambda *t: sum(t) + _k.call(0), a, a, a, a))[:10])
print(list(enumerate(map(str.upper, ('x%d' % _k.call(i) for i in range(10))), 5)))
print(dict(zip(b[:20], map(lambda v: [v] * _k.call(2), a[:20]))))
print(list(map(f, (i for i in range(7)), iter(b), reversed(c))))
print(any(_k.call(x) > 90 for x in a), all(_k.call(x) < 50 for x in a))
print(list(filter(None, map(lambda x: x % 3 and str(_k.call(x)), a)))[:15])
