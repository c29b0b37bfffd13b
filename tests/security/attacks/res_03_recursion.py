# attack: unbounded Python recursion, then again inside a generator and a class method
# family: resources
# expect: exit 0
# out: /RuntimeError maximum recursion depth exceeded ×3; alive/
def f(n):
    return f(n + 1) + 1
def g(n):
    yield from g(n + 1)
class C:
    def m(self, n):
        return self.m(n + 1)
msgs = []
for run in (lambda: f(0), lambda: list(g(0)), lambda: C().m(0)):
    try:
        run()
    except RuntimeError as e:
        msgs.append(str(e))
assert len(set(msgs)) == 1 and len(msgs) == 3, msgs
print('RuntimeError %s ×3; alive' % msgs[0])
