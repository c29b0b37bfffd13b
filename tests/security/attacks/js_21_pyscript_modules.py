# attack: the pyscript build's other JS-facing modules (pyscript, _pyscript, pyodide, emscripten, ffi)
# family: js
# expect: exit 0
# out: /importable after del: \[\]/
import sys
ok = []
for n in ('pyscript', '_pyscript', 'pyodide', 'emscripten', 'ffi', '_js', 'js_module'):
    sys.modules.pop(n, None)
    try:
        __import__(n)
        ok.append(n)
    except ImportError:
        pass
print('importable after del:', ok)
