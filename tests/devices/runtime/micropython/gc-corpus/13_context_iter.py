import _k
log = []
class Ctx:
    def __init__(self, name): self.name = name
    def __enter__(self):
        _k.call(1); log.append('enter ' + self.name); return [self.name] * 3
    def __exit__(self, t, v, tb):
        _k.call(2); log.append('exit %s %s' % (self.name, t.__name__ if t else None)); return t is KeyError
for i in range(20):
    with Ctx('a%d' % i) as a, Ctx('b%d' % i) as b:
        if i % 3 == 0:
            raise KeyError('x' + a[0])
        log.append(b[1])
print(log[:8], len(log))
class Countdown:
    def __init__(self, n): self.n = n
    def __iter__(self): return self
    def __next__(self):
        _k.call(self.n)
        if self.n <= 0: raise StopIteration
        self.n -= 1
        return ('v%d' % self.n) * 2
print(list(Countdown(10)), tuple(Countdown(3)), sorted(Countdown(5)))
print(sum(len(s) for s in Countdown(50)), min(Countdown(8)), max(Countdown(8), key=len))
print(' '.join(Countdown(4)), dict.fromkeys(Countdown(3), 0))
class Attr:
    def __getattr__(self, name):
        _k.call(len(name)); return name.upper() * 2
    @property
    def p(self):
        return [str(_k.call(7))] * 2
a = Attr()
print(a.foo, a.barbaz, a.p, getattr(a, 'zz'))
