# attack: jsffi.mem_info() (asks the JS side about its proxy tables)
# family: js
# expect: violation
import sys
del sys.modules['jsffi']
import jsffi
print('ESCAPED', jsffi.mem_info())
