import _k, sys
src = '''
def f(n):
    _k.call(n)
    return [str(i) * 2 for i in range(n)]
class K:
    class Inner:
        v = [_k.call(1)] * 3
    w = {'a': Inner.v}
result = (f(5), K.w, K.Inner.v)
'''
out = []
for i in range(20):
    g = {'_k': _k}
    exec(src, g)
    out.append(g['result'][0][-1] + str(len(g['result'][1]['a'])))
    code = compile('x * 2 + len(str(_k.call(x)))', '<e>', 'eval')
    out.append(eval(code, {'x': i, '_k': _k}))
print(out)
with open('/gcp_mod_%d.py' % 1, 'w') as fh:
    fh.write('import _k\nDATA = [str(_k.call(i)) for i in range(50)]\ndef get():\n    return DATA[::7]\n')
sys.path.insert(0, '/')
import gcp_mod_1
print(gcp_mod_1.get(), len(gcp_mod_1.DATA))
def nested_exec(d):
    if d == 0:
        return eval('[_k.call(7)] * 2', {'_k': _k})
    g = {'nested_exec': nested_exec, 'd': d}
    exec('r = nested_exec(d - 1) + [d]', g)
    return g['r']
print(nested_exec(8))
print([eval(compile(str(i) + '+1', 's', 'eval')) for i in range(10)])
