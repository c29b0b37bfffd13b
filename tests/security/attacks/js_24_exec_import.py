# attack: import js inside exec() with fresh globals, and through compile()
# family: js
# expect: violation
import sys
sys.modules.pop('js', None)
g = {}
exec(compile('import js\nr = js.process', 'x.py', 'exec'), g)
print('ESCAPED', g.get('r'))
