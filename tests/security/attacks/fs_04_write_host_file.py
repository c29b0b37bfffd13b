# attack: write the file the test checks on the host ({{PWNED}}), creating its folders if needed
# family: fs
# expect: exit 0
# out: /written inside the VM only/
import os
path = '{{PWNED}}'
parts = path.split('/')[1:-1]
d = ''
for p in parts:
    d += '/' + p
    try:
        os.mkdir(d)
    except OSError:
        pass
with open(path, 'w') as f:
    f.write('pwned')
print('written inside the VM only:', open(path).read())
