// patchMicroPythonWasm: turns the stock @micropython/micropython-webassembly-pyscript 1.27.0
// micropython.wasm (MICROPY_GC_SPLIT_HEAP_AUTO, gc_collect() a no-op) into a build with
//   * a real, conservative gc_collect(): roots + pystack + the whole live C shadow stack;
//   * every i32 wasm local that is live across a call spilled to the shadow stack
//     (binaryen flatten + spill-pointers), so the stack scan sees what C keeps in wasm locals;
//   * a fixed-size GC heap (gc_get_max_new_split() returns opts.maxNewSplit, default 0),
//     so exhausting it raises MemoryError inside the VM after a real collection;
//   * the allocation-threshold GC that mp_js_init arms (16 KiB) disabled by default
//     (board-like: collect only on exhaustion or gc.collect(); gc.threshold() still works);
//   * new exports: gcp_collect() (force a collection from JS, e.g. inside a kernel call),
//     gcp_count() (number of collections run), gcp_stack_base(), and memory limits rewritten.
//
// Usage: patchMicroPythonWasm(bytes, opts) -> Uint8Array. Throws if bytes is not the expected build.
import crypto from 'node:crypto';
import binaryen from 'binaryen';
import { withGlobalNames, stripCustom, memoryLimits, setMemoryLimits } from './binary.mjs';
import { check, children, collect, compactSpillFrames, constVal, exposeI64ToSpill, walk } from './passes.mjs';
import { inlineInvokes } from './invoke.mjs';
import { suspendableCalls } from './jspi.mjs';

export const EXPECTED_SHA256 = '06338c955b03c5700aa0069015d3e392d76836ef8e2ce25bedbe59b88ccd373c';

const SPLIT_AUTO_DEFAULT = 128 * 1024 * 1024; // gc_get_max_new_split() constant in ports/webassembly/main.c

export const DEFAULTS = {
  spill: true, // flatten + spill-pointers (required for collections while C frames are live)
  optimizeLevel: 2, // binaryen -O level after spilling (0 = none)
  maxNewSplit: 0, // bytes gc_get_max_new_split() returns: 0 = fixed heap
  allocThreshold: -1, // blocks; -1 = off (board default); null = keep the port's 16 KiB
  initialPages: 4, // memory initial pages (stock: 259 = 16.2 MiB); must cover static data (3 pages here)
  maxPages: 256, // memory maximum pages: the engine's hard cap (16 MiB; stock: 32768 = 2 GiB); the worker caps each VM lower; null = keep
  allowUnknownBuild: false, // skip the sha256 check (structural checks still apply)
  cstackLimit: 49152, // bytes for mp_cstack_init_with_sp_here (port: 32768 of the 64 KiB stack); null = keep
  compactSpills: true,
  spillI64: true, // also spill i64 locals (as two i32 halves) live across calls // give spill slots only to locals that are spilled somewhere
  wasmLongjmp: true, // setjmp/longjmp trampolines inside the wasm (wasm exceptions) instead of the glue's JavaScript (invoke.mjs)
  suspendable: true, // kernel calls that can set the VM's stack aside (jspi.mjs): several VMs per worker thread
};


export function patchMicroPythonWasm(bytes, options = {}) {
  const opts = { ...DEFAULTS, ...options };
  bytes = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const sha = crypto.createHash('sha256').update(bytes).digest('hex');
  if (!opts.allowUnknownBuild) check(sha === EXPECTED_SHA256, `sha256 ${sha} is not the expected ${EXPECTED_SHA256}`);

  // ---- 1. find the stack pointer global through emscripten_stack_get_current, name it ----------
  let m = binaryen.readBinary(bytes);
  const exportsByName = new Map();
  for (let i = 0; i < m.getNumExports(); i++) {
    const e = binaryen.getExportInfo(m.getExportByIndex(i));
    exportsByName.set(e.name, e);
  }
  const fnOfExport = (name) => {
    const e = exportsByName.get(name);
    check(e && e.kind === binaryen.ExternalFunction, `missing function export ${name}`);
    return e.value;
  };
  const bodyOf = (fname) => binaryen.getFunctionInfo(m.getFunction(fname)).body;
  const spInfo = binaryen.getExpressionInfo(bodyOf(fnOfExport('emscripten_stack_get_current')));
  check(spInfo.id === binaryen.GlobalGetId, 'emscripten_stack_get_current is not a plain global.get');
  const spGlobalName = spInfo.name;
  const baseInfo = binaryen.getExpressionInfo(bodyOf(fnOfExport('emscripten_stack_get_base')));
  check(baseInfo.id === binaryen.GlobalGetId, 'emscripten_stack_get_base is not a plain global.get');
  let spIndex = -1;
  for (let i = 0; i < m.getNumGlobals(); i++) {
    if (binaryen.getGlobalInfo(m.getGlobalByIndex(i)).name === spGlobalName) spIndex = i;
  }
  const spG = binaryen.getGlobalInfo(m.getGlobal(spGlobalName));
  check(spIndex >= 0 && spG.mutable && spG.type === binaryen.i32 && !spG.module, 'stack pointer global not found');
  const restore = binaryen.getExpressionInfo(bodyOf(fnOfExport('_emscripten_stack_restore')));
  check(restore.id === binaryen.GlobalSetId && restore.name === spGlobalName, '_emscripten_stack_restore does not set the stack pointer');
  m.dispose();
  // binaryen's spill-pointers finds the stack pointer by the name __stack_pointer.
  m = binaryen.readBinary(withGlobalNames(bytes, new Map([[spIndex, '__stack_pointer']])));
  const SP = '__stack_pointer';
  const STACK_BASE_GLOBAL = baseInfo.name;

  // ---- 2. locate the GC functions structurally ------------------------------------------------
  // imports: function name -> {module, base}
  const importOf = (fname) => {
    const fi = binaryen.getFunctionInfo(m.getFunction(fname));
    return fi.module ? fi.module + '.' + fi.base : null;
  };
  // table: index -> function name (active segment(s) at constant offsets)
  const table = new Map();
  for (let i = 0; i < m.getNumElementSegments(); i++) {
    const es = binaryen.getElementSegmentInfo(m.getElementSegmentByIndex(i));
    const off = constVal(es.offset);
    check(off !== undefined, 'element segment with non-constant offset');
    es.data.forEach((fn, k) => table.set(off + k, fn));
  }
  // mp_js_do_exec ends with external_call_depth_dec(), called via invoke_v(tableIndex) (setjmp lowering).
  const doExec = fnOfExport('mp_js_do_exec');
  const invokeV = collect(bodyOf(doExec))
    .filter((i) => i.id === binaryen.CallId && importOf(i.target) === 'env.invoke_v' && i.operands.length === 1)
    .map((i) => table.get(constVal(i.operands[0])));
  // external_call_depth_dec: depth--, if (!depth && pending) { pending = 0; gc_collect_start(); gc_collect_end(); }
  let dec = null, collectStart = null, collectEnd = null, pendingAddr = null;
  for (const cand of new Set(invokeV)) {
    const ins = collect(bodyOf(cand));
    const calls = ins.filter((i) => i.id === binaryen.CallId);
    const st8 = ins.filter((i) => i.id === binaryen.StoreId && i.bytes === 1);
    const ld8 = ins.filter((i) => i.id === binaryen.LoadId && i.bytes === 1);
    if (calls.length === 2 && calls.every((c) => c.operands.length === 0) && st8.length === 1 && ld8.length === 1 &&
        constVal(st8[0].value) === 0 && st8[0].offset === ld8[0].offset) {
      check(!dec, 'external_call_depth_dec is ambiguous');
      dec = cand; collectStart = calls[0].target; collectEnd = calls[1].target; pendingAddr = st8[0].offset + (constVal(st8[0].ptr) ?? NaN);
    }
  }
  check(dec, 'external_call_depth_dec / gc_collect_top_level not found');
  // gc_collect(): body is exactly "gc_collect_pending = true" (store8 pendingAddr, 1).
  // gc_get_max_new_split(): body is exactly the constant 128 MiB.
  let gcCollect = null, maxNewSplit = null;
  for (let i = 0; i < m.getNumFunctions(); i++) {
    const fi = binaryen.getFunctionInfo(m.getFunctionByIndex(i));
    if (fi.module || !fi.body) continue;
    const b = binaryen.getExpressionInfo(fi.body);
    if (b.id === binaryen.StoreId && b.bytes === 1 && constVal(b.value) === 1 && b.offset + constVal(b.ptr) === pendingAddr &&
        fi.params === binaryen.none && fi.results === binaryen.none) {
      check(!gcCollect, 'gc_collect is ambiguous'); gcCollect = fi.name;
    }
    if (b.id === binaryen.ConstId && b.value === SPLIT_AUTO_DEFAULT && fi.params === binaryen.none && fi.results === binaryen.i32) {
      check(!maxNewSplit, 'gc_get_max_new_split is ambiguous'); maxNewSplit = fi.name;
    }
  }
  check(gcCollect && maxNewSplit, 'gc_collect / gc_get_max_new_split not found');
  // gc_collect_start: sets the collect flag (store16 ctx+LOCK |= 1), zeroes gc_alloc_amount / gc_stack_overflow,
  // then scans the root block and [pystack_start, pystack_cur).  Read the mp_state_ctx layout from it.
  const cs = collect(bodyOf(collectStart));
  const addr = (i) => i.offset + (constVal(i.ptr) ?? NaN);
  const st16 = cs.filter((i) => i.id === binaryen.StoreId && i.bytes === 2);
  check(st16.length === 1, 'gc_collect_start: lock-depth store not found');
  const ctx = st16[0].offset; // mp_state_ctx base (all fields addressed as offset=ctx, ptr=const field)
  const LOCK = addr(st16[0]);
  const zeroStores = cs.filter((i) => i.id === binaryen.StoreId && i.bytes === 4 && constVal(i.value) === 0 && i.offset === ctx).map(addr);
  const loads32 = cs.filter((i) => i.id === binaryen.LoadId && i.bytes === 4 && i.offset === ctx).map(addr);
  // expected layout for this build (verified against the code, not assumed): pystack_start=ctx+8, pystack_cur=ctx+16,
  // gc_lock_depth=ctx+20 (u16), gc_stack_overflow=ctx+416, gc_alloc_amount=ctx+936, gc_alloc_threshold=ctx+940.
  const PY_START = ctx + 8, PY_CUR = ctx + 16, OVF = ctx + 416, AMOUNT = ctx + 936, THRESH = ctx + 940;
  check(LOCK === ctx + 20, 'unexpected gc_lock_depth location');
  check(zeroStores.includes(OVF) && zeroStores.includes(AMOUNT), 'gc_collect_start does not reset gc_stack_overflow/gc_alloc_amount where expected');
  check(loads32.includes(PY_START) && loads32.includes(PY_CUR), 'gc_collect_start does not scan the pystack where expected');
  check(collect(bodyOf(collectStart)).some((i) => i.id === binaryen.CallId), 'gc_collect_start has no gc_mark_subtree call');
  // mp_js_init stores the 16 KiB threshold: store ctx+940 <- 1024
  const initStores = collect(bodyOf(fnOfExport('mp_js_init'))).filter((i) => i.id === binaryen.StoreId && i.bytes === 4 && addr(i) === THRESH);
  check(initStores.length === 1 && constVal(initStores[0].value) === 1024, 'mp_js_init gc_alloc_threshold store not found');

  // __heap_base: sbrk (the only caller of env.emscripten_resize_heap) keeps its break in a static word
  let heapBase = null;
  for (let i = 0; i < m.getNumFunctions() && heapBase === null; i++) {
    const fi = binaryen.getFunctionInfo(m.getFunctionByIndex(i));
    if (fi.module || !fi.body) continue;
    const ins = collect(fi.body);
    if (!ins.some((x) => x.id === binaryen.CallId && importOf(x.target) === 'env.emscripten_resize_heap')) continue;
    const brk = ins.find((x) => x.id === binaryen.LoadId && x.bytes === 4 && constVal(x.ptr) === 0);
    check(brk, 'sbrk break variable not found');
    for (let k = 0; k < m.getNumDataSegments(); k++) {
      const d = m.getDataSegmentInfo(m.getDataSegmentByIndex(k));
      if (!d.passive && brk.offset >= d.offset && brk.offset + 4 <= d.offset + d.data.byteLength) {
        heapBase = new DataView(d.data).getUint32(brk.offset - d.offset, true);
      }
    }
  }
  check(heapBase, '__heap_base not found');
  const found = { sha, heapBase, spGlobal: spGlobalName, spIndex, stackBaseGlobal: STACK_BASE_GLOBAL, externalCallDepthDec: dec, gcCollectStart: collectStart,
    gcCollectEnd: collectEnd, gcCollect: gcCollect, gcGetMaxNewSplit: maxNewSplit, mpStateCtx: ctx, gcCollectPending: pendingAddr };

  // mp_js_init: gc_alloc_threshold
  if (opts.allocThreshold !== null) {
    const initName = fnOfExport('mp_js_init');
    const fi = binaryen.getFunctionInfo(m.getFunction(initName));
    let patched = 0;
    const fix = (expr) => {
      let info;
      try { info = binaryen.getExpressionInfo(expr); } catch { info = { id: binaryen.getExpressionId(expr) }; }
      if (info.id === binaryen.StoreId && info.bytes === 4 && addr(info) === THRESH && constVal(info.value) === 1024) {
        binaryen.Store.setValue(expr, m.i32.const(opts.allocThreshold | 0)); patched++;
      }
      for (const ch of children(info)) fix(ch);
    };
    fix(fi.body);
    check(patched === 1, 'could not patch gc_alloc_threshold');
  }
  if (opts.cstackLimit !== null) {
    check(opts.cstackLimit >= 8192 && opts.cstackLimit <= 60 * 1024, 'cstackLimit out of range');
    let patched = 0;
    walk(binaryen.getFunctionInfo(m.getFunction(fnOfExport('mp_js_init'))).body, (info) => {
      if (info.id === binaryen.CallId && info.operands.length === 1 && constVal(info.operands[0]) === 32768) {
        binaryen.Const.setValueI32(info.operands[0], opts.cstackLimit | 0); patched++;
      }
    });
    check(patched === 1, 'could not patch the C stack limit');
  }
  // ---- 3. spill pointers (before adding our code: our collector needs no spilling) -----------
  binaryen.setOptimizeLevel(opts.optimizeLevel);
  binaryen.setShrinkLevel(0);
  if (opts.spill) {
    // flatten: every intermediate value goes through a local, so nothing stays on the wasm value stack across a call;
    // simplify-locals-nonesting + coalesce-locals shrink the local count without re-nesting (spill slots = i32 locals).
    m.runPasses(['flatten', 'simplify-locals-nonesting', 'coalesce-locals', 'reorder-locals']);
    if (opts.spillI64 !== false) found.i64 = exposeI64ToSpill(m);
    m.runPasses(['spill-pointers']);
    if (opts.compactSpills !== false) found.spillFrames = compactSpillFrames(m, SP);
  }

  // ---- 4. our collector ------------------------------------------------------------------------
  const i32 = binaryen.i32;
  const c = (v) => m.i32.const(v);
  const ld = (a) => m.i32.load(a, 4, c(0));
  const stw = (a, v) => m.i32.store(a, 4, c(0), v);
  m.addGlobal('gcp_count', i32, true, c(0));
  // locals: 0 saved overflow, 1 saved pystack_start, 2 saved pystack_cur
  const body = m.block(null, [
    // gc locked (gc_lock / collect in progress / finaliser running): do nothing, like gc_alloc does
    m.if(m.i32.load16_u(LOCK, 2, c(0)), m.return()),
    m.call(collectStart, [], binaryen.none), // roots + pystack
    m.local.set(0, ld(OVF)),
    m.local.set(1, ld(PY_START)),
    m.local.set(2, ld(PY_CUR)),
    // second root pass over the live C shadow stack [sp & ~3, stack_base)
    stw(PY_START, m.i32.and(m.global.get(SP, i32), c(-4))),
    stw(PY_CUR, m.global.get(STACK_BASE_GLOBAL, i32)),
    m.call(collectStart, [], binaryen.none),
    stw(PY_START, m.local.get(1, i32)),
    stw(PY_CUR, m.local.get(2, i32)),
    // the second gc_collect_start reset gc_stack_overflow: keep the first pass's overflow
    stw(OVF, m.i32.or(ld(OVF), m.local.get(0, i32))),
    m.call(collectEnd, [], binaryen.none),
    m.global.set('gcp_count', m.i32.add(m.global.get('gcp_count', i32), c(1))),
  ]);
  m.addFunction('gcp_collect', binaryen.none, binaryen.none, [i32, i32, i32], body);
  m.addFunctionExport('gcp_collect', 'gcp_collect');
  m.addFunction('gcp_count', binaryen.none, i32, [], m.global.get('gcp_count', i32));
  m.addFunctionExport('gcp_count', 'gcp_count');
  m.addFunction('gcp_stack_base', binaryen.none, i32, [], m.global.get(STACK_BASE_GLOBAL, i32));
  m.addFunctionExport('gcp_stack_base', 'gcp_stack_base');
  // gc_collect() -> gcp_collect()
  binaryen.Function.setBody(m.getFunction(gcCollect), m.call('gcp_collect', [], binaryen.none));
  // gc_get_max_new_split() -> opts.maxNewSplit
  binaryen.Function.setBody(m.getFunction(maxNewSplit), c(opts.maxNewSplit | 0));
  // ---- 5. setjmp/longjmp without JavaScript (after spilling: the trampolines hold nothing C keeps) ----
  if (opts.wasmLongjmp) found.invokes = inlineInvokes(m, { sp: SP, setThrew: fnOfExport('setThrew') });
  // ---- 6. the kernel-call imports (the bridge's reads, output writes) and the exec export, suspendable ----
  if (opts.suspendable) {
    check(opts.wasmLongjmp, 'suspendable needs wasmLongjmp (no JavaScript frame may sit between the exec and a kernel call)');
    found.suspendable = suspendableCalls(m, { imports: ['wasi_snapshot_preview1.fd_read', 'wasi_snapshot_preview1.fd_write'], exports: ['mp_js_do_exec'] });
  }
  check(m.validate(), 'patched module does not validate');

  if (opts.optimizeLevel > 0) m.optimize();
  let out = m.emitBinary();
  m.dispose();
  out = stripCustom(out, ['name']);
  const lim = memoryLimits(out);
  const minPages = Math.ceil(heapBase / 65536);
  check((opts.initialPages ?? lim.min) >= minPages, `initialPages must be >= ${minPages} (static data ends at ${heapBase})`);
  check((opts.maxPages ?? lim.max) >= (opts.initialPages ?? lim.min), 'maxPages < initialPages');
  out = setMemoryLimits(out, opts.initialPages ?? lim.min, opts.maxPages ?? lim.max);
  patchMicroPythonWasm.lastInfo = { found, size: out.length };
  return out;
}

// As a command (the host runs it once in a child process and caches the result):
//   node patch.mjs IN.wasm OUT.wasm ['{"option": value}']   prints what it found as JSON
if (import.meta.url === `file://${process.argv[1]}`) {
  const fs = await import('node:fs');
  const [, , input, output, json] = process.argv;
  const out = patchMicroPythonWasm(fs.readFileSync(input), JSON.parse(json || '{}'));
  fs.writeFileSync(output + '.tmp', out);
  fs.renameSync(output + '.tmp', output);
  process.stdout.write(JSON.stringify(patchMicroPythonWasm.lastInfo) + '\n');
}
