# attack: read the host's randomness: random without a seed, /dev/urandom, /dev/random, hash and id of fresh objects
# family: determinism
# expect: exit 0
# twice
# out: /urandom [0-9a-f]{32} random [0-9a-f]{32}/
import vfs  # the VM's own files: the ESP32's flash hides them at /, an attacker mounts them back
vfs.umount('/')
vfs.mount(vfs.VfsPosix(), '/')
import random, binascii
print('random', random.getrandbits(30), [random.randint(0, 99) for _ in range(5)], random.random())
print('urandom', binascii.hexlify(open('/dev/urandom', 'rb').read(16)).decode(), 'random', binascii.hexlify(open('/dev/random', 'rb').read(16)).decode())
print('hash', hash('abc'), hash(b'xyz'), 'id', id(object()) & 0xFFFF)
