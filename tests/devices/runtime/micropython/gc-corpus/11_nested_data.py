import _k
def build(level):
    _k.call(level)
    if level == 0:
        return ['leaf', (1, 2.5, 'x' * 3), {'a': b'bytes'}]
    return {'lvl': level, 'kids': [build(level - 1) for _ in range(3)], 'meta': (str(level),) * 2}
t = build(5)
def walk(x, acc):
    _k.call(0)
    if isinstance(x, dict):
        for k in sorted(x): walk(x[k], acc)
    elif isinstance(x, (list, tuple)):
        for v in x: walk(v, acc)
    else:
        acc.append(repr(x))
    return acc
w = walk(t, [])
print(len(w), w[:12])
import json
s = json.dumps({'t': build(2)})
print(len(s), s[:80])
back = json.loads(s)
print(walk(back, [])[:6])
m = [[[_k.call(i * j * k) for k in range(6)] for j in range(6)] for i in range(6)]
print(m[5][5], sum(sum(sum(r) for r in p) for p in m))
