# attack: seek 1 GiB past the end and write one byte (the FS would allocate the whole gap at once)
# family: fs
# expect: exit 0
# out: /refused, errno 51/
import vfs  # the VM's own files: the ESP32's flash hides them at /, an attacker mounts them back
vfs.umount('/')
vfs.mount(vfs.VfsPosix(), '/')
try:
    f = open('/tmp/sparse', 'wb')
    f.seek(1 << 30)
    f.write(b'x')
    f.close()
    import os
    print('ESCAPED: 1 GiB sparse file', os.stat('/tmp/sparse')[6])
except OSError as e:
    print('refused, errno', e.args[0])
