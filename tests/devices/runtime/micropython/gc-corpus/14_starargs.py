import _k
def f(*args, **kw):
    _k.call(len(args))
    return (len(args), sorted(kw.items()), args[-2:] if args else ())
g = (str(_k.call(i)) for i in range(40))
print(f(*g, **{('k%d' % i): [i] * 2 for i in range(15)}))
print(f(1, 2, *[3, 4], *(x for x in range(_k.call(5))), a=1, **{'b': 2}))
def kwonly(a, *, b=[1], c='x'):
    return a + len(b) + len(c) + _k.call(0)
print([kwonly(i, b=[0] * i, c='y' * i) for i in range(10)])
class C:
    def m(self, *a, **k):
        return f(self, *a, **k)
print(C().m(*range(_k.call(10)), z=1)[0])
args = [list(range(i)) for i in range(25)]
print([f(*a)[0] for a in args])
