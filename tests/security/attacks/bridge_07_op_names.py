# attack: op names that fail the interning pattern, then more names than the op table holds (MAX_OPS), so that not even exit can be named: the run must fail, not pass or hang
# family: bridge
# expect: crash /^VM error: the VM stopped$/
# out: /bad names refused: 9 of 9/
# out: /interned until refused: [45]\d\d/
# out: /unknown kernel call exit/
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
