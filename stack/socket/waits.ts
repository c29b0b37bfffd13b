/**
 * Blocking in virtual time. A blocked call is a waiter: an `attempt` that is
 * re-run whenever something changed on the device's sockets (a "kick"), and an
 * optional deadline timer. Kicks are coalesced into one zero-delay event, so
 * the TCP core is never re-entered from inside its own callbacks and a burst
 * of segments wakes a waiter once.
 */
import type { Simulator, TimerId } from '../../sim/simulator';
import { objectArray } from '../../sim/arrays';
import type { Personality } from '../personality';

/** The timeout mode of a socket. null = blocking forever, 0 = non-blocking, else seconds. */
export type TimeoutMode = number | null;

/** How long a call may wait and what it answers when the wait runs out. */
export interface WaitPlan {
  /** Answer at once (non-blocking mode or MSG_DONTWAIT). */
  readonly nonBlocking: boolean;
  /** µs to wait; null = forever. */
  readonly limitUs: number | null;
  /** errno name when the wait runs out. */
  readonly expired: 'EAGAIN' | 'ETIMEDOUT';
}

/** The two plans every blocking or non-blocking call shares (one object each, not one per call). */
const NON_BLOCKING: WaitPlan = Object.freeze({ nonBlocking: true, limitUs: 0, expired: 'EAGAIN' });
const FOREVER: WaitPlan = Object.freeze({ nonBlocking: false, limitUs: null, expired: 'ETIMEDOUT' });

/**
 * MicroPython ESP32 (_socket_settimeout): timeout_ms = (uint64)(t*1000);
 * retries = timeout_ms*1000 / SOCKET_POLL_US; the call waits retries+1 slices
 * of 100 ms and answers EAGAIN when retries is 0, ETIMEDOUT otherwise;
 * timeout_ms 0 is non-blocking. CPython: an exact deadline, socket.timeout.
 */
export function planWait(p: Personality, mode: TimeoutMode, dontWait = false): WaitPlan {
  if (dontWait || mode === 0) return NON_BLOCKING;
  if (mode === null) return FOREVER;
  const slice = p.recvTimeoutSliceUs;
  if (slice !== null) {
    const ms = Math.floor(mode * 1000);
    if (ms <= 0) return NON_BLOCKING;
    const retries = Math.floor((ms * 1000) / slice);
    return { nonBlocking: false, limitUs: (retries + 1) * slice, expired: retries === 0 ? 'EAGAIN' : 'ETIMEDOUT' };
  }
  const us = Math.round(mode * 1_000_000);
  if (us <= 0) return NON_BLOCKING;
  return { nonBlocking: false, limitUs: us, expired: 'ETIMEDOUT' };
}

/**
 * One blocked call. A socket's hot call (TCP recv) implements it, so a wait is
 * one object; block() wraps closures in one. An interface, not a base class:
 * a derived class's super() call went through a generic V8 builtin
 * (FindNonDefaultConstructorOrConstruct), 0.4% of the tcp-stack bench's time
 * for one recv wait per data segment.
 */
export interface Waiter {
  /** The deadline's timer, set by Waits (start it as undefined). */
  timer: TimerId | undefined;
  /** Set by Waits once the wait has ended (start it as false). */
  done: boolean;
  /** Ties the wait to a socket so close() can end it. */
  readonly owner: object | undefined;
  /** Returns true once the call has completed (it answered its own callback). */
  attempt(): boolean;
  /** The wait ran out. */
  expire(): void;
  /** The socket was closed under it (EBADF). */
  closed(): void;
}

class ClosureWaiter implements Waiter {
  timer: TimerId | undefined = undefined;
  done = false;

  constructor(
    readonly owner: object | undefined,
    private readonly tryIt: () => boolean,
    private readonly onExpire: () => void,
    private readonly onClosed: (() => void) | undefined,
  ) {}

  attempt(): boolean {
    return this.tryIt();
  }

  expire(): void {
    this.onExpire();
  }

  closed(): void {
    this.onClosed?.();
  }
}

function onKick(w: Waits, generation: number): void {
  w.runKickEvent(generation);
}

export class Waits {
  private list: Waiter[] = objectArray();
  /** runKick's copy of `list` (reused). */
  private readonly snapshot: Waiter[] = objectArray();
  private kickPending = false;
  /** Bumped by clear(): a kick event posted before it finds itself stale. */
  private generation = 0;
  /** The waiter whose attempt is running: its answer may call close() on its own socket. */
  private running: Waiter | undefined;

  constructor(private readonly sim: Simulator) {}

  get size(): number {
    return this.list.length;
  }

  /**
   * Runs `attempt` now; if it did not complete, waits for kicks until it does
   * or `limitUs` passes (then `expire` answers). `owner` ties the wait to a
   * socket so close() can end it.
   */
  block(
    owner: object | undefined,
    attempt: () => boolean,
    limitUs: number | null,
    expire: () => void,
    closed?: () => void,
  ): void {
    if (attempt()) return;
    this.enlist(new ClosureWaiter(owner, attempt, expire, closed), limitUs);
  }

  /** block() for a call that is its own Waiter. */
  blockWaiter(w: Waiter, limitUs: number | null): void {
    if (w.attempt()) return;
    this.enlist(w, limitUs);
  }

  /** blockWaiter() for a Waiter whose attempt has just failed (the caller tried it itself). */
  enlist(w: Waiter, limitUs: number | null): void {
    if (limitUs !== null) {
      w.timer = this.sim.schedule(limitUs, () => {
        if (w.done) return;
        this.finish(w);
        w.expire();
      });
    }
    this.list.push(w);
  }

  /** Something changed: re-run every waiter's attempt (once, after the current event). */
  kick(): void {
    if (this.kickPending || this.list.length === 0) return;
    this.kickPending = true;
    this.sim.post(this.sim.now, onKick, this, this.generation);
  }

  /** Ends the waits of `owner`, answering each through its `closed` callback (EBADF). */
  cancelOwner(owner: object): void {
    for (const w of [...this.list]) {
      // A wait that is answering right now (its callback closed the socket) has already been answered.
      if (w.owner !== owner || w === this.running) continue;
      this.finish(w);
      w.closed();
    }
  }

  /** Drops every wait without answering it (process gone, power off). */
  clear(): void {
    for (const w of this.list) {
      w.done = true;
      this.sim.cancel(w.timer);
    }
    this.list = objectArray();
    this.kickPending = false;
    this.generation++;
  }

  /** The kick's event (see onKick). */
  runKickEvent(generation: number): void {
    if (generation !== this.generation) return;
    this.kickPending = false;
    this.runKick();
  }

  private runKick(): void {
    if (this.list.length === 1) return this.runOne(this.list[0]);
    // A snapshot: attempts may add waits (answered by a later kick) or end others.
    const nested = this.snapshot.length > 0;
    const ws = nested ? [...this.list] : this.snapshot;
    if (!nested) for (const w of this.list) ws.push(w);
    try {
      for (let i = 0; i < ws.length; i++) this.runOne(ws[i]);
    } finally {
      if (!nested) ws.length = 0;
    }
  }

  private runOne(w: Waiter): void {
    if (w.done) return;
    this.running = w;
    let answered: boolean;
    try {
      answered = w.attempt();
    } finally {
      this.running = undefined;
    }
    if (answered) this.finish(w);
  }

  private finish(w: Waiter): void {
    w.done = true;
    this.sim.cancel(w.timer);
    const l = this.list;
    const i = l.indexOf(w);
    if (i < 0) return;
    // As splice(i, 1), without the array of removed elements.
    for (let k = i + 1; k < l.length; k++) l[k - 1] = l[k];
    l.pop();
  }
}
