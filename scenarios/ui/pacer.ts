/**
 * Paces a Simulation for the page: every run() the scenario runner makes is cut
 * into slices of virtual time, and between slices the pacer waits for wall
 * time (1×, 10×), for the student (paused), and applies the student's inputs.
 *
 * Determinism: an input is applied only at a slice end, after every event up
 * to that virtual time has run (a no-op marker event pins the clock there), and
 * is recorded with that time. Re-simulating (time travel) cuts a slice exactly
 * at each recorded time and applies the same inputs there, so the run repeats
 * the original one event for event. Slices never change the run either way:
 * the marker events do nothing, and the runner's own conditions are checked
 * after every event as before.
 */
import type { SimRunOutcome, SimulationApi } from '../../devices/simulation/api';
import type { Speed } from './protocol';

/** An external input, as recorded with its virtual time. */
export type UiInput =
  | { t: number; kind: 'stdin'; device: string; line: string }
  | { t: number; kind: 'interrupt'; device: string }
  | { t: number; kind: 'press' | 'release'; device: string; part: string }
  | { t: number; kind: 'analog'; device: string; part: string; volts: number }
  | { t: number; kind: 'sensor'; device: string; part: string; temperature?: number; humidity?: number }
  | { t: number; kind: 'link'; device: string; loss: number; down: boolean };

export type PendingInput = UiInput extends infer U ? (U extends { t: number } ? Omit<U, 't'> : never) : never;

/** Wall time one paced slice stands for. */
const SLICE_WALL_MS = 25;
/** Virtual time of one slice at full speed. */
const MAX_SLICE_US = 50_000;
/** "Step": how far ahead the next visible event is looked for, 1 ms at a time. */
const STEP_US = 1_000;
const STEP_LIMIT_US = 60_000_000;

export interface PacerHooks {
  /** Applies an input to the simulation (throws a message for the page on a bad one). */
  apply(api: SimulationApi, input: UiInput): void;
  /** Called after every slice (the view collects what changed). */
  afterSlice(): void;
  /** A number that changes when something visible happened (frames, console, pins): "step" stops there. */
  visible(): number;
  /** The pacer paused on its own (a travel target or a step reached). */
  paused(): void;
}

export class Pacer {
  speed: Speed = 1;
  private pausedFlag = false;
  private wake: (() => void) | undefined;
  private pending: PendingInput[] = [];
  /** Inputs to re-apply at their times (time travel), in time order. */
  private replay: UiInput[];
  /** Every input applied in this run, in order. */
  readonly inputs: UiInput[] = [];
  private api: SimulationApi | undefined;
  private wall0 = 0;
  private virt0 = 0;
  private stepFrom: number | undefined;
  private stepStartUs = 0;
  private stopped = false;
  /**
   * True at a slice end (every event up to now has run): the only points where inputs are applied.
   * False when the runner's own condition ended the last run() mid-time, and at the start.
   */
  private clean = false;

  constructor(
    private readonly hooks: PacerHooks,
    replay: readonly UiInput[] = [],
    /** Run free (no pacing) up to this virtual time, then pause: time travel. */
    private pauseAt?: number,
    private readonly wallNow: () => number = () => performance.now(), // wall-clock-ok: pacing is the UI's, never the simulation's
  ) {
    this.replay = [...replay].sort((a, b) => a.t - b.t);
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  /** Re-simulating up to a travel target (not yet there). */
  get rebuilding(): boolean {
    return this.pauseAt !== undefined;
  }

  /** Wraps the simulation so each run() is paced; the runner gets the wrapper. */
  wrap(inner: SimulationApi): SimulationApi {
    this.api = inner;
    const paced: SimulationApi = {
      get sim() {
        return inner.sim;
      },
      addDevice: (s) => inner.addDevice(s),
      device: (id) => inner.device(id),
      devices: () => inner.devices(),
      services: inner.services ? () => inner.services!() : undefined,
      service: inner.service ? (id) => inner.service!(id) : undefined,
      run: (opts) => this.run(inner, opts),
      wallTimeout: () => inner.wallTimeout(),
      onFrame: (fn) => inner.onFrame(fn),
      onRadioFrame: (fn) => inner.onRadioFrame(fn),
      onNotice: (fn) => inner.onNotice(fn),
      attachPcap: () => inner.attachPcap(),
      attachCapture: () => inner.attachCapture(),
      input: inner.input ? (ev) => inner.input!(ev) : undefined,
      close: () => inner.close(),
    };
    return paced;
  }

  pause(): void {
    this.pausedFlag = true;
  }

  resume(): void {
    this.pausedFlag = false;
    this.pauseAt = undefined;
    this.stepFrom = undefined;
    this.resync();
    this.kick();
  }

  /** Runs on until the next visible event, then pauses. */
  step(): void {
    this.stepFrom = this.hooks.visible();
    this.stepStartUs = this.api?.sim.now ?? 0;
    this.pausedFlag = false;
    this.kick();
  }

  setSpeed(s: Speed): void {
    this.speed = s;
    this.resync();
  }

  /** Queues an input; it is applied (and recorded) at the next slice end. */
  input(i: PendingInput): void {
    this.pending.push(i);
    this.kick();
  }

  /** Ends the paced run: run() returns at once from now on (the runner then stops on its abort signal). */
  stop(): void {
    this.stopped = true;
    this.kick();
  }

  /** While paused between slices, pending inputs are applied at once (the clock stands still). */
  private kick(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private resync(): void {
    this.wall0 = this.wallNow();
    this.virt0 = this.api?.sim.now ?? 0;
  }

  private applyDue(api: SimulationApi): void {
    const now = api.sim.now;
    while (this.replay.length && this.replay[0].t <= now) this.applyOne(api, this.replay.shift()!);
    if (this.pauseAt !== undefined) return; // re-simulating: only the recorded inputs
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) this.applyOne(api, { ...p, t: now } as UiInput);
  }

  private applyOne(api: SimulationApi, input: UiInput): void {
    this.inputs.push(input);
    try {
      this.hooks.apply(api, input);
    } catch {
      // a bad input (a part that does not exist) is refused by apply() before it is queued
    }
  }

  private async waitWhilePaused(api: SimulationApi): Promise<void> {
    while (this.pausedFlag && !this.stopped) {
      this.applyDue(api);
      this.hooks.afterSlice();
      await new Promise<void>((res) => {
        this.wake = res;
      });
    }
  }

  private async run(inner: SimulationApi, opts: { forUs?: number; untilUs?: number; stopWhen?: () => boolean }): Promise<SimRunOutcome> {
    const sim = inner.sim;
    const until = opts.untilUs ?? (opts.forUs !== undefined ? sim.now + opts.forUs : Number.POSITIVE_INFINITY);
    for (;;) {
      if (this.stopped) return 'stopped';
      if (this.clean) await this.waitWhilePaused(inner);
      if (this.stopped) return 'stopped';
      const now = sim.now;
      const free = this.pauseAt !== undefined || this.speed === 'max' || this.stepFrom !== undefined;
      let end = until;
      if (this.stepFrom !== undefined) end = Math.min(end, now + STEP_US);
      else if (free) end = Math.min(end, now + MAX_SLICE_US);
      else end = Math.min(end, now + Math.round(SLICE_WALL_MS * 1000 * (this.speed === 'max' ? 1 : this.speed)));
      if (this.replay.length) end = Math.min(end, Math.max(now, this.replay[0].t));
      if (this.pauseAt !== undefined) end = Math.min(end, Math.max(now, this.pauseAt));
      if (!Number.isFinite(end)) end = now + MAX_SLICE_US;
      if (!this.clean) end = now; // first finish what is due now
      const marker = sim.at(end, () => {});
      const out = await inner.run({ untilUs: end, stopWhen: opts.stopWhen });
      sim.cancel(marker);
      if (out === 'condition' || out === 'wall-timeout' || out === 'stopped') {
        this.clean = false;
        this.hooks.afterSlice();
        return out;
      }
      this.clean = true;
      this.applyDue(inner);
      this.hooks.afterSlice();
      if (this.pauseAt !== undefined && sim.now >= this.pauseAt) {
        this.pauseAt = undefined;
        this.pausedFlag = true;
        this.hooks.paused();
      } else if (this.stepFrom !== undefined && (this.hooks.visible() !== this.stepFrom || sim.now - this.stepStartUs > STEP_LIMIT_US)) {
        this.stepFrom = undefined;
        this.pausedFlag = true;
        this.hooks.paused();
      }
      if (!free) await this.keepPace(sim.now);
      else await new Promise<void>((res) => setImmediate(res)); // let the page's messages in
      if (sim.now >= until) return 'until';
    }
  }

  /** Waits until wall time has caught up with virtual time at the current speed. */
  private async keepPace(now: number): Promise<void> {
    const speed = this.speed === 'max' ? Infinity : this.speed;
    const due = this.wall0 + (now - this.virt0) / 1000 / speed;
    const wait = due - this.wallNow();
    if (wait < -500) this.resync(); // behind after a slow script: do not race to catch up
    if (wait > 0) await new Promise<void>((res) => setTimeout(res, Math.min(wait, 1000))); // wall-clock-ok: pacing the page's view
    else await new Promise<void>((res) => setImmediate(res));
  }
}
