# attack: the build's own select.poll on files and stdin (no JS event loop behind it), and its own socket-less modules
# family: determinism
# expect: exit 0
# twice
# out: /poll: \[/
import sys
sys.modules.pop('select', None)
sys.modules.pop('uselect', None)
sys.path[:] = [p for p in sys.path if p != '/lib']
import select
f = open('/tmp/p', 'w')
p = select.poll()
p.register(f, select.POLLOUT)
print('poll:', [(type(o).__name__, e) for o, e in p.poll(0)])
