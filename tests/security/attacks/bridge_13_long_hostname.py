# attack: a 5000-byte hostname (before the fix it reached the DHCP encoder, whose RangeError, rethrown by xstate from a timer, ended the whole host process; see stack.test.ts)
# family: bridge
# expect: exit 0
# out: /ValueError 5000\nValueError 32\nOS refused: (22|1)\n/
import network, json, _kern
w = network.WLAN(network.STA_IF)
for h in ('x' * 5000, 'y' * 32):
    try:
        w.config(hostname=h)
        print('accepted', len(h))
    except ValueError:
        print('ValueError', len(h))
try:
    _kern.call('wlan.setconfig', 0, json.dumps({'dhcp_hostname': 'q' * 5000}))
    print('accepted raw')
except OSError as e:
    print('OS refused:', e.args[0])
