import _k
class Key:
    def __init__(self, v): self.v = v
    def __hash__(self):
        _k.call(self.v)
        junk = 'h' * 40
        return self.v % 13
    def __eq__(self, o):
        _k.call(-1)
        return isinstance(o, Key) and o.v == self.v
d = {}
for i in range(120):
    d[Key(i)] = [str(i)] * (i % 4)
print(len(d), d[Key(93)], Key(119) in d, Key(121) in d)
for i in range(0, 120, 3):
    del d[Key(i)]
print(len(d), sorted(k.v for k in d)[:10])
s = set()
for i in range(100):
    s.add(Key(i % 40))
print(len(s))
big = {}
for i in range(2000):
    big['k%d' % i] = {'i': i, 's': str(_k.call(i))}
print(len(big), big['k1999'], big.get('k5'), sum(v['i'] for v in big.values()))
dd = {str(i): i for i in range(100) if _k.call(i) % 2}
print(sorted(dd)[:10], dd.pop('3'), dd.setdefault('x', [1]), len(dd))
u = dict(big); u.update((('k%d' % i, _k.call(i)) for i in range(10)))
print(u['k3'], len(u))
