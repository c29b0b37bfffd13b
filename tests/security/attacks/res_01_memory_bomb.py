# attack: exhaust memory without a single kernel call: the allocation fails inside the VM (a catchable MemoryError) and the script goes on
# family: resources
# expect: exit 0
# out: /MemoryError after \d+ KiB; collected: True; still running/
import gc
keep = []
try:
    while True:
        keep.append(bytearray(16384))
except MemoryError:
    n = len(keep)
keep = None
gc.collect()
print('MemoryError after %d KiB; collected: %s; still running' % (n * 16, gc.mem_free() > 16384))
