# attack: reach the host file system from the emscripten FS: the repository, node, the canary's folder, path traversal; NODEFS must be absent
# family: fs
# expect: exit 0
# out: /host paths seen: \[\]/
# out: /root: \['tmp', 'home', 'dev', 'proc', '\.frozen'\]/
import vfs  # the VM's own files: the ESP32's flash hides them at /, an attacker mounts them back
vfs.umount('/')
vfs.mount(vfs.VfsPosix(), '/')
import os
seen = []
canary_dir = '{{CANARY_FILE}}'.rsplit('/', 1)[0]
for p in ('{{REPO}}/package.json', '{{REPO}}', '/usr/bin/node', '/usr', '/etc', '/root', '/work', '../../../../etc/passwd',
          '/node_modules', canary_dir, '/proc/self/cwd', '/proc/self/exe', '/dev/shm/..' + canary_dir):
    try:
        os.stat(p)
        seen.append(p)
    except OSError:
        pass
print('host paths seen:', seen)
print('root:', os.listdir('/'))
