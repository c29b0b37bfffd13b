# attack: loop on op-name interning, source reads and the boot's _ready (runtime-internal answers) to dodge the watchdog
# family: bridge
# expect: watchdog
# watchdog: 250
import _kern
print('looping')
for i in range(30000):  # bounded, so that a regression fails this test instead of hanging it
    _kern._intern('write')
    _kern.call('source', 0)
    _kern.call('_ready')
print('the host answered its own requests: no watchdog')
