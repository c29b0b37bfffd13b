# attack: scribble over the VM's own memory with uctypes (data, function table indices, GC heap): only this VM may die
# family: resources
# expect: crash /^(VM error: the VM trapped|VM error: the VM aborted|Watchdog)/
# watchdog: 1000
import uctypes
m = uctypes.bytearray_at(1024, 65536)
for i in range(0, 65536, 4):
    m[i] = 0xFF
print('scribbled; still alive?')
import time
time.sleep_ms(1)
print('a scribbled VM may run on for a while')
