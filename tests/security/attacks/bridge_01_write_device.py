# attack: write raw request bytes to the kernel device (the bridge only does read(); write is refused)
# family: bridge
# expect: exit 0
# out: /write refused, errno \d+/
import _kern
try:
    _kern._dev.write(b'\x02\x7f\x00\x00' * 16)
    print('ESCAPED: raw write accepted')
except OSError as e:
    print('write refused, errno', e.args[0])
