# attack: import js, then reach the host's globalThis.process
# family: js
# expect: crash /AttributeError/
# out: /js is None/
import js
print('js is', js)
print('ESCAPED', js.process)
