import _k
class Base:
    registry = []
    def __init__(self, n):
        self.n = n; Base.registry.append(self.tag())
    def tag(self): return 'B%d' % _k.call(self.n)
    def area(self): return 0
class Sq(Base):
    def tag(self): return 'S' + super().tag()
    def area(self): return self.n * self.n + _k.call(0)
class Cube(Sq):
    def tag(self): return 'C' + super().tag()
    def area(self): return super().area() * self.n
shapes = [cls(i) for i in range(30) for cls in (Base, Sq, Cube)]
print(Base.registry[:9], len(Base.registry))
print(sum(s.area() for s in shapes), [type(s).__name__ for s in shapes[:6]])
print(sorted(shapes, key=lambda s: (-s.area(), s.tag()))[0].tag())
class Meta:
    def __init__(self): self.items = {}
    def __setitem__(self, k, v): _k.call(1); self.items[k] = [v] * 2
    def __getitem__(self, k): _k.call(2); return self.items[k]
    def __len__(self): return len(self.items)
    def __contains__(self, k): return _k.call(k in self.items) == 1
m = Meta()
for i in range(100): m['k%d' % i] = str(i)
print(len(m), m['k42'], 'k7' in m, 'zz' in m)
class Num:
    def __init__(self, v): self.v = v
    def __add__(self, o): return Num(self.v + (o.v if isinstance(o, Num) else o) + _k.call(0))
    __radd__ = __add__
    def __lt__(self, o): return self.v < o.v
    def __gt__(self, o): return self.v > o.v
    def __repr__(self): return 'N%d' % self.v
print(sum([Num(i) for i in range(50)], Num(0)), sorted([Num(5), Num(1), Num(3)]), max(Num(i % 7) for i in range(20)))
