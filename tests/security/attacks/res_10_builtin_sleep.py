# attack: the build's own time.sleep busy-waits on ticks that only move with kernel calls (virtual): no JS timer, the watchdog ends it
# family: resources
# expect: watchdog
# watchdog: 250
import sys
for k in ('time', 'utime'):
    sys.modules.pop(k, None)
import time
print('ticks before', time.ticks_ms())
time.sleep(0.01)
print('ESCAPED? slept on a real clock')
