# attack: .constructor.constructor from any JS value to Function, then to process.env
# family: js
# expect: violation
import sys
del sys.modules['js']
import js
ctor = js.Object.constructor.constructor
print('ESCAPED', ctor('return globalThis.process.env')())
