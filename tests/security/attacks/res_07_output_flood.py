# attack: 8 MB of output in large writes: linear cost, bounded memory (the console keeps a tail)
# family: resources
# expect: exit 0
# out: /y\ndone\n$/
import sys
s = 'y' * 8191 + '\n'
for i in range(1024):
    sys.stdout.write(s)
print('done')
