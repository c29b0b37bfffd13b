# attack: kernel calls on pin numbers the board does not have: before the fix each new number kept a pin record in host memory
# family: resources
# expect: exit 0
# out: /\[22, 22, 22, 22, 22\]; real pin ok/
import _kern
r = []
for pin in (40, 1000, -1, 2 ** 31 - 1, 2.5):
    try:
        _kern.call('pin.read', pin)
        r.append('kept')
    except OSError as e:
        r.append(e.args[0])
_kern.call('pin.write', 2, 1)
print(r, end='; ')
print('real pin ok' if _kern.call('pin.read', 2) == 1 else 'broken')
