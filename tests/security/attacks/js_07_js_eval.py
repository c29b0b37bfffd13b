# attack: js.eval of JavaScript source
# family: js
# expect: violation
import sys
del sys.modules['js']
import js
print('ESCAPED', js.eval("typeof process"))
