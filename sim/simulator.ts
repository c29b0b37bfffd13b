/**
 * The discrete-event kernel: an integer-microsecond virtual clock and an event
 * heap ordered by (time, insertion seq). One instance per simulation, never a
 * singleton. Events are plain callbacks; a callback that returns a promise (a
 * TypeScript script being resumed) is awaited before the next event runs, so
 * exactly one thing happens at a time.
 */
import { EventHeap } from './heap';
import { objectArray } from './arrays';
import { Rng, RngStreams } from './rng';
import { Trace } from './trace';

export type Micros = number;
export type TimerId = number;

export const US_PER_MS = 1000;
export const US_PER_S = 1_000_000;

type EventFn = () => void | Promise<void>;
/** A posted event's callback: called with the two values given to post(). */
export type PostFn<A, B> = (a: A, b: B) => void;

interface Event {
  time: number;
  seq: number;
  /** 0 for a posted event (it cannot be cancelled and is not in `live`). */
  id: TimerId;
  fn: (a: unknown, b: unknown) => void | Promise<void>;
  a: unknown;
  b: unknown;
  /** Kept by the heap. */
  pos: number;
  /** The lane this posted event belongs to, or null. */
  lane: Lane | null;
  /** Set while the event is the first hop of a relay (see Relay). */
  relay: Relay<unknown, unknown> | null;
}

/**
 * The second hop of two-hop events (a frame crossing a medium: the sender's
 * hop, then the receiver's). An event posted with relay() runs no callback when
 * due: the kernel posts the same record on at once, `delay` µs later through
 * `lane`, as a callback posting it there would (same time, same place in the
 * order), and it then runs fn(target, a). A delay of 0 runs fn(target, a) at
 * the first hop's time.
 */
export class Relay<T, A> {
  constructor(
    readonly lane: Lane,
    readonly delay: Micros,
    readonly fn: PostFn<T, A>,
    readonly target: T,
  ) {}
}

/**
 * A FIFO of posted events whose (time, seq) keys only grow (one link's frames
 * in order). Only its head sits in the heap, so the heap holds one entry per
 * lane instead of one per frame in flight; the order of events is the same as
 * with post(), since keys are unique and each lane is already sorted.
 */
export class Lane {
  /** @internal Queued events after the head (which is in the heap): a ring, its length a power of two. */
  q: (Event | null)[] = new Array<Event | null>(16).fill(null);
  /** @internal Index of the next queued event in q. */
  first = 0;
  /** @internal How many events are queued in q. */
  count = 0;
  /** @internal Whether the lane's head is in the heap. */
  active = false;
  /** @internal Time of the lane's last event. */
  last = 0;

  /** @internal */
  enqueue(ev: Event): void {
    let q = this.q;
    if (this.count === q.length) {
      // Full: twice the room, in order from 0 (a ring that never shrinks allocates nothing per event).
      const bigger = new Array<Event | null>(q.length * 2).fill(null);
      for (let i = 0; i < this.count; i++) bigger[i] = q[(this.first + i) & (q.length - 1)];
      this.q = q = bigger;
      this.first = 0;
    }
    q[(this.first + this.count++) & (q.length - 1)] = ev;
  }

  /** @internal The next queued event, or null. */
  dequeue(): Event | null {
    if (this.count === 0) return null;
    const q = this.q;
    const ev = q[this.first];
    q[this.first] = null;
    this.first = (this.first + 1) & (q.length - 1);
    this.count--;
    return ev;
  }
}

/** Spent event records kept for reuse (a frame in flight costs no allocation in the kernel). */
const POOL_MAX = 4096;

export interface RunOptions {
  /** Stop before any event later than this absolute virtual time (µs); the clock is advanced to it. */
  until?: Micros;
  /** Same as `until: now + for`. */
  for?: Micros;
  /** Checked after every event; the run stops as soon as it returns true. */
  stopWhen?: () => boolean;
}

export type RunOutcome = 'condition' | 'until' | 'idle' | 'stopped';

/** xstate v5 `clock`: setTimeout/clearTimeout in milliseconds, backed by virtual time. */
export interface XstateClock {
  setTimeout(fn: (...args: unknown[]) => void, ms: number): TimerId; // wall-clock-ok: the virtual clock's own signature
  clearTimeout(id: unknown): void;
}

export class Simulator {
  private heap = new EventHeap<Event>();
  private live = new Map<TimerId, Event>();
  /** Spent records for reuse: pool[0..poolSize) (a count of its own: no array push/pop builtin per event). */
  private pool: Event[] = objectArray();
  private poolSize = 0;
  /**
   * Posted events due at the time they were posted, in (time, seq) order: a
   * FIFO beside the heap, not in it (step() takes whichever of its head and
   * the heap's top comes first), so a socket's kick costs no heap sift.
   */
  private readonly nowLane = new Lane();
  /** Posted events not yet run. */
  private posted = 0;
  private seq = 0;
  private nextId = 1;
  private _now: Micros = 0;
  private stopRequested = false;
  private running = false;
  readonly rngs: RngStreams;
  readonly trace: Trace;
  readonly clock: XstateClock;
  eventsRun = 0;

  constructor(readonly seed = 1) {
    this.rngs = new RngStreams(seed);
    this.trace = new Trace(() => this._now);
    this.clock = {
      setTimeout: (fn, ms) => this.schedule(Math.round(ms * US_PER_MS), () => fn()),
      clearTimeout: (id) => {
        this.cancel(id as TimerId);
      },
    };
  }

  get now(): Micros {
    return this._now;
  }

  get pending(): number {
    return this.live.size + this.posted;
  }

  rng(name: string): Rng {
    return this.rngs.stream(name);
  }

  /** Runs `fn` after `delay` µs of virtual time (0 = after everything already due now). */
  schedule(delay: Micros, fn: EventFn): TimerId {
    if (!(delay >= 0) || !Number.isFinite(delay)) throw new RangeError(`bad delay ${delay}`);
    return this.at(this._now + Math.round(delay), fn);
  }

  /** Runs `fn` at absolute virtual time `time` µs (clamped to now). */
  at(time: Micros, fn: EventFn): TimerId {
    const ev = this.event(time, this.nextId++, fn, undefined, undefined);
    this.heap.push(ev);
    this.live.set(ev.id, ev);
    return ev.id;
  }

  /**
   * Takes the place in the event order that at() would give an event now and
   * returns it, for a timer pushed later with atReserved() that must run as if
   * at() had been called now (a timer whose earlier event is still pending and
   * will move it on when it fires). Ids stay what they would be with at().
   */
  reserve(): number {
    this.nextId++;
    return this.seq++;
  }

  /**
   * at() in the place `seq` from reserve() (not from the time of this call). Its
   * id is -(seq + 1): unique, and the ids of all other timers stay as with at().
   */
  atReserved(time: Micros, seq: number, fn: EventFn): TimerId {
    const ev = this.event(time, -(seq + 1), fn, undefined, undefined);
    this.seq--; // event() took a new seq: give it back, the reserved one stands in
    ev.seq = seq;
    this.heap.push(ev);
    this.live.set(ev.id, ev);
    return ev.id;
  }

  /**
   * Runs `fn(a, b)` at absolute virtual time `time` µs (clamped to now), in the
   * same (time, insertion) order as at(). For the hot paths (a frame in
   * flight): no closure, no id, no cancel; the event record is recycled.
   */
  post<A, B>(time: Micros, fn: PostFn<A, B>, a: A, b: B): void {
    // Events due now come in time order: one FIFO for them all.
    if (time <= this._now) {
      this.nextId++;
      this.posted++;
      return this.nowLane.enqueue(this.event(time, 0, fn as Event['fn'], a, b));
    }
    this.nextId++; // keeps the ids of later timers what they would be with at()
    this.posted++;
    this.heap.push(this.event(time, 0, fn as Event['fn'], a, b));
  }

  /** A new lane for postLane(). */
  lane(): Lane {
    return new Lane();
  }

  /**
   * post() through `lane`, for events that mostly come in time order. One
   * earlier than the lane's last event goes to the heap on its own (same
   * order as post() either way).
   */
  postLane<A, B>(lane: Lane, time: Micros, fn: PostFn<A, B>, a: A, b: B): void {
    this.nextId++;
    this.posted++;
    this.enlane(lane, this.event(time, 0, fn as Event['fn'], a, b));
  }

  /**
   * post() (lane null) or postLane() of the first hop of `relay`: at `time`
   * it goes on through relay.lane, then runs relay.fn(relay.target, a).
   */
  relay<T, A>(lane: Lane | null, time: Micros, relay: Relay<T, A>, a: A): void {
    this.nextId++;
    this.posted++;
    const ev = this.event(time, 0, noop, a, undefined);
    ev.relay = relay as Relay<unknown, unknown>;
    if (lane !== null) this.enlane(lane, ev);
    else if (time <= this._now) this.nowLane.enqueue(ev);
    else this.heap.push(ev);
  }

  private enlane(lane: Lane, ev: Event): void {
    if (!lane.active) {
      lane.active = true;
      lane.last = ev.time;
      ev.lane = lane;
      this.heap.push(ev);
    } else if (ev.time >= lane.last) {
      lane.last = ev.time;
      ev.lane = lane;
      lane.enqueue(ev);
    } else this.heap.push(ev);
  }

  /** An event's time: `time` rounded to the µs, never before now. */
  private due(time: Micros): Micros {
    return Math.max(Math.round(time), this._now);
  }

  private event(time: Micros, id: TimerId, fn: Event['fn'], a: unknown, b: unknown): Event {
    const t = this.due(time);
    const ev = this.poolSize > 0 ? this.pool[--this.poolSize] : undefined;
    if (ev === undefined) return { time: t, seq: this.seq++, id, fn, a, b, pos: -1, lane: null, relay: null };
    ev.time = t;
    ev.seq = this.seq++;
    ev.id = id;
    ev.fn = fn;
    ev.a = a;
    ev.b = b;
    return ev;
  }

  private recycle(ev: Event): void {
    ev.fn = noop;
    ev.a = ev.b = undefined;
    ev.lane = null;
    ev.relay = null;
    if (this.poolSize < POOL_MAX) this.pool[this.poolSize++] = ev;
  }

  /** Cancels a pending event; returns false if it already ran or was cancelled. */
  cancel(id: TimerId | undefined): boolean {
    if (id === undefined) return false;
    const ev = this.live.get(id);
    if (!ev) return false;
    this.live.delete(id);
    // Out of the heap at once: a cancelled timer costs nothing later (the others keep their order).
    this.heap.remove(ev);
    this.recycle(ev);
    return true;
  }

  isPending(id: TimerId | undefined): boolean {
    return id !== undefined && this.live.has(id);
  }

  /** Makes the current run() return after the event in progress. */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Runs events in order until the queue is empty, `until` is reached, `stopWhen`
   * holds or stop() is called. Returns why it stopped.
   */
  async run(opts: RunOptions = {}): Promise<RunOutcome> {
    const until = this.begin(opts);
    try {
      if (opts.stopWhen?.()) return 'condition';
      for (;;) {
        const r = this.step(until);
        if (typeof r === 'string') return r;
        if (r) await r;
        if (opts.stopWhen?.()) return 'condition';
      }
    } finally {
      this.running = false;
    }
  }

  /** Synchronous variant for pure-network runs (throws if an event returns a promise). */
  runSync(opts: RunOptions = {}): RunOutcome {
    const until = this.begin(opts);
    try {
      if (opts.stopWhen?.()) return 'condition';
      for (;;) {
        const r = this.step(until);
        if (typeof r === 'string') return r;
        if (r) throw new Error('runSync(): an event returned a promise; use run()');
        if (opts.stopWhen?.()) return 'condition';
      }
    } finally {
      this.running = false;
    }
  }

  private begin(opts: RunOptions): Micros | undefined {
    if (this.running) throw new Error('Simulator.run() is already running');
    this.running = true;
    this.stopRequested = false;
    return opts.for !== undefined ? this._now + opts.for : opts.until;
  }

  /** Runs the next due event; returns why the run must end, or the event's promise if it returned one. */
  private step(until: Micros | undefined): RunOutcome | Promise<void> | undefined {
    if (this.stopRequested) return 'stopped';
    // Cancelled events have already left the heap (cancel()): the next to run is its top or the due-now FIFO's head.
    const top = this.heap.peek();
    const nowQ = this.nowLane;
    const head = nowQ.count > 0 ? nowQ.q[nowQ.first]! : undefined;
    const ev = head !== undefined && (top === undefined || head.time < top.time || (head.time === top.time && head.seq < top.seq)) ? head : top;
    if (!ev) return 'idle';
    if (until !== undefined && ev.time > until) {
      this._now = Math.max(this._now, until);
      return 'until';
    }
    const lane = ev.lane;
    if (ev === head) nowQ.dequeue();
    else if (lane === null) this.heap.pop();
    else {
      const next = lane.dequeue();
      if (next !== null) this.heap.replaceTop(next);
      else {
        lane.active = false;
        this.heap.pop();
      }
    }
    const { id, fn, a, b, relay } = ev;
    if (id !== 0) this.live.delete(id);
    else this.posted--;
    this._now = ev.time;
    this.eventsRun++;
    if (relay !== null) return this.relayOn(ev, relay);
    this.recycle(ev);
    const r = id === 0 ? fn(a, b) : (fn as EventFn)();
    return r && typeof (r as Promise<void>).then === 'function' ? (r as Promise<void>) : undefined;
  }

  /** A relay's first hop is due: the record goes on to the second (what postLane() from a callback would do). */
  private relayOn(ev: Event, relay: Relay<unknown, unknown>): undefined {
    const a = ev.a;
    if (relay.delay > 0) {
      this.nextId++;
      this.posted++;
      ev.time = this.due(this._now + relay.delay);
      ev.seq = this.seq++;
      ev.fn = relay.fn;
      ev.a = relay.target;
      ev.b = a;
      ev.lane = null;
      ev.relay = null;
      this.enlane(relay.lane, ev);
      return undefined;
    }
    this.recycle(ev);
    relay.fn(relay.target, a);
    return undefined;
  }
}

function noop(): void {}

/** Parses "1.5s", "250ms", "40us", "2m", or a bare number of seconds into µs. */
export function parseDuration(text: string | number): Micros {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw new Error(`bad duration ${text}`);
    return Math.round(text * US_PER_S);
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|min|h)?\s*$/.exec(text);
  if (!m) throw new Error(`bad duration "${text}" (use e.g. 500ms, 1.5s, 2m)`);
  const v = parseFloat(m[1]);
  const unit = m[2] ?? 's';
  const mult: Record<string, number> = { us: 1, 'µs': 1, ms: 1e3, s: 1e6, m: 60e6, min: 60e6, h: 3600e6 };
  return Math.round(v * mult[unit]);
}
