# attack: crawl every importable module, its classes and the containers they hold (depth 3) looking for a JS proxy
# family: js
# expect: exit 0
# out: /objects walked: \d+; JS proxies found: \[\]/
import sys, gc
names = ['array', 'binascii', 'builtins', 'cmath', 'collections', 'deflate', 'errno', 'framebuf', 'gc', 'hashlib',
         'heapq', 'io', 'json', 'math', 'micropython', 'os', 'platform', 'random', 're', 'select', 'struct', 'sys',
         'time', 'uctypes', 'vfs', '_asyncio', '_kern', '_boot', '_machine', '_socket', 'socket', 'network',
         'machine', 'asyncio', 'ntptime', 'emp_wifi']
found = []
seen = set()
SCALAR = (int, float, str, bytes, bool, type(None))
def walk(o, path, d):
    if id(o) in seen:
        return
    seen.add(id(o))
    if 'Js' in type(o).__name__:
        found.append(path)
        return
    if d == 3 or isinstance(o, SCALAR):
        return
    if isinstance(o, (list, tuple, set)):
        for i, v in enumerate(o):
            walk(v, '%s[%d]' % (path, i), d + 1)
        return
    if isinstance(o, dict):
        for k, v in o.items():
            walk(v, '%s[%r]' % (path, k), d + 1)
        return
    try:
        attrs = dir(o)
    except Exception:
        return
    for a in attrs:
        try:
            v = getattr(o, a)
        except Exception:
            continue
        walk(v, path + '.' + a, d + 1)
for n in names:
    try:
        m = __import__(n)
    except ImportError:
        continue
    walk(m, n, 0)
for k in list(sys.modules):
    walk(sys.modules[k], k, 0)
print('objects walked: %d; JS proxies found: %s' % (len(seen), found))
