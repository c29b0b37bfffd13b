# attack: op names that fail the interning pattern, then more names than the op table holds (MAX_OPS), then a new name past the limit: every one refused, the run neither passes them nor hangs; the names the host knew before the script started (exit, write) still work
# family: bridge
# expect: exit 0
# out: /bad names refused: 9 of 9/
# out: /interned until refused: [34]\d\d/
# out: /a new name past the limit: refused/
import _kern
bad = ['', 'A', '../etc/passwd', 'x' * 65, 'a.', '.a', 'a b', 'caf\u00e9', 'a\x00b']
n = 0
for name in bad:
    try:
        _kern._intern(name)
        print('ESCAPED? interned', repr(name))
    except (ValueError, OSError):
        n += 1
print('bad names refused: %d of %d' % (n, len(bad)))
i = 0
try:
    while i < 2000:
        _kern._intern('op%d' % i)
        i += 1
    print('ESCAPED: no op table limit')
except (ValueError, OSError):
    print('interned until refused:', i)
try:
    _kern.call('late.name')
    print('ESCAPED: a new name past the limit')
except (ValueError, OSError):
    print('a new name past the limit: refused')
