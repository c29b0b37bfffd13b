# attack: over-long names and paths: a 256-byte name, 30 levels of 255-byte names, the cwd of that (bounded: the FS refuses or the VM alone pays)
# family: fs
# expect: exit 0
# out: /long name: (accepted|errno \d+); depth 30 reached; cwd: (errno \d+|\d+ chars)/
import vfs  # the VM's own files: the ESP32's flash hides them at /, an attacker mounts them back
vfs.umount('/')
vfs.mount(vfs.VfsPosix(), '/')
import os
try:
    os.mkdir('/tmp/' + 'x' * 256)
    r = 'long name: accepted'
except OSError as e:
    r = 'long name: errno %d' % e.args[0]
name = 'd' * 255
os.chdir('/tmp')
for depth in range(30):
    os.mkdir(name)
    os.chdir(name)
r += '; depth %d reached' % (depth + 1)
try:
    r += '; cwd: %d chars' % len(os.getcwd())
except OSError as e:
    r += '; cwd: errno %d' % e.args[0]
print(r)
