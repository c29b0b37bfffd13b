/**
 * The main thread's half of the hand-over on a worker's shared buffer: wait
 * for the worker's request (a bounded, adaptive spin, then Atomics.wait with a
 * wall-clock budget) and release it with an answer. The worker's half is in
 * micropython/sandbox/kernel.js and typescript/worker.js. Only the running
 * worker and the main thread ever spin, briefly (see LAYOUT.SPIN_*).
 */
import { LAYOUT as L } from './protocol';

const wallNow = (): number => performance.now(); // wall-clock-ok: waiting on a worker thread with a wall-clock budget

export class Handover {
  private spinFails = 0;
  private spinProbe = 0;

  constructor(
    private readonly h: Int32Array,
    private readonly alive: () => boolean,
  ) {}

  /** The worker's next request (its op), or -1 when `budgetMs` passed without one or the worker died. */
  next(budgetMs: number): number {
    const h = this.h;
    const budget = this.spinFails < L.SPIN_GIVEUP || ++this.spinProbe % L.SPIN_PROBE === 0 ? L.MAIN_SPIN_MAX : 0;
    let n = budget;
    const ready = Atomics.load(h, L.FLAG) === L.FLAG_REQ;
    while (Atomics.load(h, L.FLAG) !== L.FLAG_REQ) {
      if (--n > 0) continue;
      n = -1;
      const end = wallNow() + budgetMs;
      Atomics.store(h, L.MAIN_SLEEP, 1);
      for (;;) {
        const v = Atomics.load(h, L.FLAG);
        if (v === L.FLAG_REQ) break;
        const rem = end - wallNow();
        if (rem <= 0 || !this.alive()) {
          Atomics.store(h, L.MAIN_SLEEP, 0);
          return -1;
        }
        Atomics.wait(h, L.FLAG, v, Math.min(rem, 50));
      }
      Atomics.store(h, L.MAIN_SLEEP, 0);
      break;
    }
    // A spin pays when the request came within it (no sleep, no notify); a sleep counts against spinning.
    if (budget && !ready) {
      if (n >= 0) this.spinFails = 0;
      else this.spinFails++;
    }
    return h[L.OP];
  }

  /** Releases the worker with the answer already written, the virtual time (ms) and the callbacks due. */
  release(vtimeMs: number, pending: number): void {
    const h = this.h;
    h[L.VT_LO] = vtimeMs >>> 0;
    h[L.VT_HI] = Math.floor(vtimeMs / 4294967296);
    h[L.PENDING] = pending;
    Atomics.store(h, L.FLAG, L.FLAG_ANS);
    if (Atomics.load(h, L.VM_SLEEP) !== 0) Atomics.notify(h, L.FLAG);
  }
}
