# attack: read the host's environment and process information, and the canary file, through /proc and host paths
# family: fs
# expect: exit 0
# out: /read: \[\]/
# out: /os has: \[\]/
import vfs  # the VM's own files: the ESP32's flash hides them at /, an attacker mounts them back
vfs.umount('/')
vfs.mount(vfs.VfsPosix(), '/')
found = []
for p in ('/proc/self/environ', '/proc/self/cmdline', '/proc/self/maps', '/proc/self/status', '/proc/1/environ',
          '/etc/passwd', '/etc/hostname', '{{CANARY_FILE}}', '/proc/self/root{{CANARY_FILE}}'):
    try:
        print(open(p).read()[:200])
        found.append(p)
    except OSError as e:
        pass
print('read:', found)
import os
print('os has:', [n for n in ('environ', 'getenv', 'putenv', 'system', 'popen', 'fork', 'execv', 'spawnv', 'kill', 'getpid') if hasattr(os, n)])
