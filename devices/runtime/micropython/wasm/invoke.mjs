// The setjmp/longjmp of the stock build, moved from JavaScript into the wasm.
//
// Emscripten lowered MicroPython's nlr (setjmp/longjmp) the JavaScript way: every call made
// inside a function that called setjmp (mp_execute_bytecode runs every Python frame under an
// nlr_push) goes through an imported trampoline invoke_<sig>(fnIndex, ...args), whose glue
// saves the stack pointer, looks the function up in the table (the glue even asserts the
// table mirror on every call) and calls it inside a JavaScript try; a longjmp is
// `_emscripten_throw_longjmp()`, a JavaScript `throw Infinity` caught there (stack pointer
// restored, setThrew(1, 0), the caller's setjmp dispatch takes over). A kernel call from
// Python crossed that boundary ~50 times.
//
// This pass defines the same trampolines inside the module with wasm exception handling
// (the legacy try/catch V8 ships since 9.5): a tag $ljmp, _emscripten_throw_longjmp becomes
// `throw $ljmp`, and invoke_<sig> is `try { call_indirect } catch $ljmp { sp = saved;
// setThrew(1, 0); return 0 }`. Only that tag is caught: a JavaScript exception thrown by an
// import (the sandbox's own unwinding, a violation) and traps pass through, as they pass
// through the glue's `if (e !== e + 0) throw e` (which restored the stack pointer first:
// the VM is ending then, nothing reads it). The glue's trampolines are then never imported.
import binaryen from 'binaryen';
import { check } from './passes.mjs';

const TAG = 'gcp_ljmp';

/** Replaces the env.invoke_* and env._emscripten_throw_longjmp imports by wasm code; returns how many trampolines. */
export function inlineInvokes(m, { sp, setThrew }) {
  const B = binaryen;
  const invokes = [];
  let thrower = null;
  for (let i = 0; i < m.getNumFunctions(); i++) {
    const fi = B.getFunctionInfo(m.getFunctionByIndex(i));
    if (fi.module !== 'env') continue;
    if (/^invoke_[vi]i*$/.test(fi.base)) invokes.push(fi);
    else if (fi.base === '_emscripten_throw_longjmp') thrower = fi;
  }
  check(invokes.length > 0 && thrower, 'no setjmp/longjmp trampolines (invoke_*, _emscripten_throw_longjmp) to move into the wasm');
  check(m.getNumTables() === 1, 'expected one function table');
  const table = B.getTableInfo(m.getTableByIndex(0)).name;
  const st = B.getFunctionInfo(m.getFunction(setThrew));
  check(B.expandType(st.params).length === 2 && st.results === B.none, 'setThrew is not (i32, i32) -> void');
  m.setFeatures(m.getFeatures() | B.Features.ExceptionHandling);
  m.addTag(TAG, B.none, B.none);
  const i32 = B.i32;
  for (const fi of invokes) {
    const params = B.expandType(fi.params);
    check(params.length >= 1 && params.every((t) => t === i32) && (fi.results === B.none || fi.results === i32), `unexpected trampoline ${fi.base}`);
    const args = params.slice(1).map((_, k) => m.local.get(k + 1, i32));
    const spLocal = params.length; // the one extra local: the stack pointer at entry
    const call = m.call_indirect(table, m.local.get(0, i32), args, B.createType(params.slice(1)), fi.results);
    const caught = [m.global.set(sp, m.local.get(spLocal, i32)), m.call(setThrew, [m.i32.const(1), m.i32.const(0)], B.none)];
    if (fi.results === i32) caught.push(m.i32.const(0));
    const body = m.block(null, [m.local.set(spLocal, m.global.get(sp, i32)), m.try(null, call, [TAG], [m.block(null, caught, fi.results)], null)], fi.results);
    m.removeFunction(fi.name);
    m.addFunction(fi.name, fi.params, fi.results, [i32], body);
  }
  m.removeFunction(thrower.name);
  m.addFunction(thrower.name, thrower.params, thrower.results, [], m.throw(TAG, []));
  return invokes.length;
}
