# attack: make JS throw, catch the JsException and walk the JS error object it carries
# family: js
# expect: violation
import sys
del sys.modules['js']
try:
    import js
    js.undefined_function_xyz()
except BaseException as e:
    print('caught', type(e), e.args)
    print('ESCAPED', e.args[0].constructor)
print('PASS: the trap was caught (it must not be)')
