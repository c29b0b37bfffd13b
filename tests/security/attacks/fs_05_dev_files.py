# attack: write to and read from the devices in /dev (tty, stdout, stderr, null, random, urandom, stdin, shm)
# family: fs
# expect: exit 0
# out: /to \/dev\/stdout\nto \/dev\/stderr/
# out: /stdin: b''/
import vfs  # the VM's own files: the ESP32's flash hides them at /, an attacker mounts them back
vfs.umount('/')
vfs.mount(vfs.VfsPosix(), '/')
import os
for p in ('/dev/tty', '/dev/tty1', '/dev/stdout', '/dev/stderr', '/dev/null'):
    try:
        with open(p, 'w') as f:
            f.write('to ' + p + '\n')
    except OSError as e:
        print(p, 'errno', e.args[0])
print('urandom', len(open('/dev/urandom', 'rb').read(16)), len(open('/dev/random', 'rb').read(16)))
print('stdin:', repr(open('/dev/stdin', 'rb').read(10)))
print('shm', os.listdir('/dev/shm'))
