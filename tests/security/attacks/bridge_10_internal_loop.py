# attack: loop on a call the runtime answers itself (config): before the fix every answer restarted the watchdog and the host was stuck in the loop (no virtual time, no wall-clock limit)
# family: bridge
# expect: watchdog
# watchdog: 250
import _kern
print('looping')
for i in range(100000):  # bounded, so that a regression fails this test instead of hanging it
    _kern.call('config')
print('the host answered 100000 of its own requests: no watchdog')
