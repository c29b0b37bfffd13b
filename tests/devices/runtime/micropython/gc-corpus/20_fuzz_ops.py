import _k
# deterministic pseudo-random mix of object churn, with kernel calls everywhere
seed = [12345]
def rnd(n):
    seed[0] = (seed[0] * 1103515245 + 12345) & 0x7fffffff
    return seed[0] % n
class Node:
    def __init__(self, v, nxt): self.v = v; self.nxt = nxt
    def __repr__(self): return 'N(%r)' % (self.v,)
pool = [None] * 40
log = []
for step in range(6000):
    op = rnd(12); i = rnd(40); j = rnd(40)
    _k.call(op)
    if op == 0: pool[i] = [rnd(100) for _ in range(rnd(8))]
    elif op == 1: pool[i] = {'k%d' % rnd(50): str(rnd(1000)) for _ in range(rnd(6))}
    elif op == 2: pool[i] = tuple(str(x) for x in range(rnd(10)))
    elif op == 3: pool[i] = Node(pool[j], pool[i])
    elif op == 4: pool[i] = bytearray(rnd(64))
    elif op == 5: pool[i] = 'S' * rnd(30) + str(pool[j])[:20]
    elif op == 6: pool[i] = sorted(pool[j], key=lambda x: (str(_k.call(0)), repr(x))) if isinstance(pool[j], (list, tuple)) else pool[j]
    elif op == 7: pool[i] = None
    elif op == 8: pool[i] = list(map(lambda a, b: (a, b), range(rnd(5)), (str(_k.call(z)) for z in range(5))))
    elif op == 9: pool[i] = 10 ** rnd(40) + rnd(1000)
    elif op == 10:
        try:
            pool[i] = pool[j][rnd(5)]
        except (IndexError, KeyError, TypeError) as e:
            pool[i] = type(e).__name__
    else: pool[i] = ','.join(repr(x) for x in pool[:rnd(6)])
    if step % 500 == 0:
        log.append(repr(pool[rnd(40)])[:60])
print(log)
print([type(x).__name__ for x in pool])
print(sum(len(repr(x)) for x in pool))
