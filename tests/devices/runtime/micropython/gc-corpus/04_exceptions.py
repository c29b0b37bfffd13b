import _k
class MyErr(Exception):
    def __init__(self, msg, data):
        super().__init__(msg)
        self.data = data
def thrower(i):
    _k.call(i)
    raise MyErr('bad %d' % i, [str(j) for j in range(i)])
res = []
for i in range(30):
    try:
        try:
            thrower(i)
        finally:
            _k.call(100)
            res.append('f%d' % i)
    except MyErr as e:
        _k.call(200)
        res.append((e.args[0], len(e.data), e.data[-1:] if e.data else None))
print(res[:10], len(res))
def chain(n):
    try:
        if n == 0:
            raise ValueError('base' + str(_k.call(0)))
        chain(n - 1)
    except ValueError as e:
        _k.call(n)
        raise KeyError('level%d' % n)
    except KeyError as e:
        _k.call(n)
        raise KeyError(str(e.args[0]) + '/%d' % n)
try:
    chain(12)
except KeyError as e:
    print('caught', e.args[0])
def gen_exc():
    try:
        for i in range(10):
            yield i
    except GeneratorExit:
        _k.call(5)
        print('gen exit')
        raise
g = gen_exc(); print(next(g), next(g)); g.close()
try:
    sorted(range(20), key=lambda x: _k.call(x) if x < 15 else 1 // 0)
except ZeroDivisionError as e:
    print('sort key raised', type(e).__name__)
try:
    list(map(lambda a, b: _k.call(a) / b, [1, 2, 3], [1, 1, 0]))
except ZeroDivisionError:
    print('map raised')
x = None
for i in range(200):
    try:
        x = {'k': [i] * 10}
        raise IndexError(x)
    except IndexError as e:
        _k.call(i)
        x = e.args[0]['k'][-1]
print(x)
