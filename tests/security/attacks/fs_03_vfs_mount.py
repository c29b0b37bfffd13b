# attack: mount a VfsPosix of '/' (a host file system in the unix port) and look for the host's files through it
# family: fs
# expect: exit 0
# out: /host files through vfs: \[\]/
import os, vfs
os.mkdir('/host')
os.mount(vfs.VfsPosix('/'), '/host')
canary_dir = '{{CANARY_FILE}}'.rsplit('/', 1)[0]
seen = []
for p in ('/host/usr', '/host/etc/passwd', '/host' + canary_dir, '/host{{CANARY_FILE}}', '/host{{REPO}}/package.json'):
    try:
        os.stat(p)
        seen.append(p)
    except OSError:
        pass
print('mounted; /host holds', sorted(os.listdir('/host')))
print('host files through vfs:', seen)
