# attack: fill the in-memory FS (its data lives in the VM thread's JavaScript heap, outside the wasm cap) with one huge file
# family: fs
# expect: exit 0
# out: /FS quota hit after \d+ KiB, errno 51/
import vfs  # the VM's own files: the ESP32's flash hides them at /, an attacker mounts them back
vfs.umount('/')
vfs.mount(vfs.VfsPosix(), '/')
import time
blk = bytes(16384)
n = 0
try:
    with open('/tmp/big', 'wb') as f:
        while n < 16384:  # up to 256 MiB
            f.write(blk)
            n += 1
            if n % 64 == 0:
                time.sleep_ms(0)
    print('ESCAPED: wrote', n * 16 // 1024, 'MiB into the FS')
except OSError as e:
    print('FS quota hit after', n * 16, 'KiB, errno', e.args[0])
