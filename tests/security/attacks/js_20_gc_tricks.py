# attack: make and drop JS module objects, collect garbage (finalisers), then use the module
# family: js
# expect: violation
import gc, sys
for i in range(5):
    sys.modules.pop('js', None)
    gc.collect()
print('gc survived', gc.mem_alloc() > 0)
sys.modules.pop('js', None)
import js
print('ESCAPED', js.process)
