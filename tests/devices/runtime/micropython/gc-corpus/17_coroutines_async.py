import _k
def scheduler(tasks):
    # round-robin over generator-based tasks; a task "awaits" by yielding
    out = []
    results = {}
    while tasks:
        name, t = tasks.pop(0)
        try:
            v = next(t)
            out.append('%s:%s' % (name, v))
            tasks.append((name, t))
        except StopIteration as e:
            results[name] = e.value
            _k.call(0)
    return out, results
def task(name, n):
    acc = []
    for i in range(n):
        acc.append(str(_k.call(i)) * 2)
        yield len(acc)
    return [name] + acc
o, r = scheduler([('t%d' % j, task('t%d' % j, 3 + j)) for j in range(6)])
print(len(o), o[:10], sorted(r.items())[:2])
async def agen(n):
    return [str(_k.call(n))] * n
def drive(coro):
    try:
        coro.send(None)
    except StopIteration as e:
        return e.value
print([drive(agen(i)) for i in range(6)])
def manual():
    def co():
        acc = []
        while True:
            x = yield len(acc)
            acc.append(str(x) * _k.call(2))
    c = co(); next(c)
    return [c.send(i) for i in range(30)]
print(manual()[-5:])
