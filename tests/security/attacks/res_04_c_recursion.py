# attack: recursion in the VM's C code: repr/str/json.dumps of a deeply nested list (caught), then == of two (no depth check in C: the wasm stack runs out and only this VM dies)
# family: resources
# expect: crash /^VM error: the VM trapped/
# out: /\['maximum recursion depth exceeded', 'maximum recursion depth exceeded', 'maximum recursion depth exceeded'\]/
import json
N = 1500
d = []
for i in range(N):
    d = [d]
r = []
for f in (lambda: repr(d), lambda: json.dumps(d), lambda: str(d)):
    try:
        f()
        r.append('ok')
    except RuntimeError as e:
        r.append(str(e))
print(r)
d2 = []
for i in range(N):
    d2 = [d2]
print(d == d2)
print('ESCAPED? the C stack has no end')
