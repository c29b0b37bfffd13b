# attack: open one file without end (every open stream is a JavaScript object in the VM thread)
# family: fs
# expect: exit 0
# out: /stopped after \d+ open files, errno \d+/
import vfs  # the VM's own files: the ESP32's flash hides them at /, an attacker mounts them back
vfs.umount('/')
vfs.mount(vfs.VfsPosix(), '/')
import time
open('/tmp/x', 'w').close()
fs = []
try:
    while len(fs) < 100000:
        fs.append(open('/tmp/x'))
        if len(fs) % 256 == 0:
            time.sleep_ms(0)
    print('ESCAPED: opened', len(fs))
except (OSError, MemoryError) as e:
    print('stopped after', len(fs), 'open files, errno', e.args[0] if e.args else 'MemoryError')
