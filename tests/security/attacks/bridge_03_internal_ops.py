# attack: send the VM JavaScript's own op codes from Python (FINAL "ended cleanly", FLUSH, REFETCH...) to forge the end of the run
# family: bridge
# expect: crash /RuntimeError: real failure/
# out: /refused: \[28, 28, 28, 28, 28, 28, 28\]/
import _kern, array
h = array.array('i', [0] * 16)
refused = []
for op in (0x7F02, 0x7F01, 0x7F00, 0x7FFF, 0x10000, -1, -0x80000000):
    h[0] = op
    h[1] = 0
    try:
        _kern._rd(h)
        print('ESCAPED? op', hex(op), 'accepted, kind', h[11])
    except OSError as e:
        refused.append(e.args[0])
print('refused:', refused)
raise RuntimeError('real failure')
