/**
 * The main thread's half of the hand-over on a worker's shared buffer: wait
 * for the worker's request (a bounded, adaptive spin, then Atomics.wait with a
 * wall-clock budget) and release it with an answer. The worker's half is in
 * micropython/sandbox/handover.js and typescript/worker.js. Only the worker the
 * main thread is with and the main thread ever spin (see LAYOUT.SPIN_* and Baton).
 */
import { LAYOUT as L } from './protocol';

const wallNow = (): number => performance.now(); // wall-clock-ok: waiting on a worker thread with a wall-clock budget

/**
 * Which worker the main thread is with, among the workers that share a Baton (a pool's VMs): when
 * the main thread turns to another one, the one it left is told (MAIN_SLEEP = MAIN_AWAY) and stops
 * spinning for its answer, so at most one of them and the main thread spin, and the worker released
 * next finds a core free to wake on. Only wall time: the words it writes change no answer.
 */
export class Baton {
  private holder: Int32Array | undefined;

  take(h: Int32Array): void {
    if (this.holder === h) return;
    if (this.holder) Atomics.store(this.holder, L.MAIN_SLEEP, L.MAIN_AWAY);
    this.holder = h;
  }
}

/** A spin's length in µs: halves while it does not pay, down to max >> SPIN_SHRINK, and doubles back while it does. */
function adapt(us: number, paid: boolean, max: number): number {
  return paid ? Math.min(us * 2, max) : Math.max(us / 2, max / (1 << L.SPIN_SHRINK));
}

export class Handover {
  /** The spins (µs) after releasing a worker that was spinning, and after waking a sleeping one (its request comes after its wake-up). */
  private spinUs: number = L.MAIN_SPIN_US;
  private wakeSpinUs: number = L.MAIN_WAKE_SPIN_US;
  /** The last release woke the worker. */
  private woke = false;

  constructor(
    private readonly h: Int32Array,
    private readonly alive: () => boolean,
    private readonly baton?: Baton,
  ) {}

  /** The worker's next request (its op), or -1 when `budgetMs` passed without one or the worker died. */
  next(budgetMs: number): number {
    const h = this.h;
    this.baton?.take(h);
    Atomics.store(h, L.MAIN_SLEEP, L.MAIN_WITH);
    if (Atomics.load(h, L.FLAG) === L.FLAG_REQ) return h[L.OP]; // already there: no spin, no verdict
    const woke = this.woke;
    this.woke = false;
    const spinUs = woke ? this.wakeSpinUs : this.spinUs;
    const until = wallNow() + spinUs / 1000;
    let slept = false;
    for (let i = 1; Atomics.load(h, L.FLAG) !== L.FLAG_REQ; i++) {
      if ((i & 15) !== 0 || wallNow() < until) continue;
      slept = true;
      break;
    }
    if (woke) this.wakeSpinUs = adapt(spinUs, !slept, L.MAIN_WAKE_SPIN_US);
    else this.spinUs = adapt(spinUs, !slept, L.MAIN_SPIN_US);
    if (slept && !this.sleep(budgetMs)) return -1;
    return h[L.OP];
  }

  /** Sleeps until the request comes: false when `budgetMs` passed without one or the worker died. */
  private sleep(budgetMs: number): boolean {
    const h = this.h;
    const end = wallNow() + budgetMs;
    Atomics.store(h, L.MAIN_SLEEP, L.MAIN_ASLEEP);
    for (;;) {
      const v = Atomics.load(h, L.FLAG);
      if (v === L.FLAG_REQ) break;
      const rem = end - wallNow();
      if (rem <= 0 || !this.alive()) {
        Atomics.store(h, L.MAIN_SLEEP, L.MAIN_WITH);
        return false;
      }
      Atomics.wait(h, L.FLAG, v, Math.min(rem, 50));
    }
    Atomics.store(h, L.MAIN_SLEEP, L.MAIN_WITH);
    return true;
  }

  /** Releases the worker with the answer already written, the virtual time (ms) and the callbacks due. */
  release(vtimeMs: number, pending: number): void {
    const h = this.h;
    this.baton?.take(h);
    h[L.VT_LO] = vtimeMs >>> 0;
    h[L.VT_HI] = Math.floor(vtimeMs / 4294967296);
    h[L.PENDING] = pending;
    Atomics.store(h, L.MAIN_SLEEP, L.MAIN_WITH);
    Atomics.store(h, L.FLAG, L.FLAG_ANS);
    this.woke = Atomics.load(h, L.VM_SLEEP) !== 0;
    if (this.woke) Atomics.notify(h, L.FLAG);
  }
}
