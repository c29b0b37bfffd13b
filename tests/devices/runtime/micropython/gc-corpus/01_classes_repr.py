import _k
class Point:
    def __init__(self, x, y):
        self.x = x; self.y = y
    def __repr__(self):
        _k.call(0)
        junk = [str(i) for i in range(10)]
        return 'Point(%d, %d)' % (self.x, self.y)
    def __add__(self, o):
        _k.call(1)
        return Point(self.x + o.x, self.y + o.y)
    def __eq__(self, o):
        _k.call(2)
        return isinstance(o, Point) and self.x == o.x and self.y == o.y
class P3(Point):
    def __init__(self, x, y, z):
        super().__init__(x, y); self.z = z
    def __repr__(self):
        return 'P3<' + super().__repr__() + ',%d>' % self.z
pts = [Point(i, i * i) for i in range(30)]
print(pts)
print(repr(pts[3] + pts[4]), str(P3(1, 2, 3)))
print([p for p in pts if p == Point(5, 25)])
print(Point(5, 25) in pts, pts.index(Point(7, 49)), pts.count(Point(2, 4)))
print('{} and {!r} and {:>5}'.format(pts[1], pts[2], 'x'))
print(tuple(P3(i, i, i) for i in range(5)))
s = sum((p.x for p in pts), 0)
print(s, max(pts, key=lambda p: (_k.call(p.x), -p.y)[1]))
