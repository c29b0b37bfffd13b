# attack: an exit code out of range (-1 wraps to 255? 256 wraps to 0?)
# family: forge
# expect: crash /^VM error: a malformed exit call$/
import _kern
_kern.call('exit', 256, '')
