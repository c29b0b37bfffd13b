# attack: print 6 MB without one kernel call: before the fix it piled up in one host string until the next call (unbounded); now it streams as writes
# family: resources
# expect: exit 0
# out: /end of flood/
s = 'z' * 1023
for i in range(6 * 1024):
    print(s)
print('end of flood')
