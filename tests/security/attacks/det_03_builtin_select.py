# attack: the build's own select.poll on files and stdin (no JS event loop behind it), and its own socket-less modules
# family: determinism
# expect: exit 0
# twice
# out: /poll: \[/
import vfs  # the VM's own files: the ESP32's flash hides them at /, an attacker mounts them back
vfs.umount('/')
vfs.mount(vfs.VfsPosix(), '/')
import sys
sys.modules.pop('select', None)
sys.modules.pop('uselect', None)
sys.path[:] = [p for p in sys.path if p != '/.frozen']
import select
f = open('/tmp/p', 'w')
p = select.poll()
p.register(f, select.POLLOUT)
print('poll:', [(type(o).__name__, e) for o, e in p.poll(0)])
