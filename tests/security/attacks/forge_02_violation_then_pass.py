# attack: catch the sandbox trap and carry on as if nothing happened: print PASS and sys.exit(0)
# family: forge
# expect: violation
import sys
try:
    del sys.modules['js']
    import js
    js.process
except BaseException as e:
    print('caught', e)
print('PASS')
sys.exit(0)
