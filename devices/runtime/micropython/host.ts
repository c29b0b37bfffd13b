/**
 * Main-thread side of one MicroPython VM: implements ScriptRuntime
 * synchronously. `start()`/`resume()` answer the worker through a
 * SharedArrayBuffer and block (Atomics.wait) until the worker's next kernel
 * call, with the wall-clock watchdog as the wait budget. The wasm module is
 * compiled once per process and handed to every worker.
 *
 * Workers boot (thread, VM, /lib) before they know their script: a tiny
 * process-wide pool keeps a couple of them booted and unclaimed, and a
 * runtime claims one and only then sends its script and config (the Python
 * modules read CFG at import, after that). The pool is filled only once some
 * runtime of the process has ended (a one-shot run never pays for it), and
 * topped up after each boot. Fresh and pooled workers run the
 * same code in the same order, so nothing about a run depends on which it got.
 * ESP32SIM_VM_POOL=0 disables the pool (=n keeps n idle workers; default 2).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, MessagePort, Worker } from 'node:worker_threads';
import { ERRNO_KEYBOARD_INTERRUPT } from '../contract';
import { ESP32_PERSONALITY } from '../../../stack/personality';
import type { ScriptRuntime, SysResult, SysValue, Syscall } from '../contract';
import type { RuntimeOptions } from '../index';
import { wallLimitMessage, watchdogMessage } from '../wallclock';

/** SharedArrayBuffer layout, passed to the worker so both sides agree. */
export const LAYOUT = {
  HEADER_INTS: 16,
  H_FLAG: 0,
  H_REQ_LEN: 1,
  H_BLOB: 2,
  H_ANS_KIND: 3,
  H_ANS_INT: 4,
  H_ANS_LEN: 5,
  H_OUT: 6,
  H_MEM_KB: 7,
  /** Script handshake: the worker boots, then waits for CFG_SENT (its script) or retires when idle too long. */
  H_CFG: 8,
  CFG_IDLE: 0,
  CFG_SENT: 1,
  CFG_RETIRED: 2,
  /** Set to 1 by the worker once booted and waiting for its script. */
  H_BOOTED: 9,
  /** Wall time an unclaimed pooled worker waits for a script before it ends itself. */
  IDLE_MS: 5000,
  FLAG_RUN: 0,
  FLAG_REQ: 1,
  FLAG_ANS: 2,
  K_INT: 0,
  K_JSON: 1,
  K_ERR: 2,
  K_BYTES: 3,
  SENT_ERR: -0x3ffffff1,
  SENT_VAL: -0x3ffffff2,
  REQ_OFF: 64,
  REQ_SIZE: 64 * 1024,
  ANS_OFF: 64 + 64 * 1024,
  ANS_SIZE: 64 * 1024,
  BLOB_OFF: 64 + 128 * 1024,
  BLOB_SIZE: 128 * 1024,
  OUT_OFF: 64 + 256 * 1024,
  OUT_SIZE: 16 * 1024,
  TOTAL: 64 + 272 * 1024,
} as const;


const PKG = '@micropython/micropython-webassembly-pyscript';
const WORKER = path.join(__dirname, 'worker.mjs');
const PY_DIR = path.join(__dirname, 'py');

/** A compiled WebAssembly.Module (lib "dom" is not in this project's types). */
export type WasmModule = object;
const WA = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => WasmModule } }).WebAssembly;

/** Process-wide caches of immutable inputs (compiled wasm, module sources); no simulation state. */
const cache: { module?: WasmModule; files?: Record<string, string> } = {};

export function wasmModule(): WasmModule {
  if (!cache.module) {
    const wasm = path.join(path.dirname(require.resolve(`${PKG}/package.json`)), 'micropython.wasm');
    cache.module = new WA.Module(fs.readFileSync(wasm));
  }
  return cache.module;
}

/** The VM's /lib: every .py file under py/, keyed by its path relative to it ('umqtt/simple.py' for packages). */
function pyFiles(): Record<string, string> {
  if (!cache.files) {
    const files: Record<string, string> = {};
    const walk = (rel: string) => {
      for (const e of fs.readdirSync(path.join(PY_DIR, rel), { withFileTypes: true })) {
        const name = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(name);
        else if (e.name.endsWith('.py')) files[name] = fs.readFileSync(path.join(PY_DIR, name), 'utf8');
      }
    };
    walk('');
    cache.files = files;
  }
  return cache.files;
}

/** A booting or booted VM worker that has not been told its script yet. */
class VmWorker {
  readonly sab = new SharedArrayBuffer(LAYOUT.TOTAL);
  readonly h = new Int32Array(this.sab, 0, LAYOUT.HEADER_INTS);
  readonly worker: Worker;
  private readonly port: MessagePort;
  /** Worker errors reported asynchronously (e.g. failed to load). */
  error: string | undefined;
  exited = false;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER, {
      workerData: { module: wasmModule(), sab: this.sab, layout: LAYOUT, files: pyFiles(), port: port2 },
      transferList: [port2],
      stdout: false,
      stderr: true,
      // The worker is plain ESM: do not let it inherit -r ts-node/register (it would load TypeScript).
      execArgv: [],
    });
    this.worker.on('error', (e) => {
      this.error = String(e?.message ?? e);
    });
    this.worker.on('exit', () => {
      this.exited = true;
    });
    this.worker.unref();
    this.port.unref();
  }

  /** Sends the script; false if the worker is gone (died or retired while idle). */
  claim(script: { source: string; config: object }): boolean {
    if (this.error || this.exited) return false;
    this.port.postMessage(script);
    const L = LAYOUT;
    if (Atomics.compareExchange(this.h, L.H_CFG, L.CFG_IDLE, L.CFG_SENT) !== L.CFG_IDLE) return false;
    Atomics.notify(this.h, L.H_CFG);
    return true;
  }

  terminate(): void {
    this.port.close();
    void this.worker.terminate();
  }
}

/** Idle workers kept booted: ESP32SIM_VM_POOL (0 disables the pool), default 2. */
function poolSize(): number {
  const n = Number(process.env.ESP32SIM_VM_POOL ?? 2);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, 8) : 2;
}
/** Process-wide pool of booted, unclaimed workers (immutable until claimed; no simulation state). */
const pool: VmWorker[] = [];
/** Whether a runtime of this process has ended: only then is the pool filled (a one-shot run never pays for it). */
const poolUse = { ended: false };

/** Live pooled workers not yet claimed, and how many of them have booted (for tests and benchmarks). */
export function idleVmWorkers(): { idle: number; booted: number } {
  const live = pool.filter((w) => !w.error && !w.exited);
  return { idle: live.length, booted: live.filter((w) => Atomics.load(w.h, LAYOUT.H_BOOTED) === 1).length };
}

/** Tops the pool up; called once a runtime's VM has booted, so refills never slow a boot down. */
function refillPool(): void {
  if (!poolUse.ended) return;
  for (let i = pool.length - 1; i >= 0; i--) if (pool[i].error || pool[i].exited) pool.splice(i, 1);
  const size = poolSize();
  while (pool.length < size) pool.push(new VmWorker());
}

/**
 * Starts booting up to `n` workers into the pool now (capped by ESP32SIM_VM_POOL): the
 * `esp32sim` command calls it first thing, so the VMs boot on another core while it loads.
 */
export function prewarmVmWorkers(n: number): void {
  const size = Math.min(n, poolSize());
  while (pool.length < size) pool.push(new VmWorker());
}

/** A worker running `script`: a pooled one if any is alive, else a fresh one. */
function claimWorker(script: { source: string; config: object }): { w: VmWorker; pooled: boolean } {
  for (let w = pool.shift(); w; w = pool.shift()) {
    if (w.claim(script)) return { w, pooled: true };
    w.terminate();
  }
  const w = new VmWorker();
  w.claim(script);
  return { w, pooled: false };
}

export interface MicroPythonOptions extends Omit<RuntimeOptions, 'main'> {
  filename: string;
  source: string;
  /** Wall-clock budget for the VM to boot (not counted against the watchdog). */
  bootTimeoutMs?: number;
}

const MiB = 1024 * 1024;

export class MicroPythonRuntime implements ScriptRuntime {
  private readonly vm: VmWorker;
  /** The worker came booted from the pool (nothing else may differ). */
  readonly pooled: boolean;
  private readonly h: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly dec = new TextDecoder();
  private readonly outDec = new TextDecoder();
  private readonly enc = new TextEncoder();
  private worker: Worker | undefined;
  private queued: Syscall[] = [];
  /** The worker waits for an answer (false while we only replay queued syscalls). */
  private workerWaiting = false;
  private dead = false;

  constructor(private readonly opts: MicroPythonOptions) {
    const config = {
      filename: opts.filename,
      personality: opts.personality,
      seed: opts.seed,
      jitterMs: opts.jitterMs ?? 0,
      bootWifi: opts.bootWifi ?? null,
      kbi: ERRNO_KEYBOARD_INTERRUPT,
      // The errno names MicroPython's ESP32 port knows, with newlib numbers: one table (stack/personality.ts)
      // for the socket layer and the VM's own errno module (rewritten at boot by py/_errno.py).
      espErrno: Object.fromEntries(ESP32_PERSONALITY.errnoNames.map((n) => [n, ESP32_PERSONALITY.errno[n]])),
      sentErr: LAYOUT.SENT_ERR,
      sentVal: LAYOUT.SENT_VAL,
    };
    const { w, pooled } = claimWorker({ source: opts.source, config });
    this.vm = w;
    this.pooled = pooled;
    this.worker = w.worker;
    this.h = w.h;
    this.bytes = new Uint8Array(w.sab);
  }

  start(): Syscall {
    const first = this.waitRequest(this.opts.bootTimeoutMs ?? Math.max(30_000, this.opts.clock.watchdogMs), true);
    refillPool();
    return first;
  }

  resume(result: SysResult): Syscall {
    if (this.queued.length) return this.queued.shift()!;
    if (this.dead) return { op: 'exit', args: [1, 'script is not running'] };
    if (this.workerWaiting) this.answer(result);
    return this.waitRequest(this.opts.clock.budgetMs(), false);
  }

  kill(): void {
    this.dead = true;
    const w = this.worker;
    this.worker = undefined;
    if (w) this.vm.terminate();
    poolUse.ended = true;
  }

  /** Memory of the VM as last reported by the worker (bytes). */
  memoryBytes(): number {
    return this.h[LAYOUT.H_MEM_KB] * 1024;
  }

  private answer(result: SysResult): void {
    const L = LAYOUT;
    const h = this.h;
    h[L.H_BLOB] = -1;
    if (!result.ok) {
      h[L.H_ANS_KIND] = L.K_ERR;
      h[L.H_ANS_INT] = result.errno;
    } else {
      const v = result.value;
      if (typeof v === 'number' && Number.isInteger(v) && v > -0x3ffffff0 && v < 0x3fffffff) {
        h[L.H_ANS_KIND] = L.K_INT;
        h[L.H_ANS_INT] = v;
      } else if (v instanceof Uint8Array) {
        h[L.H_ANS_KIND] = L.K_BYTES;
        this.putBlob(v);
      } else {
        const text = JSON.stringify(v === undefined ? null : v, (_k, x) => (x instanceof Uint8Array ? this.putBlob(x) : x));
        const r = this.enc.encodeInto(text, this.bytes.subarray(L.ANS_OFF, L.ANS_OFF + L.ANS_SIZE));
        h[L.H_ANS_KIND] = L.K_JSON;
        h[L.H_ANS_LEN] = r.written;
      }
    }
    this.workerWaiting = false;
    Atomics.store(h, L.H_FLAG, L.FLAG_ANS);
    Atomics.notify(h, L.H_FLAG);
  }

  /** Copies bytes for the worker; inside JSON answers they are replaced by their length. */
  private putBlob(v: Uint8Array): number {
    const n = Math.min(v.length, LAYOUT.BLOB_SIZE);
    this.bytes.set(v.subarray(0, n), LAYOUT.BLOB_OFF);
    this.h[LAYOUT.H_BLOB] = n;
    return n;
  }

  private waitRequest(budgetMs: number, booting: boolean): Syscall {
    const L = LAYOUT;
    const h = this.h;
    const deadline = performance.now() + budgetMs; // wall-clock-ok: watchdog budget
    for (;;) {
      const v = Atomics.load(h, L.H_FLAG);
      if (v === L.FLAG_REQ) break;
      if (this.vm.error) return this.fail(`VM error: ${this.vm.error}`);
      const rem = deadline - performance.now(); // wall-clock-ok: watchdog budget
      if (rem <= 0) {
        const s = (budgetMs / 1000).toFixed(1);
        if (booting) return this.fail(`VM did not boot within ${s} s of wall time`);
        const clock = this.opts.clock;
        return this.fail(clock.limitReached() && clock.expired() ? wallLimitMessage(clock) : watchdogMessage(clock));
      }
      Atomics.wait(h, L.H_FLAG, v, Math.min(rem, 50));
    }
    this.workerWaiting = true;
    const out = this.takeOut();
    const req = this.readRequest();
    const memBytes = h[L.H_MEM_KB] * 1024;
    if (memBytes > this.opts.memoryCapBytes && req.op !== 'exit') {
      return this.fail(
        `MemoryError: VM memory ${(memBytes / MiB).toFixed(1)} MiB exceeds the cap of ${(this.opts.memoryCapBytes / MiB).toFixed(1)} MiB ` +
          '(this MicroPython build only frees garbage when the script ends)',
        out,
      );
    }
    if (req.op === 'exit') this.kill();
    const calls: Syscall[] = [];
    if (out) calls.push({ op: 'write', args: [out] });
    // '_flush' only carries output; '_ready' marks the end of boot (the watchdog applies from here).
    if (req.op !== '_flush' && req.op !== '_ready') calls.push(req);
    if (!calls.length) {
      // An empty flush: answer it and keep waiting for a real request.
      this.answer({ ok: true, value: null });
      return req.op === '_ready' ? this.waitRequest(this.opts.clock.budgetMs(), false) : this.waitRequest(budgetMs, booting);
    }
    this.queued.push(...calls.slice(1));
    return calls[0];
  }

  private readRequest(): Syscall {
    const L = LAYOUT;
    const text = this.dec.decode(this.bytes.slice(L.REQ_OFF, L.REQ_OFF + this.h[L.H_REQ_LEN]));
    const arr = JSON.parse(text) as SysValue[];
    const op = String(arr[0]);
    const args = arr.slice(1);
    const blob = this.h[L.H_BLOB];
    if (blob >= 0) args.push(this.bytes.slice(L.BLOB_OFF, L.BLOB_OFF + blob));
    return { op, args };
  }

  private takeOut(): string {
    const n = this.h[LAYOUT.H_OUT];
    if (!n) return '';
    this.h[LAYOUT.H_OUT] = 0;
    return this.outDec.decode(this.bytes.subarray(LAYOUT.OUT_OFF, LAYOUT.OUT_OFF + n), { stream: true });
  }

  /** Stops the VM and reports why, after whatever it had printed. */
  private fail(reason: string, pendingOut?: string): Syscall {
    const out = (pendingOut ?? '') + this.takeOut();
    this.kill();
    const text = `${out && !out.endsWith('\n') ? '\n' : ''}${reason}\n`;
    this.queued.push({ op: 'exit', args: [1, reason] });
    return { op: 'write', args: [out + text] };
  }
}
