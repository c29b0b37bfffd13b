# attack: raise and catch every builtin exception type; look for JS objects in args, tracebacks, context
# family: js
# expect: exit 0
# out: /exception types: \d+; JS objects attached: \[\]/
import builtins
found = []
n = 0
for name in dir(builtins):
    t = getattr(builtins, name)
    if isinstance(t, type) and issubclass(t, BaseException):
        n += 1
        try:
            raise t('x')
        except BaseException as e:
            for a in ('args', '__traceback__', '__context__', '__cause__', 'value', 'errno'):
                v = getattr(e, a, None)
                if v is not None and 'Js' in type(v).__name__:
                    found.append((name, a))
print('exception types: %d; JS objects attached: %s' % (n, found))
