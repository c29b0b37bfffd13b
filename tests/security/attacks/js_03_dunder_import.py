# attack: builtins.__import__('js') after popping it from sys.modules
# family: js
# expect: violation
import builtins, sys
sys.modules.pop('js', None)
js = builtins.__import__('js')
print('ESCAPED', js.globalThis)
