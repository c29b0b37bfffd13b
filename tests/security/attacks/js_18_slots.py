# attack: reach the js module's attributes through other slots: object.__getattribute__, __dict__, type(js).__getattr__
# family: js
# expect: violation
import sys
del sys.modules['js']
import js
for name, f in (('object.__getattribute__', lambda: object.__getattribute__(js, 'process')),
                ('__dict__', lambda: js.__dict__),
                ('type(js).__getattr__', lambda: type(js).__getattr__(js, 'process'))):
    try:
        print('ESCAPED', name, f())
    except Exception as e:
        print(name, type(e).__name__)
