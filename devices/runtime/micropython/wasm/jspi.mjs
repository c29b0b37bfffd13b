// Suspendable kernel calls (JSPI): the wasm side of hosting several VMs in one worker thread.
//
// A VM that shares its thread with others cannot block it while the host works out an answer:
// its wasm stack is set aside instead (JavaScript Promise Integration, V8 11.3's first form:
// the suspender travels as an externref first parameter). This pass adds that plumbing and
// changes nothing else: a global $gcp_susp (externref), an export `<name>_s(susp, ...args)` per
// named export that stores the suspender there and calls the original, and, per named import,
// a new import `gcp_<base>_s(susp, ...args)` that every call of the old import now reaches with
// the stored suspender. A host that does not suspend passes null and plain functions (the VM's
// JavaScript, kernel.js, then ignores the first argument), so one build serves both ways.
import binaryen from 'binaryen';
import { check } from './passes.mjs';

export const SUSPENDER = 'gcp_susp';

/** imports: ['module.base', ...], exports: [name, ...]; returns the new import and export names. */
export function suspendableCalls(m, { imports, exports }) {
  const B = binaryen;
  m.setFeatures(m.getFeatures() | B.Features.ReferenceTypes);
  const ext = B.externref;
  m.addGlobal(SUSPENDER, ext, true, m.ref.null(ext));
  const done = { imports: [], exports: [] };
  for (const want of imports) {
    let fi = null;
    for (let i = 0; i < m.getNumFunctions() && !fi; i++) {
      const f = B.getFunctionInfo(m.getFunctionByIndex(i));
      if (f.module && `${f.module}.${f.base}` === want) fi = f;
    }
    check(fi, `import ${want} not found`);
    const params = B.expandType(fi.params);
    const inner = `gcp_${fi.base}_s`;
    m.addFunctionImport(inner, fi.module === 'wasi_snapshot_preview1' ? 'env' : fi.module, inner, B.createType([ext, ...params]), fi.results);
    const args = params.map((t, k) => m.local.get(k, t));
    m.removeFunction(fi.name);
    m.addFunction(fi.name, fi.params, fi.results, [], m.call(inner, [m.global.get(SUSPENDER, ext), ...args], fi.results));
    done.imports.push(inner);
  }
  for (const name of exports) {
    const e = m.getExport(name);
    check(e, `export ${name} not found`);
    const info = B.getExportInfo(e);
    check(info.kind === B.ExternalFunction, `export ${name} is not a function`);
    const fi = B.getFunctionInfo(m.getFunction(info.value));
    const params = B.expandType(fi.params);
    const args = params.map((t, k) => m.local.get(k + 1, t));
    const body = m.block(null, [m.global.set(SUSPENDER, m.local.get(0, ext)), m.call(fi.name, args, fi.results)], fi.results);
    m.addFunction(`${name}_s`, B.createType([ext, ...params]), fi.results, [], body);
    m.addFunctionExport(`${name}_s`, `${name}_s`);
    done.exports.push(`${name}_s`);
  }
  return done;
}
