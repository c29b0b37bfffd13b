# attack: type()/__class__/__bases__ walks from every builtin object and module looking for JS objects
# family: js
# expect: exit 0
# out: /types walked: \d+; JS types reachable: \['JsProxy'\]|types walked: \d+; JS types reachable: \[\]/
import sys, builtins, gc, micropython, io, _kern
seen = {}
def walk(t, d):
    if d > 6 or id(t) in seen:
        return
    seen[id(t)] = t
    for a in ('__class__', '__bases__', '__base__', '__mro__'):
        try:
            v = getattr(t, a)
        except Exception:
            continue
        for x in (v if isinstance(v, tuple) else (v,)):
            walk(x, d + 1)
roots = [getattr(builtins, n) for n in dir(builtins)] + list(sys.modules.values()) + [sys, gc, micropython, io, _kern, _kern._dev, _kern._rd, _kern._h]
for r in roots:
    walk(type(r), 0)
    walk(r, 0)
js = sorted(set(getattr(t, '__name__', '') for t in seen.values() if isinstance(t, type) and 'Js' in getattr(t, '__name__', '')))
print('types walked: %d; JS types reachable: %s' % (len(seen), js))
