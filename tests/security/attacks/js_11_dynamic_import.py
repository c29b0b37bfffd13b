# attack: a dynamic import() of node:fs fired from JavaScript, read the canary file
# family: js
# expect: violation
import sys
del sys.modules['js']
import js
p = js.eval("import('node:fs').then(fs => fs.readFileSync('{{CANARY_FILE}}', 'utf8'))")
print('ESCAPED', p)
