# attack: an exit call with True / a string code / a non-string reason
# family: forge
# expect: crash /^VM error: a malformed exit call$/
import _kern
_kern.call('exit', '0', 5)
