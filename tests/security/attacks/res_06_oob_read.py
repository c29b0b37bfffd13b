# attack: read and write far outside linear memory through uctypes (the wasm bounds check traps this VM only)
# family: resources
# expect: crash /^VM error: the VM trapped/
import uctypes
print('before')
print('ESCAPED', uctypes.bytearray_at(0x7FFF0000, 16)[0])
