// MicroPython VM worker: one VM per worker thread. Started by host.ts with
// `new Worker(thisFile, { workerData })`; plain ESM so jest never touches it.
//
// The worker boots (VM, /lib) first, then waits for its script and config
// (host.ts VmWorker.claim: a message on `port`, then H_CFG=CFG_SENT); an
// unclaimed pooled worker ends itself after IDLE_MS of wall time.
//
// Every kernel call is a synchronous round trip through a SharedArrayBuffer:
// the worker writes the request, sets FLAG=REQ, notifies, and waits until the
// main thread sets FLAG=ANS. Layout constants come from the host (workerData.layout).
import { receiveMessageOnPort, workerData } from 'node:worker_threads';

const { module, sab, layout: L, files, port } = workerData;
const h = new Int32Array(sab, 0, L.HEADER_INTS);
const bytes = new Uint8Array(sab);
const enc = new TextEncoder();
const dec = new TextDecoder();
let source = '';
let config = {};
let jitterMs = 0;
const jitterCell = new Int32Array(new SharedArrayBuffer(4));

// Hand the precompiled module to emscripten instead of compiling the wasm again.
let instance;
const origInstantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (_bin, imports) => {
  instance = await origInstantiate.call(WebAssembly, module, imports);
  return { instance, module };
};
const { loadMicroPython } = await import('@micropython/micropython-webassembly-pyscript/micropython.mjs');

let outLen = 0;
function putOut(b) {
  if (outLen >= L.OUT_SIZE) flush();
  bytes[L.OUT_OFF + outLen++] = b;
  h[L.H_OUT] = outLen;
}
function flush() {
  request('_flush', [], 0, 0, 0, 0);
}

const mp = await loadMicroPython({
  stdout: (u8) => { for (let i = 0; i < u8.length; i++) putOut(u8[i]); },
  stderr: (u8) => { for (let i = 0; i < u8.length; i++) putOut(u8[i]); },
  linebuffer: false,
});
const memory = instance.exports.memory;

let lastErrno = 0;
let lastVal = 'null';

/** One synchronous round trip. mode 1: send bytes [addr,n); mode 2: receive bytes into [addr,n). */
function request(op, args, mode, addr, n) {
  while (args.length && (args[args.length - 1] === null || args[args.length - 1] === undefined)) args.pop();
  const text = JSON.stringify([op, ...args]);
  const r = enc.encodeInto(text, bytes.subarray(L.REQ_OFF, L.REQ_OFF + L.REQ_SIZE));
  h[L.H_REQ_LEN] = r.written;
  if (mode === 1) {
    const len = Math.min(n, L.BLOB_SIZE);
    bytes.set(new Uint8Array(memory.buffer, addr, len), L.BLOB_OFF);
    h[L.H_BLOB] = len;
  } else {
    h[L.H_BLOB] = -1;
  }
  h[L.H_MEM_KB] = Math.ceil(memory.buffer.byteLength / 1024);
  if (jitterMs) Atomics.wait(jitterCell, 0, 0, Math.random() * jitterMs); // wall-clock-ok: test-only jitter injection proving thread timing cannot change results
  Atomics.store(h, L.H_FLAG, L.FLAG_REQ);
  Atomics.notify(h, L.H_FLAG);
  while (Atomics.load(h, L.H_FLAG) !== L.FLAG_ANS) Atomics.wait(h, L.H_FLAG, L.FLAG_REQ);
  Atomics.store(h, L.H_FLAG, L.FLAG_RUN);
  outLen = 0;
  const kind = h[L.H_ANS_KIND];
  const blob = h[L.H_BLOB];
  let copied = 0;
  if (blob >= 0 && mode === 2) {
    copied = Math.min(blob, n);
    new Uint8Array(memory.buffer, addr, copied).set(bytes.subarray(L.BLOB_OFF, L.BLOB_OFF + copied));
  }
  switch (kind) {
    case L.K_INT:
      return h[L.H_ANS_INT];
    case L.K_BYTES:
      return copied;
    case L.K_ERR:
      lastErrno = h[L.H_ANS_INT];
      return L.SENT_ERR;
    default:
      lastVal = dec.decode(bytes.slice(L.ANS_OFF, L.ANS_OFF + h[L.H_ANS_LEN]));
      return L.SENT_VAL;
  }
}

/** The one JS module Python sees. Never throws into Python. */
const kernel = {
  call(op, mode, addr, n, a, b, c, d, e) {
    try {
      return request(String(op), [a, b, c, d, e], mode | 0, addr | 0, n | 0);
    } catch (err) {
      lastErrno = 5; // EIO
      return L.SENT_ERR;
    }
  },
  errno: () => lastErrno,
  val: () => lastVal,
  config: () => JSON.stringify(config),
  source: () => source,
};

/** Waits for the script; false if no one claimed this worker within IDLE_MS (it then retires). */
function awaitScript() {
  Atomics.store(h, L.H_BOOTED, 1);
  for (;;) {
    if (Atomics.load(h, L.H_CFG) === L.CFG_SENT) break;
    const r = Atomics.wait(h, L.H_CFG, L.CFG_IDLE, L.IDLE_MS); // wall-clock-ok: idle pooled worker lifetime, before any script
    if (r === 'timed-out' && Atomics.compareExchange(h, L.H_CFG, L.CFG_IDLE, L.CFG_RETIRED) === L.CFG_IDLE) {
      port.close();
      return false;
    }
  }
  let msg;
  // The host posts the message before it sets CFG_SENT; wait briefly should it not be visible yet.
  while (!(msg = receiveMessageOnPort(port))) Atomics.wait(h, L.H_CFG, L.CFG_SENT, 1); // wall-clock-ok: message hand-over poll
  port.close();
  ({ source, config } = msg.message);
  jitterMs = config.jitterMs || 0;
  return true;
}

let bootError;
try {
  mp.FS.mkdirTree('/lib');
  for (const [name, text] of Object.entries(files)) {
    const dir = name.lastIndexOf('/');
    if (dir > 0) mp.FS.mkdirTree('/lib/' + name.slice(0, dir));
    mp.FS.writeFile('/lib/' + name, text);
  }
  mp.registerJsModule('_k', kernel);
  // Scripts must not reach the host: drop what the `js` module could reach.
  for (const k of ['process', 'require', 'fetch', 'Buffer', 'WebAssembly', 'eval', 'Function']) {
    try { delete globalThis[k]; } catch { /* ignore */ }
  }
} catch (err) {
  bootError = err;
}
if (awaitScript()) {
  try {
    if (bootError) throw bootError;
    mp.runPython('import sys\nsys.path.insert(0, "/lib")\nimport _boot\n_boot.main()');
  } catch (err) {
    try { request('exit', [1, 'VM error: ' + (err && err.message ? err.message : String(err))], 0, 0, 0); } catch { /* gone */ }
  }
}
