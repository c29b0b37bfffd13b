# attack: js.Function('return process')()
# family: js
# expect: violation
import sys
del sys.modules['js']
import js
print('ESCAPED', js.Function('return process')())
