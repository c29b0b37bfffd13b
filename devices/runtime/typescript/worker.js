// A TypeScript (or JavaScript) device script in its own worker thread, started by
// worker-runtime.ts. The script is trusted test code with full Node access (like a
// jest test); it runs here so that one that never yields (`for (;;) {}`) can be
// stopped by the watchdog like a MicroPython VM, and so that exactly one script
// runs at a time: every env call is a synchronous round trip on the shared buffer
// (the bridge protocol, ../bridge/protocol.ts), the script's `await` then resumes
// at once. Plain CommonJS so that it loads the same way from the sources and dist/.
'use strict';
const { workerData } = require('node:worker_threads');
const path = require('node:path');

const { sab, layout: L, modulePath, personality, filename, envModule } = workerData;
const h = new Int32Array(sab, 0, L.HEADER_INTS);
const u8 = new Uint8Array(sab);
const enc = new TextEncoder();
const dec = new TextDecoder();

/** Ends the script from outside its promise chain (an error thrown where nothing catches it). */
function die(why) {
  try {
    h[L.WHY] = why;
    h[L.OP] = L.OP_FINAL;
    h[L.A0] = why;
    Atomics.store(h, L.STATE, L.S_CRASHED);
    Atomics.store(h, L.FLAG, L.FLAG_REQ);
    Atomics.notify(h, L.FLAG);
  } finally {
    process.exit(70);
  }
}
process.on('uncaughtException', () => die(L.W_UNCAUGHT));
process.on('unhandledRejection', () => die(L.W_UNCAUGHT));

// .ts files: the project's own loader (compiled in dist/, or transpiled from the sources).
require('./ts-hook').install();
const env = require(envModule);

// ---- the client half of the bridge ----
const codes = new Map();
// The worker's half of the hand-over is the MicroPython VM's (its spin, sleep and per-op counts),
// evaluated here in this worker's own realm; spinning off where the host turned it off
// (ESP32SIM_SPIN=0, bridge/handover.ts spinsAllowed: a worker inherits its thread's environment).
require('../micropython/sandbox/handover.js');
const hand = globalThis.__mpHandover(h, L, {});
delete globalThis.__mpHandover;
hand.setSpin(process.env.ESP32SIM_SPIN !== '0');

function roundTrip() {
  hand.post(false);
}

function put(i, v, parts) {
  const T = { NONE: 0, INT: 1, BOOL: 2, FLOAT: 3, STR: 4, BYTES: 5, JSON: 6 };
  if (v === null || v === undefined) {
    h[L.A0 + i] = 0;
    return T.NONE;
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) {
    h[L.A0 + i] = v;
    return T.INT;
  }
  if (typeof v === 'boolean') {
    h[L.A0 + i] = v ? 1 : 0;
    return T.BOOL;
  }
  let b;
  let tag;
  if (typeof v === 'number') {
    b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    tag = T.FLOAT;
  } else if (typeof v === 'string') {
    b = enc.encode(v);
    tag = T.STR;
  } else if (v instanceof Uint8Array) {
    b = v;
    tag = T.BYTES;
  } else {
    b = enc.encode(JSON.stringify(v));
    tag = T.JSON;
  }
  h[L.A0 + i] = b.length;
  parts.push(b);
  return tag;
}

function request(code, args) {
  if (args.length > 6) throw new RangeError('a kernel call takes at most 6 arguments');
  const parts = [];
  let tags = 0;
  for (let i = 0; i < 6; i++) tags |= put(i, args[i], parts) << (3 * i);
  let at = 0;
  for (const p of parts) {
    if (at + p.length > L.DATA_SIZE) throw new RangeError(`a kernel call carries at most ${L.DATA_SIZE} bytes`);
    u8.set(p, L.DATA_OFF + at);
    at += p.length;
  }
  h[L.OP] = code;
  h[L.TAGS] = tags;
  h[L.DLEN] = at;
  h[L.ICAP] = L.DATA_SIZE;
  roundTrip();
}

function answer() {
  const k = h[L.AKIND];
  const n = h[L.ALEN];
  if (k === L.K_INT) return h[L.AVAL];
  if (k === L.K_NONE) return null;
  if (k === L.K_BOOL) return h[L.AVAL] !== 0;
  if (k === L.K_ERR) throw env.kernelError(h[L.AVAL]);
  if (k === L.K_FLOAT) return new DataView(sab, L.DATA_OFF, 8).getFloat64(0, true);
  if (k === L.K_STR) return dec.decode(u8.subarray(L.DATA_OFF, L.DATA_OFF + n));
  if (k === L.K_BYTES) return u8.slice(L.DATA_OFF, L.DATA_OFF + n);
  // JSON, with at most one byte string carried raw after it (its place in the JSON holds its length)
  const j = h[L.AVAL];
  const v = JSON.parse(dec.decode(u8.subarray(L.DATA_OFF, L.DATA_OFF + j)));
  if (n > j && Array.isArray(v)) {
    const blob = u8.slice(L.DATA_OFF + j, L.DATA_OFF + n);
    const i = v.findIndex((x) => x === blob.length);
    if (i >= 0) v[i] = blob;
  }
  return v;
}

function code(op) {
  let c = codes.get(op);
  if (c === undefined) {
    request(L.OP_INTERN, [op]);
    if (h[L.AKIND] !== L.K_INT) throw new TypeError(`not a kernel call: ${op}`);
    c = h[L.AVAL];
    codes.set(op, c);
  }
  return c;
}

/** A kernel call: blocks this thread until the kernel answers (the script's await then resumes at once). */
function call(op, ...args) {
  request(code(op), args);
  return answer();
}

const sys = (op, ...args) => {
  try {
    return Promise.resolve(call(op, ...args));
  } catch (e) {
    return Promise.reject(e);
  }
};

async function main() {
  Atomics.store(h, L.STATE, L.S_RUNNING);
  call('_ready');
  let outcome;
  try {
    const mod = require(path.resolve(modulePath));
    const fn = typeof mod === 'function' ? mod : mod && mod.default;
    if (typeof fn !== 'function') throw new TypeError(`${modulePath}: no default export function`);
    await fn(env.makeEnv(sys, personality));
  } catch (e) {
    outcome = e === undefined ? new Error('undefined') : e;
  }
  const [status, reason] = env.exitOf(outcome, filename);
  call('exit', status, reason); // the host ends this thread with the exit
}

main().then(
  () => undefined,
  () => die(L.W_ABORT),
);
