# attack: open the bridge device a second time (it is unlinked after boot), via /proc/self/fd, or by path tricks
# family: bridge
# expect: exit 0
# out: /no second bridge; \[\] \/dev has no k: True/
import vfs  # the VM's own files: the ESP32's flash hides them at /, an attacker mounts them back
vfs.umount('/')
vfs.mount(vfs.VfsPosix(), '/')
import os
opened = []
for p in ('/dev/k', '/dev/../dev/k', '//dev/k', '/proc/self/fd/3', '/proc/self/fd/4', '/proc/self/fd/5', '/proc/self/fd/6'):
    try:
        f = open(p, 'rb')
        b = bytearray(64)
        f.readinto(b)
        opened.append(p)
    except OSError as e:
        pass
print('ESCAPED' if opened else 'no second bridge;', opened, '/dev has no k:', 'k' not in os.listdir('/dev'))
