import _k
words = ['w%03d' % ((i * 7919) % 500) for i in range(400)]
def key(s):
    _k.call(len(s))
    tmp = [s] * 5
    return (''.join(reversed(s)), len(tmp))
r = sorted(words, key=key)
print(r[:10], r[-3:])
r2 = sorted(words, key=lambda s: '%05d' % _k.call(int(s[1:])), reverse=True)
print(r2[:10])
l = list(range(300)); l.sort(key=lambda v: (_k.call(v) * 31) % 97)
print(l[:20])
recs = [{'name': 'n%d' % i, 'v': (i * 13) % 17, 'tags': [str(i)] * (i % 3)} for i in range(150)]
recs.sort(key=lambda r: (r['v'], _k.call(0), r['name']))
print([r['name'] for r in recs[:12]])
print(min(words, key=key), max(words, key=key))
print(sorted({'b': 1, 'a': 2, 'c': 0}.items(), key=lambda kv: _k.call(kv[1])))
