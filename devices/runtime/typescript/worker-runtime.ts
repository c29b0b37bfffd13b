/**
 * TsWorkerRuntime: a TypeScript or JavaScript device script loaded from its
 * file, run in its own worker thread (./worker.js) over the same bridge as a
 * MicroPython VM (../bridge/host.ts). One script runs at a time (the worker
 * blocks in each call), and one that never yields is stopped by the watchdog
 * (its thread is terminated) instead of holding the whole process.
 *
 * The script is trusted code with full Node access in its thread, like a jest
 * test: untrusted (student) code belongs in MicroPython scripts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Handover } from '../bridge/handover';
import { BridgeRuntime, type BridgeOptions, type BridgePeer } from '../bridge/host';
import { LAYOUT as L } from '../bridge/protocol';
import type { SysValue } from '../contract';

const WORKER = path.join(__dirname, 'worker.js');
/** The env module the worker loads: compiled beside this file in dist/, the TypeScript source in a clone. */
const ENV = ['env.js', 'env.ts'].map((f) => path.join(__dirname, f)).find((f) => fs.existsSync(f)) ?? path.join(__dirname, 'env.js');

class TsThread implements BridgePeer {
  readonly sab = new SharedArrayBuffer(L.TOTAL);
  readonly h = new Int32Array(this.sab, 0, L.HEADER_INTS);
  readonly u8 = new Uint8Array(this.sab);
  readonly memCapBytes = Number.POSITIVE_INFINITY;
  private readonly worker: Worker;
  private readonly handover = new Handover(this.h, () => this.alive);
  private exited = false;
  private error: string | undefined;

  constructor(script: { modulePath: string; filename: string; personality: 'esp32' | 'pc' }) {
    this.worker = new Worker(WORKER, {
      workerData: { sab: this.sab, layout: L, envModule: ENV, ...script },
      execArgv: [],
      stderr: false,
    });
    this.worker.on('error', (e: Error) => {
      this.error = String(e?.message ?? e);
    });
    this.worker.on('exit', () => {
      this.exited = true;
    });
    this.worker.unref();
  }

  get alive(): boolean {
    return !this.exited && this.error === undefined;
  }

  next(budgetMs: number): number {
    return this.handover.next(budgetMs);
  }

  release(vtimeMs: number, pending: number): void {
    this.handover.release(vtimeMs, pending);
  }

  finish(): void {
    void this.worker.terminate();
  }

  crashInfo(): string {
    if (this.error) return `the script's thread failed: ${this.error}`;
    return this.h[L.WHY] === L.W_UNCAUGHT ? 'an error escaped the script (thrown outside its promise chain)' : "the script's thread stopped";
  }

  memoryBytes(): number {
    return 0;
  }
}

export class TsWorkerRuntime extends BridgeRuntime {
  constructor(script: { modulePath: string; filename: string; personality: 'esp32' | 'pc' }, opts: BridgeOptions) {
    super(new TsThread(script), opts);
  }

  protected config(): SysValue {
    return null;
  }

  protected source(): Uint8Array {
    return new Uint8Array(0);
  }
}
