# attack: MicroPython internals: mem_info, qstr_info, stack_use, heap_lock, opt_level, sys.settrace, emergency buffer
# family: js
# expect: exit 0
# out: /no JS reached/
import micropython, sys
micropython.mem_info()
micropython.qstr_info()
print('stack', micropython.stack_use() > 0)
micropython.heap_lock()
micropython.heap_unlock()
micropython.opt_level(3)
print('settrace' in dir(sys))
if hasattr(micropython, 'alloc_emergency_exception_buf'):
    micropython.alloc_emergency_exception_buf(256)
print('no JS reached')
