# attack: create files and directories without end (every FS node is a JavaScript object in the VM thread)
# family: fs
# expect: exit 0
# out: /node quota hit after \d+ files, errno 51/
import vfs  # the VM's own files: the ESP32's flash hides them at /, an attacker mounts them back
vfs.umount('/')
vfs.mount(vfs.VfsPosix(), '/')
import os, time
n = 0
try:
    os.mkdir('/tmp/d')
    while n < 200000:
        open('/tmp/d/f%d' % n, 'w').close()
        n += 1
        if n % 256 == 0:
            time.sleep_ms(0)
    print('ESCAPED: created', n, 'files')
except OSError as e:
    print('node quota hit after', n, 'files, errno', e.args[0])
