# attack: replace _boot's exception formatter and _kern.call so that a sandbox violation is reported as exit 0
# family: forge
# expect: violation
import _boot, _kern, sys
real = _kern.call
def fake(op, *a):
    return real('exit', 0, '') if op == 'exit' else real(op, *a)
_kern.call = fake
_boot.call = fake
_boot._format = lambda e, lines: ''
del sys.modules['js']
import js
js.process
