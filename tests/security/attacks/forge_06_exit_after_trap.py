# attack: trap the VM in a finally block's shadow: a violation inside try/finally whose finally calls exit(0)
# family: forge
# expect: violation
import _kern, sys
try:
    del sys.modules['jsffi']
    import jsffi
    jsffi.to_js(1)
finally:
    _kern.call('exit', 0, '')
