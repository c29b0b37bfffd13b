# attack: an exit call with a non-integer code (0.5): before the fix it was recorded as exit code 0.5
# family: forge
# expect: crash /^VM error: a malformed exit call$/
import _kern
_kern.call('exit', 0.5, '')
