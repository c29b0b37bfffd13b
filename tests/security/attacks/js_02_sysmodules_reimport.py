# attack: the old defence undone: delete sys.modules['js'] and import it again, then read process.env
# family: js
# expect: violation
import sys
sys.modules['js'] = None
del sys.modules['js']
import js
print('ESCAPED', js.process.env)
