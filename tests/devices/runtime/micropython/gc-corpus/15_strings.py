import _k
text = ' '.join('word%d' % (_k.call(i) % 37) for i in range(600))
words = text.split()
print(len(words), words[100:105])
freq = {}
for w in words:
    freq[w] = freq.get(w, 0) + _k.call(1)
print(sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:5])
print(text.replace('word', 'W' * _k.call(2))[:60], text.count('word1'), text.find('word36'))
lines = '\n'.join(('line %d: ' % i) + '-' * (_k.call(i) % 30) for i in range(100))
print([l.strip('-').rstrip() for l in lines.splitlines()[::20]])
print(''.join(reversed(text[:80])), text[:50].upper(), 'A,B,C'.lower().split(','))
s = ''
for i in range(300):
    s += chr(65 + _k.call(i) % 26)
print(s[:40], s.startswith('ABC'), s.partition('XYZ')[1], s.rpartition('Q')[2][:5])
print('%s' % ''.join(str(_k.call(d)) for d in range(10)) * 3)
