# attack: process.mainModule.require('child_process').execSync: start a shell on the host
# family: js
# expect: violation
import sys
del sys.modules['js']
import js
cp = js.process.mainModule.require('child_process')
cp.execSync('touch {{PWNED}}')
print('ESCAPED', cp)
