# attack: read the host's wall clock: the build's own time module (not ours), its ticks, localtime, and FS timestamps
# family: determinism
# expect: exit 0
# twice
# out: /builtin time\.time\(\) 1704067200 ticks 0/
# out: /mtime 1704067200/
import vfs  # the VM's own files: the ESP32's flash hides them at /, an attacker mounts them back
vfs.umount('/')
vfs.mount(vfs.VfsPosix(), '/')
import sys
for k in ('time', 'utime'):
    sys.modules.pop(k, None)
import time, os
print('builtin time.time()', int(time.time()), 'ticks', time.ticks_ms(), 'localtime', time.localtime()[:6], 'time_ns', time.time_ns() // 10 ** 9)
open('/tmp/t', 'w').write('x')
print('mtime', os.stat('/tmp/t')[8], 'lib mtime', os.stat('/.frozen/_boot.py')[8])
