# attack: the board's flash (the host keeps it, per board): one huge file, files without end, a sparse seek, traversal to host paths, over-long names; the flash's size is the quota
# family: fs
# expect: exit 0
# only: esp32
# out: /big: errno 28 after 2032 KiB/
# out: /inodes: errno 28 after \d{4,5} files/
# out: /sparse: errno 28, size 0/
# out: /host: \[\]/
# out: /long: errno 36; path: errno 36/
import os, time
f = open('big', 'wb')
n = 0
try:
    while n < 100000:
        f.write(bytes(2048))
        n += 2
except OSError as e:
    print('big: errno', e.errno, 'after', n, 'KiB')
f.close()
os.remove('big')
os.mkdir('d')
n = 0
try:
    while n < 200000:
        open('d/%s%d' % ('n' * 200, n), 'w').close()
        n += 1
        if n % 1024 == 0:
            time.sleep_ms(0)
except OSError as e:
    print('inodes: errno', e.errno, 'after', n, 'files')
f = open('sparse', 'wb')
f.seek(1 << 30)
try:
    f.write(b'x')
except OSError as e:
    print('sparse: errno %d, size %d' % (e.errno, os.stat('sparse')[6]))
seen = []
for p in ('/etc/passwd', '../../../../etc/passwd', '/proc/self/environ', '{{CANARY_FILE}}', '/../' * 20 + 'etc/hostname', '{{REPO}}/package.json'):
    try:
        open(p).read()
        seen.append(p)
    except OSError:
        pass
print('host:', seen)
r = []
for p in ('x' * 256, '/'.join(['y' * 200] * 8)):
    try:
        os.mkdir(p)
        r.append('accepted')
    except OSError as e:
        r.append('errno %d' % e.errno)
print('long: %s; path: %s' % tuple(r))
