import _k
def counter(start):
    n = [start]
    def inc(step=1):
        nonlocal_list = [n[0]]
        _k.call(step)
        n[0] += step
        return n[0]
    return inc
cs = [counter(i * 100) for i in range(20)]
out = []
for r in range(10):
    for c in cs:
        out.append(c(r))
print(out[:15], out[-5:], sum(out))
def make_adders():
    return [lambda x, i=i: _k.call(x) + i for i in range(10)]
print([f(10) for f in make_adders()])
def outer():
    a = 'outer-' + str(_k.call(3))
    def mid():
        b = a + '-mid'
        def inner():
            return b + '-inner-' + str(_k.call(4))
        return inner
    return mid()
fs = [outer() for _ in range(50)]
print(set(f() for f in fs))
def compose(*fns):
    def run(x):
        for f in reversed(fns):
            x = f(x)
        return x
    return run
g = compose(*[(lambda k: (lambda v: _k.call(v) + k))(i) for i in range(30)])
print(g(0), g(1000))
