/**
 * The main thread's half of the hand-over on a worker's shared buffer: wait
 * for the worker's request (a bounded, adaptive spin, then Atomics.wait with a
 * wall-clock budget) and release it with an answer. The worker's half is
 * micropython/sandbox/handover.js (a TypeScript device's worker uses it too). Only the running
 * worker and the main thread ever spin, briefly (see LAYOUT.SPIN_*).
 */
import { LAYOUT as L } from './protocol';

const wallNow = (): number => performance.now(); // wall-clock-ok: waiting on a worker thread with a wall-clock budget

/**
 * Whether the two sides of a hand-over may spin: ESP32SIM_SPIN=0 turns it off, for a thread that runs
 * one of several simulations at once on too few cores (run --jobs sets it): there a spinning thread
 * takes the core that the other side, or another run, needs. Read when a hand-over is made, and by a
 * VM at its claim (LAYOUT.RUN_NO_SPIN).
 */
export function spinsAllowed(): boolean {
  return process.env.ESP32SIM_SPIN !== '0';
}

export class Handover {
  /** Failed spins in a row, per op last answered (the worker's next request comes at once after a sendto, late after a sleep). */
  private readonly spinFails = new Uint8Array(L.SPIN_SLOTS);
  /** Waits without a spin since the slot gave up, per slot (a probe every SPIN_PROBE). */
  private readonly spinSkips = new Uint8Array(L.SPIN_SLOTS);
  private answered = 0;

  constructor(
    private readonly h: Int32Array,
    private readonly alive: () => boolean,
    private readonly spinMax = spinsAllowed() ? L.MAIN_SPIN_MAX : 0,
  ) {}

  /** The worker's next request (its op), or -1 when `budgetMs` passed without one or the worker died. */
  next(budgetMs: number): number {
    const h = this.h;
    const slot = this.answered;
    const fails = this.spinFails[slot];
    const budget = fails < L.SPIN_GIVEUP || ++this.spinSkips[slot] % L.SPIN_PROBE === 0 ? this.spinMax : 0;
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
    if (budget && !ready) this.spinFails[slot] = n >= 0 ? 0 : Math.min(fails + 1, 255);
    return h[L.OP];
  }

  /** Releases the worker with the answer already written, the virtual time (ms) and the callbacks due. */
  release(vtimeMs: number, pending: number): void {
    const h = this.h;
    this.answered = h[L.OP] & (L.SPIN_SLOTS - 1);
    h[L.VT_LO] = vtimeMs >>> 0;
    h[L.VT_HI] = Math.floor(vtimeMs / 4294967296);
    h[L.PENDING] = pending;
    Atomics.store(h, L.FLAG, L.FLAG_ANS);
    if (Atomics.load(h, L.VM_SLEEP) !== 0) Atomics.notify(h, L.FLAG);
  }
}
