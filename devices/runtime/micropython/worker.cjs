// MicroPython VM worker (started by worker-start.ts; its first message is the VM's JavaScript);
// plain CommonJS, never transpiled: jest never touches it, and a worker that loads no ES module
// starts without Node's ES module loader, ~8 ms less CPU per thread). It builds a sealed realm per VM and starts
// the VM's JavaScript (sandbox/kernel.js) inside it, then steps out of the way. This outer realm (Node, worker_threads, process) hands the
// sandbox NOTHING of its own: the SharedArrayBuffer and the compiled
// WebAssembly.Module are re-posted through a MessagePort moved into the context
// (moveMessagePortToContext), so the sandbox gets copies deserialized as objects of
// its own realm; everything else crosses as primitives (strings).
//
// A thread hosts one VM at a time. After a VM ended cleanly (the host answered its
// EXIT with K_DIE), the host may post the boot message of the next VM: a NEW context, SAB
// and wasm instance in the same thread (Node's worker bootstrap, ~30-40 ms, is paid
// once per thread). After a violation, abort or watchdog the host terminates the thread.
// A shared thread (vm.ts: ESP32SIM_VMS_PER_THREAD) hosts several VMs at once, each in its
// own context: their kernel calls suspend (opts.suspend: JSPI, sandbox/handover.js), so
// its event loop takes the next boot message or answer while they wait.
'use strict';
const { workerData, moveMessagePortToContext, receiveMessageOnPort, parentPort, MessageChannel } = require('node:worker_threads');
const vm = require('node:vm');

// Values thrown inside the sandbox must never reach Node's error printer or
// serializer: util.inspect would call an object's inspect hook with outer-realm
// arguments. End the thread without looking at them; the host sees the state word.
// Outer views of the headers of the VMs this thread hosts (one, or several when shared).
const sabViews = [];
function die() {
  try {
    for (const sabView of sabViews) {
      if (Atomics.load(sabView, 15) >= 3) continue;
      Atomics.store(sabView, 16, 2); // WHY = W_ABORT
      Atomics.store(sabView, 2, 2); // A0 = W_ABORT: the runtime reports the abort, not a missing exit call
      Atomics.store(sabView, 15, 4); // STATE = S_CRASHED
      Atomics.store(sabView, 1, 0x7f02); // OP_FINAL
      Atomics.store(sabView, 0, 1); // FLAG_REQ
      Atomics.notify(sabView, 0);
    }
  } finally {
    process.exit(70);
  }
}
process.on('uncaughtException', die);
process.on('unhandledRejection', die);

// Layer 3: tame this (outer) realm's constructor chains, so that even an outer
// function leaked by mistake would not compile strings. (Worker execArgv cannot
// carry --disallow-code-generation-from-strings: ERR_WORKER_INVALID_EXEC_ARGV.)
function tameOuterRealm() {
  const thrower = function () { throw new EvalError('code generation disabled in VM worker'); };
  const protos = [
    Function.prototype,
    Object.getPrototypeOf(async function () {}),
    Object.getPrototypeOf(function* () {}),
    Object.getPrototypeOf(async function* () {}),
  ];
  for (const p of protos) Object.defineProperty(p, 'constructor', { value: thrower, writable: false, configurable: false });
  Object.defineProperty(globalThis, 'eval', { value: thrower, writable: false, configurable: false });
  Object.defineProperty(globalThis, 'Function', { value: thrower, writable: false, configurable: false });
}

const { probeSource, outerProbe } = workerData;
// The VM's JavaScript, posted by the host as this thread's first message (`init`: a thread may be
// started before the host has read it, worker-start.ts) and compiled once per thread (the glue from
// the host's code cache); each script runs once per context.
let scripts;
function compileScripts(d) {
  const script = (source, filename, cachedData) => new vm.Script(source, cachedData ? { filename, cachedData } : { filename });
  scripts = [
    script(d.glueSource, 'micropython-glue.js', d.glueCache),
    script(d.kernelFsSource, 'fs.js'),
    script(d.kernelSnapSource, 'snapshot.js'),
    script(d.kernelHandoverSource, 'handover.js'),
    script(d.kernelRulesSource, 'rules.js'),
    script(d.kernelFlashSource, 'flash.js'),
    script(d.kernelSource, 'kernel.js'),
  ];
  // Test only (attack runner): compiled here, by the trusted side, never from the VM.
  if (typeof probeSource === 'string') scripts.push(new vm.Script(probeSource, { filename: 'probe.js' }));
}

function bootVm(hostMsg) {
  const ctx = vm.createContext(Object.create(null), {
    name: 'mpvm',
    codeGeneration: { strings: false, wasm: false },
  });
  // hostMsg arrived on parentPort, so its SAB and Module are objects of THIS (outer) realm:
  // never hand them in. Re-post them through a worker-local channel whose receiving end
  // lives in the new context: the copies come out as objects of the sandbox realm. (A local
  // channel also closes without the main thread's event loop: a per-VM cross-thread channel
  // kept each old context alive until the host yielded.)
  const { port1, port2 } = new MessageChannel();
  const sport = moveMessagePortToContext(port2, ctx);
  port1.postMessage(hostMsg);
  port1.close();
  const got = receiveMessageOnPort(sport);
  sport.close();
  if (!got) throw new Error('no boot message');
  const msg = got.message; // an object of the sandbox realm
  // Outer view, never handed in; a shared thread forgets those of VMs that ended.
  for (let i = sabViews.length - 1; i >= 0; i--) if (Atomics.load(sabViews[i], 15) >= 3) sabViews.splice(i, 1);
  sabViews.push(new Int32Array(msg.sab, 0, 32));
  for (const script of scripts) script.runInContext(ctx); // the glue, the sandbox's files, kernel.js last (then a test's probe)
  const start = vm.runInContext('__kernelStart', ctx);
  start(msg); // returns at once; the VM runs in the sandbox's microtasks until it ends
}

tameOuterRealm();
if (outerProbe) {
  // Test only: is this outer realm's own code generation blocked after taming?
  const r = [];
  const tries = {
    'Function.prototype.constructor': () => (function () {}).constructor('return 1')(),
    'AsyncFunction ctor': () => (async function () {}).constructor('return 1'),
    'GeneratorFunction ctor': () => (function* () {}).constructor('return 1'),
    'AsyncGeneratorFunction ctor': () => (async function* () {}).constructor('return 1'),
    'globalThis.Function': () => globalThis.Function('return 1')(),
    'globalThis.eval': () => globalThis.eval('1'),
    'Reflect.construct(Function)': () => Reflect.construct(Object.getPrototypeOf(function () {}).constructor, ['return 1']),
    'vm.runInThisContext (not tamed: needs the vm module object itself)': () => vm.runInThisContext('1'),
  };
  for (const [k, f] of Object.entries(tries)) { try { f(); r.push('OPEN    ' + k); } catch (e) { r.push('BLOCKED ' + k + ' -> ' + e.message); } }
  parentPort.postMessage(r);
}
// Boot from a fresh macrotask: between VMs the thread's event loop (and V8's GC tasks on it) gets a turn.
parentPort.on('message', (m) => {
  if (m && m.init && !scripts) compileScripts(m.init);
  else if (m && m.boot && scripts) setImmediate(bootVm, m.boot); // wall-clock-ok: schedules a boot, nothing simulated
});
