/**
 * Sealed MicroPython VMs on the main thread's side: the worker threads that
 * host them (VmThread), one VM's request/answer hot path over its
 * SharedArrayBuffer (SealedVm); the process-wide pool of booted VMs is pool.ts.
 *
 * A thread hosts one VM at a time; after a VM ended cleanly its thread boots
 * the next one (a new realm, buffer and wasm instance: Node's worker start,
 * 30-50 ms, is paid once per thread), or, when the VM was restored from a
 * snapshot and its memory did not grow, the VM is rewound in place to what it
 * was restored as (K_REWIND: memory, stack pointer, filesystem and its own
 * words put back; no new realm, ~1 ms instead of ~15). A thread whose VM
 * crashed, broke the sandbox's rules or ran away is terminated, never reused. Pooled and fresh
 * VMs run the same boot in the same order (or are restored from a snapshot of
 * that boot: snapshot.ts), so nothing about a run depends on which one it got.
 * ESP32SIM_VM_REWIND=0 turns rewinding off.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { Worker } from 'node:worker_threads';
import { glueSource } from './glue';
import { Handover, spinsAllowed } from '../bridge/handover';
import type { BridgePeer } from '../bridge/host';
import { KNOWN_OPS, LAYOUT as L, TAG, TRAPPED_IMPORTS } from '../bridge/protocol';
import { FLASH_IMAGE_FACTS } from '../../fs/calls';
import { wasmDigest, wasmModule } from './wasm';
import { canShareVmThreads, SUSPENDED_STACK_KB, vmsPerThread } from './sharing';
import { Snapshots, snapshotsEnabled, type VmImage } from './snapshot';
import { DiskSnapshot, diskKey, diskSnapshotDir } from './disk-snapshot';
import { VM_WORKER_FILE, vmWorker, type VmThreadExtras } from './worker-start';

const KERNEL = path.join(__dirname, 'sandbox', 'kernel.js');
const KERNEL_FS = path.join(__dirname, 'sandbox', 'fs.js');
const KERNEL_HANDOVER = path.join(__dirname, 'sandbox', 'handover.js');
const KERNEL_RULES = path.join(__dirname, 'sandbox', 'rules.js');
const KERNEL_SNAP = path.join(__dirname, 'sandbox', 'snapshot.js');
const KERNEL_FLASH = path.join(__dirname, 'sandbox', 'flash.js');
const PY_DIR = path.join(__dirname, 'py');

/* wall-clock-ok: this file waits on worker threads with wall-clock budgets (boot, watchdog); nothing simulated reads it. */
const wallNow = (): number => performance.now(); // wall-clock-ok: see above

/** What a VM is booted with (fixed for its life; the pool holds VMs of the default boot only). */
export interface VmBoot {
  personality: 'esp32' | 'pc';
  heapBytes: number;
  pystackWords: number;
  /** Wasm memory never grows past this (a refused growth is a MemoryError inside the VM). */
  memCapBytes: number;
  /** The personality's configuration (JSON): the VM installs the device's modules with it before it is claimed. */
  readonly config: string;
}

/** The VM's in-memory files (/.frozen, /tmp) live in its thread's JavaScript heap, outside the wasm cap: bounded here. */
const FS_QUOTA = { bytes: 4 * 1024 * 1024, nodes: 2048 };

export { canShareVmThreads, vmsPerThread } from './sharing';

/** Process-wide caches of immutable inputs (the VM's JavaScript, the Python modules, zeros); no simulation state. */
const inputs: { files?: Record<string, Uint8Array>; workerData?: object; zeros?: Uint8Array } = {};

/**
 * Zeros the length of a VM's buffer past its header, never written: a rewind copies them over the buffer.
 * (fill() on a SharedArrayBuffer's view stores byte by byte, ~110 µs for the buffer here; a copy from
 * plain memory is a memcpy, ~11 µs, and a rewind comes at the end of every run of a warm process.)
 */
function zerosPastHeader(): Uint8Array {
  return (inputs.zeros ??= new Uint8Array(L.TOTAL - L.HEADER_INTS * 4));
}

/** The VM's /.frozen: every .py file under py/ (bytes), keyed by its path relative to it ('umqtt/simple.py' for packages). */
function pyFiles(): Record<string, Uint8Array> {
  if (!inputs.files) {
    const files: Record<string, Uint8Array> = {};
    const walk = (rel: string) => {
      for (const e of fs.readdirSync(path.join(PY_DIR, rel), { withFileTypes: true })) {
        const name = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(name);
        else if (e.name.endsWith('.py')) files[name] = new Uint8Array(fs.readFileSync(path.join(PY_DIR, name)));
      }
    };
    walk('');
    inputs.files = files;
  }
  return inputs.files;
}

/**
 * V8's code cache of the glue's script for the workers, kept beside the VMs' snapshots (disk-snapshot.ts:
 * the same checks), so that a new process reads it instead of compiling the glue on this thread. Made
 * here, by the trusted host, from the source alone (nothing has run), with every function compiled
 * (--no-lazy while V8 compiles it, then put back before the cache is written, so the data carries the
 * start-up flags' hash): the glue is one function (glue.ts), so a cache of its top level held nothing a
 * worker runs, and each VM thread compiled the glue's body and the functions its boot calls (~9 ms of
 * its CPU before the echo lab's first line). Its key is the source, Node's versions and this process's
 * flags (V8 rejects data made with other flags or another source, and the worker then compiles the glue).
 */
export function glueCodeCache(source: string): Uint8Array {
  const dir = diskSnapshotDir();
  const file = dir ? new DiskSnapshot(dir, diskKey(['v8-code-cache/eager', JSON.stringify(process.execArgv), source]), 4 * 1024 * 1024, 'v8cache') : undefined;
  const kept = file?.read();
  if (kept) return kept;
  const made = compileEagerly(source).createCachedData();
  file?.write(made);
  return made;
}

/** The glue compiled whole (see glueCodeCache); as usual when Node was given a laziness flag of its own (it is not put back then). */
function compileEagerly(source: string): vm.Script {
  const compile = () => new vm.Script(source, { filename: 'micropython-glue.js' });
  if ([...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('lazy'))) return compile();
  v8.setFlagsFromString('--no-lazy');
  try {
    return compile();
  } finally {
    v8.setFlagsFromString('--lazy');
  }
}

function workerData(): object {
  if (!inputs.workerData) {
    const source = glueSource();
    inputs.workerData = {
      glueSource: source,
      glueCache: glueCodeCache(source),
      kernelSource: fs.readFileSync(KERNEL, 'utf8'),
      kernelFsSource: fs.readFileSync(KERNEL_FS, 'utf8'),
      kernelSnapSource: fs.readFileSync(KERNEL_SNAP, 'utf8'),
      kernelHandoverSource: fs.readFileSync(KERNEL_HANDOVER, 'utf8'),
      kernelRulesSource: fs.readFileSync(KERNEL_RULES, 'utf8'),
      kernelFlashSource: fs.readFileSync(KERNEL_FLASH, 'utf8'),
    };
  }
  return inputs.workerData;
}

/** A known op's code (codes 1..n in KNOWN_OPS' order, as the host and _kern number them). */
const opCode = (name: string): number => KNOWN_OPS.indexOf(name) + 1;
/** The flash's calls the VM's JavaScript answers from an image (sandbox/flash.js), and those that change the flash. */
const FLASH_OPS = {
  image: opCode('fs.image'),
  stat: opCode('fs.stat'),
  open: opCode('fs.open'),
  read: opCode('fs.read'),
  mutating: ['fs.write', 'fs.mkdir', 'fs.remove', 'fs.rename'].map(opCode),
  facts: FLASH_IMAGE_FACTS,
  tags: TAG,
};

/** What a VM's boot message tells it besides its boot configuration (the same for every VM of a boot). */
function bootOpts(boot: VmBoot, shared: boolean) {
  return {
    heapBytes: boot.heapBytes,
    pystackWords: boot.pystackWords,
    memCapBytes: boot.memCapBytes,
    fastFd: true,
    suspend: shared,
    fsQuotaBytes: FS_QUOTA.bytes,
    fsQuotaNodes: FS_QUOTA.nodes,
    flashOps: FLASH_OPS,
  };
}

/**
 * Everything a booted VM of this boot is made from (the key of its snapshot on disk, disk-snapshot.ts):
 * the patched wasm, the glue, the worker and the sandbox's files, the frozen modules, the boot message.
 */
export function bootInputs(boot: VmBoot): (string | Uint8Array)[] {
  const py = pyFiles();
  // Every source the worker is sent (the glue's code cache is made from it), in workerData()'s order.
  const sources = Object.values(workerData()).filter((v): v is string => typeof v === 'string');
  return [
    wasmDigest(),
    fs.readFileSync(VM_WORKER_FILE),
    ...sources,
    ...Object.keys(py).sort().flatMap((k) => [k, py[k]]),
    JSON.stringify({ layout: L, trapped: TRAPPED_IMPORTS, opts: bootOpts(boot, vmsPerThread() > 1), config: boot.config }),
  ];
}

/** A worker thread that hosts one sealed VM at a time, or (capacity > 1) several whose kernel calls suspend. */
export class VmThread {
  readonly worker: Worker;
  exitCode: number | undefined;
  error: string | undefined;
  /** Why it was ended, for the VMs it hosted (a shared thread ended with a runaway VM). */
  stopReason: string | undefined;
  /** VMs it hosts now (shared threads); false once it takes no new ones (one of its VMs crashed). */
  hosted = 0;
  open = true;
  private terminated = false;

  constructor(
    extra: VmThreadExtras = {},
    readonly capacity = 1,
  ) {
    if (capacity > 1 && !canShareVmThreads()) throw new Error('VMs can share a worker thread only in a process started with --experimental-wasm-stack-switching');
    if (capacity > 1) v8.setFlagsFromString(`--wasm-stack-switching-stack-size=${SUSPENDED_STACK_KB}`); // read when a stack is made: safe to set now
    this.worker = vmWorker(capacity, extra);
    this.worker.postMessage({ init: workerData() }); // the VM's JavaScript, compiled once per thread
    this.worker.on('error', (e: Error) => {
      this.error = String(e?.message ?? e);
    });
    this.worker.on('exit', (c: number) => {
      this.exitCode = c;
    });
  }

  get alive(): boolean {
    return this.exitCode === undefined && !this.terminated && this.error === undefined;
  }

  boot(message: object): void {
    this.worker.postMessage({ boot: message });
  }

  get shared(): boolean {
    return this.capacity > 1;
  }

  terminate(reason?: string): void {
    this.stopReason ??= reason;
    this.terminated = true;
    void this.worker.terminate();
  }

  /** A shared thread's VM ended: the thread ends with its last one once it takes no new ones or nobody needs it. */
  left(): void {
    this.hosted--;
    if (this.hosted <= 0) this.terminate();
  }
}

/** One sealed VM (its own realm, SharedArrayBuffer and wasm instance) in a VmThread. */
export class SealedVm implements BridgePeer {
  readonly sab = new SharedArrayBuffer(L.TOTAL);
  readonly h = new Int32Array(this.sab, 0, L.HEADER_INTS);
  readonly u8 = new Uint8Array(this.sab);
  private readonly handover = new Handover(this.h, () => this.thread.alive);
  /** Called once, at the VM's first request (the pool takes a snapshot it wrote then). */
  onFirstRequest: (() => void) | undefined;
  /** Set once the VM ended after its exit call and its thread may host the next VM. */
  private reusable = false;
  /** A shared thread's VM was ended (it left its thread). */
  private left = false;
  /** Times it was rewound, and whether the pool is yet to take it back after the last one. */
  private rewinds = 0;
  private rewinding = false;

  constructor(
    readonly boot: VmBoot,
    /** Its worker thread (the pool chooses it: VmPool.threadFor). */
    readonly thread: VmThread,
    /** Restored from a snapshot of a booted VM of this boot, or asked to write one (snapshot.ts). */
    readonly image: VmImage = {},
    /** Who takes the VM once it ended cleanly (its thread, or the VM itself rewound: pool.ts); without one, freeThread() tells. */
    private readonly ended?: (vm: SealedVm) => void,
  ) {
    if (this.thread.shared) this.thread.hosted++;
    this.thread.boot({
      restore: image.restore,
      snapshotSab: image.capture,
      module: wasmModule(),
      sab: this.sab,
      layout: L,
      trapped: TRAPPED_IMPORTS,
      lib: pyFiles(),
      opts: { ...bootOpts(boot, this.thread.shared), bootConfig: new TextEncoder().encode(boot.config) },
    });
  }

  get state(): number {
    return Atomics.load(this.h, L.STATE);
  }

  get alive(): boolean {
    return this.thread.alive;
  }

  get memCapBytes(): number {
    return this.boot.memCapBytes;
  }

  /** Waits (wall time) until the VM has booted or failed; returns its state. */
  waitBooted(ms: number): number {
    const end = wallNow() + ms;
    for (;;) {
      const s = Atomics.load(this.h, L.STATE);
      if (s !== L.S_BOOTING || !this.thread.alive) return s;
      const rem = end - wallNow();
      if (rem <= 0) return s;
      Atomics.wait(this.h, L.STATE, s, Math.min(rem, 20));
    }
  }

  /** Hands the VM its run (seed, memory cap, test jitter); false if it retired or died while idle. */
  claim(run: { seed: number; memCapBytes?: number; jitterMs?: number; gcEveryCall?: boolean }): boolean {
    const h = this.h;
    if (!this.thread.alive) return false;
    h[L.SEED] = run.seed | 0;
    h[L.MEMCAP_KB] = run.memCapBytes ? Math.ceil(run.memCapBytes / 1024) : 0;
    h[L.JITTER_MS] = run.jitterMs ? Math.ceil(run.jitterMs) : 0;
    h[L.RUN_FLAGS] = (run.gcEveryCall ? L.RUN_GC_EACH : 0) | (spinsAllowed() ? 0 : L.RUN_NO_SPIN);
    if (Atomics.compareExchange(h, L.CLAIM, L.C_IDLE, L.C_SENT) !== L.C_IDLE) return false;
    Atomics.notify(h, L.CLAIM);
    return true;
  }

  /** The VM's next request (its op), or -1 when the budget ran out (it is computing, or its thread died). */
  next(budgetMs: number): number {
    const op = this.handover.next(budgetMs);
    if (this.onFirstRequest && op >= 0) {
      const f = this.onFirstRequest;
      this.onFirstRequest = undefined;
      f();
    }
    return op;
  }

  release(vtimeMs: number, pending: number): void {
    this.handover.release(vtimeMs, pending);
  }

  /** Why the VM stopped on its own, from the words only its JavaScript writes. */
  crashInfo(): string {
    const why = this.h[L.WHY];
    if (why === L.W_VIOLATION) return `sandbox violation: the script reached for JavaScript (${TRAPPED_IMPORTS[this.h[L.WHYARG]] ?? '?'})`;
    if (why === L.W_ABORT) return this.h[L.WHYARG] === 1 ? 'VM error: the VM trapped (out of C stack or a corrupted VM)' : 'VM error: the VM aborted';
    if (why === L.W_PROTOCOL) return 'VM error: a malformed request';
    if (why === L.W_UNCAUGHT) return 'VM error: the boot code failed';
    if (this.thread.stopReason) return `VM error: ${this.thread.stopReason}`;
    return this.thread.error ? `VM error: ${this.thread.error}` : 'VM error: the VM stopped';
  }

  memoryBytes(): number {
    return this.h[L.MEMKB] * 1024;
  }

  /** The VM was restored from a snapshot of a booted VM (snapshot.ts), once it has booted. */
  get restored(): boolean {
    return this.h[L.RESTORED] === 1;
  }

  /**
   * Ends the VM. One that is blocked in a kernel call (its exit, or any call when the script is killed)
   * unwinds cleanly and its thread can host the next VM; otherwise (computing, crashed) the thread ends.
   */
  finish(clean: boolean): void {
    if (this.thread.shared) return this.finishShared(clean);
    if (clean && this.thread.alive && Atomics.load(this.h, L.FLAG) === L.FLAG_REQ && this.state === L.S_RUNNING) {
      if (this.rewindable()) return this.rewind();
      this.h[L.AKIND] = L.K_DIE;
      this.reusable = true;
      this.release(0, 0);
      this.ended?.(this);
      return;
    }
    this.thread.terminate();
  }

  /**
   * A VM of a shared thread ends alone when it waits in a request: a kernel call or its exit (clean),
   * its last word (the top level returned) or its crash report; K_DIE sets it aside for good. A VM that crashed
   * or broke the sandbox's rules leaves its thread closed to new VMs. One that has not reached its
   * script yet (booting, idle) or has ended (done, retired) runs nothing of a script's again: it is
   * left to stop at its first request, which nobody answers, and ends with its thread. One still
   * computing (the watchdog, an output flush handed to the OS) can only be stopped with its thread
   * and the other VMs in it.
   */
  private finishShared(clean: boolean): void {
    const t = this.thread;
    if (!t.alive || this.left) return;
    this.left = true;
    const h = this.h;
    const asking = Atomics.load(h, L.FLAG) === L.FLAG_REQ;
    const last = h[L.OP] === L.OP_FINAL || this.state === L.S_CRASHED;
    if (asking && ((clean && this.state === L.S_RUNNING) || last)) {
      t.open = false; // no new VM after one ended here (see SUSPENDED_STACK_KB)
      h[L.AKIND] = L.K_DIE;
      this.release(0, 0);
      t.left();
      return;
    }
    const st = this.state;
    if (st === L.S_BOOTING || st === L.S_IDLE || st === L.S_DONE || st === L.S_RETIRED) {
      t.open = false;
      t.left();
      return;
    }
    t.terminate('another VM of its worker thread ran away, and the thread was stopped with it');
  }

  /**
   * Rewinding pays only for a VM restored from a snapshot (it holds the snapshot to put back), in a
   * thread of its own (a shared one's stacks are set aside by JSPI), waiting in one of Python's kernel
   * calls (not an output flush or its last word), whose memory is the size it was restored at. Every
   * REWIND_RUNS runs it ends instead and its realm starts over. (Its thread's event loop, and V8's
   * tasks on it, get a turn while it waits for every 64th claim: sandbox/kernel.js idleThenRun.) A new
   * realm is dear in a warm process: its JavaScript (the glue, the sandbox) is optimized again, ~150 ms of
   * CPU, ~4 ms a run at one every 64 runs.
   */
  private rewindable(): boolean {
    const h = this.h;
    return (
      this.ended !== undefined &&
      rewindEnabled() &&
      snapshotsEnabled() &&
      this.image.restore !== undefined &&
      !this.thread.shared &&
      this.rewinds < REWIND_RUNS &&
      h[L.MEMKB] === this.image.restoreKb &&
      h[L.OP] >= 0 &&
      h[L.OP] < L.OP_INTERNAL
    );
  }

  /** Answers the VM's call with K_REWIND after setting its words back to a new VM's (it waits meanwhile). */
  private rewind(): void {
    const h = this.h;
    this.u8.set(zerosPastHeader(), L.HEADER_INTS * 4); // request data and output: nothing of the run stays in the buffer
    for (const w of REWIND_ZEROED) h[w] = 0;
    h[L.CLAIM] = L.C_IDLE;
    Atomics.store(h, L.STATE, L.S_BOOTING);
    h[L.AKIND] = L.K_REWIND;
    this.rewinds++;
    this.rewinding = true;
    this.release(0, 0);
    this.ended!(this);
  }

  /** True once after the VM was rewound (the pool takes it back as an idle VM of its boot). */
  takeRewound(): boolean {
    const r = this.rewinding;
    this.rewinding = false;
    return r;
  }

  /** The thread, once this VM ended cleanly (for the pool). */
  freeThread(): VmThread | undefined {
    return this.reusable && this.thread.alive ? this.thread : undefined;
  }
}

/** Rewinding ended VMs in place (SealedVm.rewind): ESP32SIM_VM_REWIND=0 turns it off. */
function rewindEnabled(): boolean {
  return process.env.ESP32SIM_VM_REWIND !== '0';
}
const REWIND_RUNS = 4096;
/** The header words a rewound VM starts its next claim with at 0, as a new VM (the rest: FLAG, the sleep words, MEMKB and RESTORED, are live or the VM's). */
const REWIND_ZEROED = [L.OP, L.A0, L.A0 + 1, L.A0 + 2, L.A0 + 3, L.A0 + 4, L.A0 + 5, L.DLEN, L.ICAP, L.AVAL, L.ALEN, L.OUTLEN, L.WHY, L.WHYARG, L.SEED, L.CALLS, L.OUTTOTAL_KB, L.MEMCAP_KB, L.TAGS, L.JITTER_MS, L.RUN_FLAGS];
