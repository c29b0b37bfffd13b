import _k
def fib(n):
    _k.call(n)
    if n < 2:
        return [n]
    return [fib(n - 1)[0] + fib(n - 2)[0]]
print(fib(15))
def deep(n, acc):
    if n == 0:
        return acc
    _k.call(n)
    return deep(n - 1, acc + [str(n)])
print(len(deep(60, [])), deep(20, [])[-3:])
def ackish(m, n):
    _k.call(0)
    if m == 0: return n + 1
    if n == 0: return ackish(m - 1, 1)
    return ackish(m - 1, ackish(m, n - 1))
print(ackish(2, 3))
depth = [0]
def probe(d):
    depth[0] = d
    _k.call(d)
    probe(d + 1)
try:
    probe(0)
except RuntimeError as e:
    print('recursion stopped', depth[0] > 20, type(e).__name__, e.args)
def tree(n):
    if n == 0:
        return {'leaf': str(_k.call(n))}
    return {'l': tree(n - 1), 'r': tree(n - 1), 'n': n}
def count(t):
    _k.call(1)
    return 1 if 'leaf' in t else 1 + count(t['l']) + count(t['r'])
print(count(tree(8)))
