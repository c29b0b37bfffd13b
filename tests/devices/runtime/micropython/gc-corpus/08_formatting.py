import _k
out = []
for i in range(200):
    v = _k.call(i)
    out.append('%05d|%-6s|%x|%o|%e|%.3f|%r' % (v, 'ab' * (i % 3), v, v, v * 1.5, v / 7, 'q'))
    out.append('{0:>8}|{1:<4}|{2:^9}|{3:+d}|{4:.2%}'.format(str(v), v % 10, 'c', -v, v / 1000))
    out.append(f'{v:08b}|{v!r}|{"nested"+str(_k.call(v))}|{[v, v+1]}')
print(out[:6]); print(out[-3:]); print(len(''.join(out)))
print('%s %s %s' % tuple(str(_k.call(j)) for j in range(3)))
print('{a}-{b}-{c}'.format(a=_k.call(1), b='B', c=[0, 'C']))
print(' '.join('%d' % _k.call(i) for i in range(30)).split(' ')[::7])
print(repr('a\tb\n'), str(1.25), repr(1e100), str(-0.0))
