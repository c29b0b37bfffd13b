// JS-level probe: stands for "the attacker already runs JavaScript inside the VM's sealed realm"
// (a hole in the first layer). The worker compiles it (test only, from the test's text, never from
// the VM) and the VM's kernel calls it after boot with everything the kernel holds. It reports one
// line per route, "BLOCKED <what>" or "ESCAPED <what>", printed as the VM's first output.
globalThis.__probe = async function (env) {
  const out = [];
  const note = (blocked, what) => out.push((blocked ? 'BLOCKED ' : 'ESCAPED ') + what);
  const OP = Object.prototype;

  // ---- 1. code generation from strings: every constructor chain, eval ----
  const ctors = {
    'Function': Function,
    'AsyncFunction': (async function () {}).constructor,
    'GeneratorFunction': (function* () {}).constructor,
    'AsyncGeneratorFunction': (async function* () {}).constructor,
    '({}).constructor.constructor': ({}).constructor.constructor,
    'kernel function .constructor': env.kdev_ops.read.constructor,
    'glue function .constructor': env.FS.open.constructor,
    'wasm export .constructor': env.exports.malloc.constructor,
    'Function.prototype.constructor.bind()': Function.prototype.constructor.bind(null),
  };
  // Under JSPI's flag (VMs sharing threads) a wasm export's constructor is WebAssembly.Function (type
  // reflection): it only wraps a JavaScript function, and refuses a string however it is called.
  const wrapsOnly = (C) => {
    if (typeof WebAssembly.Function !== 'function' || C !== WebAssembly.Function) return false;
    for (const args of [['return 1'], [{ parameters: [], results: [] }, 'return 1']]) {
      try { new C(...args); return false; } catch (e) { if (!(e instanceof TypeError)) return false; }
    }
    return true;
  };
  for (const [n, C] of Object.entries(ctors)) {
    try { C('return 1'); note(false, n + ' compiled a string'); } catch (e) { note(e instanceof EvalError || (e instanceof TypeError && wrapsOnly(C)), n + ': ' + e.message); }
  }
  try { Reflect.construct(Function, ['return 1']); note(false, 'Reflect.construct(Function)'); } catch (e) { note(e instanceof EvalError, 'Reflect.construct(Function): ' + e.message); }
  try { eval('1'); note(false, 'eval'); } catch (e) { note(e instanceof EvalError, 'eval: ' + e.message); }
  try { (0, eval)('1'); note(false, 'indirect eval'); } catch (e) { note(e instanceof EvalError, 'indirect eval: ' + e.message); }

  // ---- 2. WebAssembly from new bytes ----
  const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
  try { new WebAssembly.Module(bytes); note(false, 'new WebAssembly.Module(bytes)'); } catch (e) { note(true, 'new WebAssembly.Module(bytes): ' + e.message); }
  for (const f of ['compile', 'instantiate', 'compileStreaming', 'instantiateStreaming']) {
    try { await WebAssembly[f](bytes); note(false, 'WebAssembly.' + f + '(bytes)'); } catch (e) { note(true, 'WebAssembly.' + f + '(bytes): ' + e.message); }
  }

  // ---- 3. dynamic import() ----
  for (const spec of ['node:fs', 'fs', 'node:child_process', 'data:text/javascript,export default 1', 'file:///etc/passwd']) {
    try { await import(spec); note(false, "import('" + spec + "')"); } catch (e) { note(true, "import('" + spec + "'): " + (e.code || e.message)); }
  }

  // ---- 4. no Node API ----
  for (const g of ['process', 'require', 'module', 'exports', 'global', 'Buffer', 'setTimeout', 'setInterval', 'setImmediate',
    'queueMicrotask', 'fetch', 'TextDecoder', 'TextEncoder', 'URL', 'performance', 'structuredClone', 'MessageChannel',
    'MessagePort', 'BroadcastChannel', 'Worker', 'Blob', 'AbortController', 'EventTarget', 'navigator', '__dirname', '__filename']) {
    note(globalThis[g] === undefined, 'global ' + g + ' is ' + typeof globalThis[g]);
  }

  // ---- 5. every object reachable from the realm's roots and the kernel's state belongs to this realm ----
  const taBuffer = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Int8Array.prototype), 'buffer').get;
  const seen = new Set();
  const queue = [];
  const foreign = [];
  const top = (o) => { let p = o, last = o; while ((p = Object.getPrototypeOf(p)) !== null) last = p; return last; };
  const push = (v, path) => { if (((typeof v === 'object' && v !== null) || typeof v === 'function') && !seen.has(v)) { seen.add(v); queue.push([v, path]); } };
  push(globalThis, 'globalThis');
  for (const k of Object.keys(env)) push(env[k], 'env.' + k);
  while (queue.length) {
    const [o, path] = queue.shift();
    const t = top(o);
    if (t !== o && t !== OP) foreign.push(path);
    push(Object.getPrototypeOf(o), path + '.__proto__');
    let keys;
    if (ArrayBuffer.isView(o)) {
      try { push(taBuffer.call(o), path + '.buffer'); } catch (e) { /* a DataView */ }
      keys = o.length > 4096 ? [] : Reflect.ownKeys(o).filter((k) => typeof k !== 'string' || !/^\d+$/.test(k));
    } else {
      try { keys = Reflect.ownKeys(o); } catch (e) { continue; }
    }
    if (o instanceof Map) for (const [k, v] of o) { push(k, path + '.key'); push(v, path + '.get()'); }
    if (o instanceof Set) for (const v of o) push(v, path + '.item');
    for (const k of keys) {
      let d;
      try { d = Object.getOwnPropertyDescriptor(o, k); } catch (e) { continue; }
      if (!d) continue;
      const kp = path + '.' + String(k);
      if ('value' in d) push(d.value, kp);
      if (d.get) push(d.get, kp + '<get>');
      if (d.set) push(d.set, kp + '<set>');
    }
  }
  note(foreign.length === 0, `realm walk: ${seen.size} objects (globals, Module, FS, wasm exports, memory, SAB, views), foreign: ${foreign.slice(0, 5).join(', ') || 'none'}`);
  note(env.sab instanceof SharedArrayBuffer && env.module instanceof WebAssembly.Module && env.memory instanceof WebAssembly.Memory, 'the SAB, the WebAssembly.Module and the memory are objects of this realm');

  // ---- 6. stack frames hand out no outer function or receiver ----
  let frames = [];
  const prev = Error.prepareStackTrace;
  Error.prepareStackTrace = (e, cs) => cs;
  try { frames = new Error().stack; } finally { Error.prepareStackTrace = prev; }
  let leaked = 0;
  if (Array.isArray(frames)) for (const f of frames) for (const x of [f.getThis && f.getThis(), f.getFunction && f.getFunction()]) if (x && top(x) !== OP) leaked++;
  note(leaked === 0, `Error.prepareStackTrace call sites: ${Array.isArray(frames) ? frames.length : 0} frames, outer objects: ${leaked}`);

  // ---- 7. the emscripten FS: nothing of the host is mounted (no NODEFS / NODERAWFS) ----
  const FSX = env.FS;
  const types = FSX.filesystems || {};
  const mounts = FSX.getMounts(FSX.root.mount).map((m) => m.mountpoint + ':' + (Object.keys(types).find((k) => types[k] === m.type) || 'special'));
  note(!mounts.some((m) => /NODE/.test(m)) && !('NODEFS' in types) && !('NODERAWFS' in types), 'FS mounts: ' + mounts.join(', ') + '; file systems in the build: ' + Object.keys(types).join(', '));

  // ---- 8. memory: past the kernel's cap with the engine's own grow, and new buffers ----
  const grow = WebAssembly.Memory.prototype.grow;
  try { grow.call(env.memory, 65536); note(false, 'wasm memory grew by 4 GiB'); } catch (e) { note(true, 'wasm memory grow by 4 GiB: ' + e.constructor.name); }
  try { grow.call(env.memory, 256); note(false, 'wasm memory grew past the module maximum (16 MiB)'); } catch (e) { note(true, 'wasm memory grow past the module maximum: ' + e.constructor.name); }
  note(env.memory.buffer.byteLength <= 16 * 1024 * 1024, 'wasm memory stays within the module maximum: ' + (env.memory.buffer.byteLength >> 10) + ' KiB');

  return out.join('\n') + '\n';
};
