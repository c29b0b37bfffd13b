/**
 * Main-thread side of one MicroPython VM: implements ScriptRuntime
 * synchronously. `start()`/`resume()` answer the worker through a
 * SharedArrayBuffer and block (Atomics.wait) until the worker's next kernel
 * call, with the wall-clock watchdog as the wait budget. The wasm module is
 * compiled once per process and handed to every worker.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ERRNO_KEYBOARD_INTERRUPT } from '../script/contract';
import type { ScriptRuntime, SysResult, SysValue, Syscall } from '../script/contract';

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

function pyFiles(): Record<string, string> {
  if (!cache.files) {
    const files: Record<string, string> = {};
    for (const f of fs.readdirSync(PY_DIR)) if (f.endsWith('.py')) files[f] = fs.readFileSync(path.join(PY_DIR, f), 'utf8');
    cache.files = files;
  }
  return cache.files;
}

/**
 * The compiler folds `errno.EXXX` to the build's (Linux) numbers at compile
 * time; on the ESP32 personality, rewrite those reads to run-time lookups so
 * scripts see newlib numbers (ETIMEDOUT 116). Line numbers are unchanged.
 */
function esp32Source(opts: MicroPythonOptions): string {
  if (opts.personality !== 'esp32') return opts.source;
  return opts.source.replace(/(?<![\w.'"])(u?errno)\.(E[A-Z0-9]+)\b/g, "getattr($1, '$2')");
}

export interface MicroPythonOptions {
  filename: string;
  source: string;
  personality: 'esp32' | 'pc';
  seed: number;
  /** Wall-clock budget between kernel calls (runaway loop watchdog). */
  watchdogMs: number;
  /** Wall-clock budget for the VM to boot (not counted against the watchdog). */
  bootTimeoutMs?: number;
  memoryCapBytes: number;
  /** Test hook: the worker sleeps a random wall time up to this before each request. */
  jitterMs?: number;
  /** Join this WiFi before the script runs (tutorial firmware boot). */
  bootWifi?: { ssid: string; password: string };
}

const MiB = 1024 * 1024;

export class MicroPythonRuntime implements ScriptRuntime {
  private readonly sab = new SharedArrayBuffer(LAYOUT.TOTAL);
  private readonly h = new Int32Array(this.sab, 0, LAYOUT.HEADER_INTS);
  private readonly bytes = new Uint8Array(this.sab);
  private readonly dec = new TextDecoder();
  private readonly outDec = new TextDecoder();
  private readonly enc = new TextEncoder();
  private worker: Worker | undefined;
  private queued: Syscall[] = [];
  /** The worker waits for an answer (false while we only replay queued syscalls). */
  private workerWaiting = false;
  private dead = false;
  /** Worker errors reported asynchronously (e.g. failed to load). */
  private workerError: string | undefined;

  constructor(private readonly opts: MicroPythonOptions) {
    const config = {
      filename: opts.filename,
      personality: opts.personality,
      seed: opts.seed,
      jitterMs: opts.jitterMs ?? 0,
      bootWifi: opts.bootWifi ?? null,
      kbi: ERRNO_KEYBOARD_INTERRUPT,
      sentErr: LAYOUT.SENT_ERR,
      sentVal: LAYOUT.SENT_VAL,
    };
    this.worker = new Worker(WORKER, {
      workerData: { module: wasmModule(), sab: this.sab, layout: LAYOUT, files: pyFiles(), source: esp32Source(opts), config },
      stdout: false,
      stderr: true,
      // The worker is plain ESM: do not let it inherit -r ts-node/register (it would load TypeScript).
      execArgv: [],
    });
    this.worker.on('error', (e) => {
      this.workerError = String(e?.message ?? e);
    });
    this.worker.unref();
  }

  start(): Syscall {
    return this.waitRequest(this.opts.bootTimeoutMs ?? Math.max(30_000, this.opts.watchdogMs), true);
  }

  resume(result: SysResult): Syscall {
    if (this.queued.length) return this.queued.shift()!;
    if (this.dead) return { op: 'exit', args: [1, 'script is not running'] };
    if (this.workerWaiting) this.answer(result);
    return this.waitRequest(this.opts.watchdogMs, false);
  }

  kill(): void {
    this.dead = true;
    const w = this.worker;
    this.worker = undefined;
    if (w) void w.terminate();
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
      if (this.workerError) return this.fail(`VM error: ${this.workerError}`);
      const rem = deadline - performance.now(); // wall-clock-ok: watchdog budget
      if (rem <= 0) {
        const s = (budgetMs / 1000).toFixed(1);
        return this.fail(
          booting
            ? `VM did not boot within ${s} s of wall time`
            : `Watchdog: script ran ${s} s of wall time without a kernel call (runaway loop?)`,
        );
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
      return req.op === '_ready' ? this.waitRequest(this.opts.watchdogMs, false) : this.waitRequest(budgetMs, booting);
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
