/**
 * Live runs: virtual time paced to wall time, and external inputs applied
 * between slices of virtual time.
 *
 * The run loop (runner.ts, or any driver of a SimulationApi such as a
 * WebSocket server) asks an InputSource how far it may run next
 * (`nextStop`), applies what `take` hands it at the current virtual time with
 * `api.input()` (which traces each input), and runs up to that time:
 *
 * ```ts
 * const live = new LiveInputs({ speed: 1 });          // or 'max', or 4 (four times real time)
 * live.push({ what: 'type', device: 'pc', line: 'hello' });
 * for (;;) {
 *   const stop = await live.nextStop(api.sim.now, api.sim.now + 1_000_000);
 *   for (const ev of live.take()) if (ev.what !== 'end') live.applied(ev, api.input!(ev)); else return;
 *   await api.run({ untilUs: stop });
 * }
 * ```
 *
 * Slicing never changes what the simulation does (events run in the same
 * order however the time is cut), so a replay that cuts at the recorded input
 * times (ReplayInputs) reproduces a live session exactly. Wall time is read
 * here only, through an injectable PaceClock: never inside the simulation.
 */
import type { ExternalInput } from '../../devices/simulation/api';
import { externalFromRecord } from '../../devices/simulation/external';

/** The end of a live session (the user quit): traced like an input, so a replay ends at the same time. */
export type LiveInput = ExternalInput | { what: 'end' };

export interface InputSource {
  /** How far (absolute virtual µs, at most `endUs`) the run may go next; may wait for wall time or an input. */
  nextStop(nowUs: number, endUs: number): Promise<number>;
  /** The inputs to apply now, in order (each handed out once). */
  take(): LiveInput[];
  /** Called with what api.input() answered for an input take() gave (a tcp-open's connection number). */
  applied?(ev: LiveInput, result: number | undefined): void;
}

/** Wall time for pacing: milliseconds, and a sleep an arriving input cuts short. */
export interface PaceClock {
  now(): number;
  sleep(ms: number, wake: Promise<void>): Promise<void>;
}

export const systemPaceClock: PaceClock = {
  now: () => performance.now(), // wall-clock-ok: live pacing is wall time by definition (scenarios/ only)
  sleep: (ms, wake) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms); // wall-clock-ok: live pacing
      void wake.then(() => {
        clearTimeout(t);
        resolve();
      });
    }),
};

/** `--speed`: a factor of real time, or 'max' (as fast as the machine can, yielding to inputs between slices). */
export type Speed = number | 'max';

/** Longest slice of virtual time between two looks at the inputs, in wall ms (paced) or virtual µs (max). */
const SLICE_WALL_MS = 10;
const MAX_SLICE_US = 50_000;
/**
 * Shortest paced slice, in wall ms: a run less than this behind the wall clock sleeps (an input
 * still wakes it at once) instead of running slices of a few µs back to back, which kept a core
 * busy for an idle session. Timers fire up to this late in wall time; virtual time is unaffected.
 */
const MIN_SLICE_WALL_MS = 1;

/** Inputs pushed by the live world (terminal, sockets, TAP), and pacing to the wall clock. */
export class LiveInputs implements InputSource {
  private queue: { ev: LiveInput; then?: (r: number | undefined) => void }[] = [];
  private waiting: (() => void) | undefined;
  private wake: Promise<void>;
  private anchor: { wall: number; us: number } | undefined;
  private readonly clock: PaceClock;
  private readonly speed: Speed;
  private taken: { ev: LiveInput; then?: (r: number | undefined) => void }[] = [];

  constructor(opts: { speed?: Speed; clock?: PaceClock } = {}) {
    this.speed = opts.speed ?? 1;
    if (this.speed !== 'max' && !(this.speed > 0)) throw new Error(`bad speed ${this.speed}`);
    this.clock = opts.clock ?? systemPaceClock;
    this.wake = this.newWake();
  }

  private newWake(): Promise<void> {
    return new Promise<void>((r) => (this.waiting = r));
  }

  /** Queues an input for the next slice boundary; `then` hears api.input()'s answer (a tcp-open's connection number). */
  push(ev: LiveInput, then?: (result: number | undefined) => void): void {
    this.queue.push({ ev, then });
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }

  /** Ends the session at the next slice boundary. */
  end(): void {
    this.push({ what: 'end' });
  }

  async nextStop(nowUs: number, endUs: number): Promise<number> {
    if (this.speed === 'max') {
      await new Promise<void>((r) => setImmediate(r)); // let the terminal and sockets deliver
      return Math.min(endUs, nowUs + MAX_SLICE_US);
    }
    const speed = this.speed;
    for (;;) {
      if (this.queue.length) return nowUs;
      const wall = this.clock.now();
      if (!this.anchor) this.anchor = { wall, us: nowUs };
      const target = this.anchor.us + Math.floor((wall - this.anchor.wall) * 1000 * speed);
      const due = Math.min(endUs, nowUs + Math.ceil(MIN_SLICE_WALL_MS * 1000 * speed));
      if (target >= due) {
        await new Promise<void>((r) => setImmediate(r));
        return Math.min(endUs, target, nowUs + Math.ceil(SLICE_WALL_MS * 1000 * speed));
      }
      // Ahead of the wall clock, or behind by less than a slice: wait until one is due, or an input arrives.
      const dueMs = (due - this.anchor.us) / (1000 * speed) + this.anchor.wall - wall;
      if (!this.waiting) this.wake = this.newWake();
      await this.clock.sleep(Math.max(1, Math.min(SLICE_WALL_MS, dueMs)), this.wake);
    }
  }

  take(): LiveInput[] {
    this.taken = this.queue;
    this.queue = [];
    return this.taken.map((x) => x.ev);
  }

  applied(ev: LiveInput, result: number | undefined): void {
    const i = this.taken.findIndex((x) => x.ev === ev);
    if (i < 0) return;
    const [x] = this.taken.splice(i, 1);
    x.then?.(result);
  }
}

/** A recorded live session's inputs, re-applied at their virtual times (esp32sim replay). */
export class ReplayInputs implements InputSource {
  private i = 0;
  private now = 0;

  constructor(private readonly inputs: readonly { t: number; ev: LiveInput }[]) {}

  async nextStop(nowUs: number, endUs: number): Promise<number> {
    this.now = nowUs;
    const next = this.inputs[this.i];
    return next && next.t >= nowUs ? Math.min(endUs, next.t) : endUs;
  }

  take(): LiveInput[] {
    const out: LiveInput[] = [];
    while (this.i < this.inputs.length && this.inputs[this.i].t <= this.now) out.push(this.inputs[this.i++].ev);
    return out;
  }
}

/** The live inputs a trace recorded (its `external` input records), with their virtual times. */
export function recordedInputs(records: readonly string[]): { t: number; ev: LiveInput }[] {
  const out: { t: number; ev: LiveInput }[] = [];
  for (const line of records) {
    if (!line.includes('"external"')) continue;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (rec.layer === 'input' && rec.kind === 'external' && rec.what === 'end') {
      out.push({ t: rec.t as number, ev: { what: 'end' } });
      continue;
    }
    const ev = externalFromRecord(rec);
    if (ev) out.push({ t: rec.t as number, ev });
  }
  return out;
}
