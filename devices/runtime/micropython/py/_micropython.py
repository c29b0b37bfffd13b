# micropython: the VM's own module, with schedule() going into the board's scheduler queue
# (py/_irq.py), the one queue Timer, Pin.irq and ESP-NOW callbacks share, as on the board.
import micropython as _vm

const = _vm.const
opt_level = _vm.opt_level
mem_info = _vm.mem_info
qstr_info = _vm.qstr_info
stack_use = _vm.stack_use
heap_lock = _vm.heap_lock
heap_unlock = _vm.heap_unlock
kbd_intr = _vm.kbd_intr
if hasattr(_vm, 'RingIO'):
    RingIO = _vm.RingIO


def schedule(func, arg):
    # Runs func(arg) at the next safe point (after the current kernel call returns, or while blocked).
    import _irq
    _irq.schedule(func, arg)


def alloc_emergency_exception_buf(size):
    # Room for exceptions raised in hard interrupt handlers: none are hard here.
    pass
