# attack: set the answer's callbacks-due word and the kernel's hook to run code in the bridge's place
# family: forge
# expect: crash /RuntimeError: still failing/
import _kern
_kern.on_pending = lambda: print('hook ran')
_kern._h[15] = 5
print(_kern.call('time.ticks_ms') >= 0)
raise RuntimeError('still failing')
