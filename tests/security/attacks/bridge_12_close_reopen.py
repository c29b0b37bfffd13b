# attack: close the bridge, then look for another path to it (/dev/random shared its device number before the fix), and use it
# family: bridge
# expect: crash /^VM error: the VM stopped$/
# out: /bridges found: \[\]/
import vfs  # the VM's own files: the ESP32's flash hides them at /, an attacker mounts them back
vfs.umount('/')
vfs.mount(vfs.VfsPosix(), '/')
import _kern, os, array
_kern._dev.close()
found = []
paths = ['/dev/' + n for n in os.listdir('/dev')] + ['/proc/self/fd/%d' % i for i in range(8)]
for p in paths:
    try:
        f = open(p, 'rb')
    except OSError:
        continue
    h = array.array('i', [0] * 16)
    h[0] = 0x7F03  # REFETCH: only the bridge device answers it (kind/length words)
    h[11] = 12345
    try:
        f.readinto(h)
    except OSError:
        continue
    if h[11] != 12345 and h[11] in range(9):
        found.append(p)
print('bridges found:', found)
