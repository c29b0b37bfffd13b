/**
 * One running script on a board: resumes its runtime from simulator events,
 * one syscall at a time, charging the board's syscall cost in virtual time.
 * When the script ends (or crashes) the OS closes its sockets as an OS does.
 *
 * Safe points (board callbacks, MicroPython runtimes only): every answer says
 * whether callbacks are pending (`irq`). When one is raised while the script
 * blocks in a call, that call is set aside ("parked") and answered at once with
 * ERRNO_CALLBACKS; the script runs its callbacks and sends IRQ_RESUME_OP, which
 * goes on waiting for the parked call (its answer, if it came meanwhile, is
 * delivered at once). One call is parked at a time: callbacks raised while the
 * script runs callbacks ride on the next answer.
 */
import type { BoardApi } from '../contracts';
import type { ScriptState } from './contract';
import { ERRNO_CALLBACKS, ERRNO_KEYBOARD_INTERRUPT, IRQ_RESUME_OP, type ScriptRuntime, type SysResult, type Syscall } from './contract';
import { ScriptOs } from './os';
import type { WallClock } from './wallclock';

export interface ScriptProcessOptions {
  personality?: 'esp32' | 'pc';
  /** Name in traces (e.g. the script's filename). */
  name?: string;
  /** Wall time the script uses is charged to this board (the wall-clock safety nets name it). */
  clock?: WallClock;
}

export type ExitListener = (code: number, reason: string) => void;

/** A call handed to the OS, until its answer reaches the script. */
interface PendingOp {
  result?: SysResult;
  /** Made by a callback (callbacks do not nest): never set aside. */
  noPark?: boolean;
}

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as Promise<T>)?.then === 'function';
}

export class ScriptProcess {
  private _state: ScriptState = 'not-started';
  private _exitCode: number | undefined;
  private _failure: string | undefined;
  private readonly os: ScriptOs;
  private readonly listeners: ExitListener[] = [];
  /** Bumped whenever an answer is delivered or the process stops: stale answers are dropped. */
  private token = 0;
  /** A syscall handed to the OS and not yet answered. */
  private waiting = false;
  private interruptPending = false;
  /** The call the script waits on, and the one set aside for callbacks. */
  private current: PendingOp | undefined;
  private parked: PendingOp | undefined;
  private unsubscribeIrq: (() => void) | undefined;
  syscalls = 0;

  constructor(
    private readonly board: BoardApi,
    private readonly runtime: ScriptRuntime,
    private readonly opts: ScriptProcessOptions = {},
  ) {
    this.os = new ScriptOs(board, { personality: opts.personality ?? board.kind, bootUs: board.sim.now });
  }

  get state(): ScriptState {
    return this._state;
  }
  get exitCode(): number | undefined {
    return this._exitCode;
  }
  get failure(): string | undefined {
    return this._failure;
  }

  /** The script's memory (a MicroPython VM's wasm memory), while it runs. */
  memoryBytes(): number | undefined {
    return this._state === 'running' ? this.runtime.memoryBytes?.() : undefined;
  }

  onExit(fn: ExitListener): void {
    this.listeners.push(fn);
  }

  start(): void {
    if (this._state !== 'not-started') return;
    this._state = 'running';
    this.board.sim.trace.emit(this.board.id, 'script', 'start', { file: this.opts.name ?? '' });
    if (this.runtime.softIrqs && this.board.irqs) this.unsubscribeIrq = this.board.irqs.onRaise(() => this.irqRaised());
    const token = this.token;
    this.board.sim.schedule(0, () => (token === this.token ? this.step(() => this.runtime.start()) : undefined));
  }

  /** Ctrl-C: KeyboardInterrupt at the script's next kernel call, or now if it is blocked in one. */
  interrupt(): void {
    if (this._state !== 'running') return;
    if (this.waiting) this.deliver(this.token, { ok: false, errno: ERRNO_KEYBOARD_INTERRUPT });
    else this.interruptPending = true;
  }

  /** Stops the script for good without OS cleanup (power off, reset, end of run). */
  kill(): void {
    if (this._state === 'exited' || this._state === 'crashed' || this._state === 'killed') return;
    this.token++;
    this._state = 'killed';
    this._failure ??= 'killed';
    this.unsubscribeIrq?.();
    this.runtime.kill();
    this.board.sim.trace.emit(this.board.id, 'script', 'kill', {});
  }

  private step(next: () => Syscall | Promise<Syscall>): void | Promise<void> {
    const clock = this.opts.clock;
    let r: Syscall | Promise<Syscall>;
    clock?.enter(this.board.id);
    try {
      r = next();
    } catch (e) {
      clock?.leave();
      return this.finish(1, `runtime error: ${(e as Error)?.message ?? String(e)}`);
    }
    if (isPromise(r)) {
      return r.then(
        (c) => {
          clock?.leave();
          this.handle(c);
        },
        (e: unknown) => {
          clock?.leave();
          this.finish(1, `runtime error: ${(e as Error)?.message ?? String(e)}`);
        },
      );
    }
    clock?.leave();
    this.handle(r);
  }

  private handle(call: Syscall): void {
    if (this._state !== 'running') return;
    if (call.op === 'exit') {
      const code = typeof call.args[0] === 'number' ? call.args[0] : 1;
      return this.finish(code, typeof call.args[1] === 'string' ? call.args[1] : '');
    }
    this.syscalls++;
    const token = this.token;
    this.board.sim.schedule(this.board.syscallCostUs, () => {
      if (token !== this.token || this._state !== 'running') return;
      this.waiting = true;
      if (this.interruptPending) {
        this.interruptPending = false;
        return this.deliver(token, { ok: false, errno: ERRNO_KEYBOARD_INTERRUPT });
      }
      if (call.op === IRQ_RESUME_OP) return this.resumeParked(token, call.args[0] === 1, call.args[0] === 2);
      const op: PendingOp = {};
      this.current = op;
      this.os.dispatch(call, (res) => this.complete(op, res));
      // A call that blocks while callbacks are already due (raised as it was on its way) is set aside at once.
      if (this.current === op && this.runtime.softIrqs && this.board.irqs?.pending) this.irqRaised();
    });
  }

  /** The OS answered `op`: to the script, or kept for later if it was set aside for callbacks. */
  private complete(op: PendingOp, res: SysResult): void {
    if (op === this.parked) {
      op.result = res;
      return;
    }
    if (op === this.current) this.deliver(this.token, res);
  }

  /** A callback became due: a blocked call is set aside so the script can run it now. */
  private irqRaised(): void {
    if (this._state !== 'running' || !this.waiting || !this.current || this.current.noPark || this.parked) return;
    this.parked = this.current;
    this.deliver(this.token, { ok: false, errno: ERRNO_CALLBACKS });
  }

  /**
   * The script ran its callbacks and waits for the call it had set aside. Callbacks that became
   * due meanwhile set it aside again at once, unless the call was made inside a callback
   * (`inCallback`: they wait until that callback returns). `woken`: a callback made the wait
   * pointless (asyncio's ThreadSafeFlag): it ends at once with None.
   */
  private resumeParked(token: number, inCallback: boolean, woken: boolean): void {
    const op = this.parked;
    this.parked = undefined;
    if (!op) return this.deliver(token, { ok: false, errno: 22 });
    if (op.result) return this.deliver(token, op.result);
    // A callback woke the script's event loop: its wait ends now, empty-handed (the OS's answer, later, goes nowhere).
    if (woken) return this.deliver(token, { ok: true, value: null });
    if (inCallback) op.noPark = true;
    else if (this.board.irqs?.pending) {
      this.parked = op;
      return this.deliver(token, { ok: false, errno: ERRNO_CALLBACKS });
    }
    this.current = op; // still waiting: its answer goes to the script when it comes
  }

  private deliver(token: number, res: SysResult): void {
    if (token !== this.token || this._state !== 'running') return;
    this.token++;
    this.waiting = false;
    this.current = undefined;
    const t = this.token;
    this.board.sim.schedule(0, () => (t === this.token ? this.step(() => this.runtime.resume(this.withIrq(res))) : undefined));
  }

  /** The answer as the script gets it: flagged when callbacks are pending at this safe point. */
  private withIrq(res: SysResult): SysResult {
    return this.runtime.softIrqs && this.board.irqs?.pending ? { ...res, irq: this.board.irqs.pending } : res;
  }

  private finish(code: number, reason: string): void {
    if (this._state !== 'running') return;
    this.token++;
    this.unsubscribeIrq?.();
    this._exitCode = code;
    this._state = code === 0 || code === 130 ? 'exited' : 'crashed';
    if (code !== 0) this._failure = reason;
    this.runtime.kill();
    this.board.sockets.closeAll();
    const last = reason.trimEnd().split('\n').pop() ?? '';
    this.board.sim.trace.emit(this.board.id, 'script', code === 0 || code === 130 ? 'exit' : 'crash', code === 0 ? { code } : { code, reason: last });
    for (const l of this.listeners) l(code, reason);
  }
}
