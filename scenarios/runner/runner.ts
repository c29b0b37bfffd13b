/**
 * Runs a validated scenario on a library `Simulation` (devices/simulation):
 * steps in order, each with its own timeout in virtual time. The run ends when
 * the last step has passed (scripts still running are stopped); without steps,
 * when every script has exited or at `timeout`. Exit codes: result.ts.
 *
 * The device handles trace every external input (stdin lines, set-pin, link
 * changes, reset, Ctrl-C) once, next to the simulation's own records, so a
 * replay can check it; frames reach --packets and --pcap through the
 * simulation's frame observer.
 */
import type { LinkSpec, SimulationApi } from '../../devices/simulation/api';
import { DEFAULT_WALL_TIMEOUT_MS } from '../../devices/simulation/api';
import type { Capture } from '../../sim/capture';
import type { Scenario } from '../schema/model';
import { fmtMs, fmtUs, stepLabel } from '../schema/model';
import { plural } from '../schema/words';
import { isRunningState, Observer, type TimelineEvent } from './observe';
import {
  EXIT_BAD_INPUT,
  EXIT_FAIL,
  EXIT_INTERRUPTED,
  EXIT_OK,
  EXIT_TIMEOUT,
  EXIT_WALL_TIMEOUT,
  type ExitCode,
  type RunnerOptions,
  type RunResult,
  type StepResult,
} from './result';
import { runStep, type StepContext, type WaitOutcome } from './steps';

export * from './result';
export type { TimelineEvent } from './observe';

/** Virtual time between flushes of the timeline / progress callbacks. Fixed: chunking never depends on the terminal. */
const CHUNK_US = 1_000_000;
/** Console lines per device kept in a result (reports); the serial log streams all of them. */
const CONSOLE_KEEP = 5000;

export async function runScenario(scenario: Scenario, opts: RunnerOptions = {}): Promise<RunResult> {
  const seed = opts.seed ?? scenario.seed;
  const timeoutUs = opts.timeoutUs ?? scenario.timeoutUs;
  const wall = opts.wallMs ?? (() => performance.now()); // wall-clock-ok: report timings only
  const t0 = wall();
  const base = { scenario, seed, timeoutUs, steps: [], devices: [], notices: [], trace: [], endUs: 0 };
  let api: SimulationApi;
  const watchdogMs = opts.watchdogMs ?? scenario.watchdogMs;
  const wallTimeoutMs = opts.wallTimeoutMs ?? scenario.wallTimeoutMs;
  try {
    const create = opts.createSimulation ?? (await import('../../devices/simulation/simulation')).createSimulation;
    api = await create({
      seed,
      network: scenario.network,
      ...(scenario.clock !== undefined ? { clock: scenario.clock } : {}),
      ...(watchdogMs !== undefined ? { watchdogMs } : {}),
      ...(wallTimeoutMs !== undefined ? { wallTimeoutMs } : {}),
      ...(opts.memoryCapBytes !== undefined ? { memoryCapBytes: opts.memoryCapBytes } : {}),
      ...(opts.live?.gateway ? { gateway: opts.live.gateway } : {}),
      ...(opts.live?.tap ? { tap: true } : {}),
    });
    opts.live?.onSimulation?.(api);
  } catch (e) {
    return { ...base, exitCode: EXIT_BAD_INPUT, reason: `cannot build the simulation: ${(e as Error).message}`, wallMs: wall() - t0 };
  }
  try {
    const r = await new Run(api, scenario, opts, seed, timeoutUs, wallTimeoutMs ?? DEFAULT_WALL_TIMEOUT_MS, wall).run();
    return { ...r, wallMs: wall() - t0 };
  } finally {
    await api.close();
  }
}

class Run {
  private obs!: Observer;
  private readonly emit: (ev: TimelineEvent) => void;
  private readonly links = new Map<string, LinkSpec>();
  private pcap: Capture | undefined;
  private timedOut = false;
  private stopped: 'wall' | 'interrupted' | 'ended' | undefined;
  private wallDevice: string | undefined;

  constructor(
    private readonly api: SimulationApi,
    private readonly scenario: Scenario,
    private readonly opts: RunnerOptions,
    private readonly seed: number,
    private readonly timeoutUs: number,
    private readonly wallLimitMs: number,
    private readonly wall: () => number,
  ) {
    this.emit = opts.onEvent ?? (() => {});
  }

  private get now(): number {
    return this.api.sim.now;
  }

  private trace(kind: string, fields?: Record<string, unknown>): void {
    this.api.sim.trace.emit('scenario', 'scenario', kind, fields);
  }

  async run(): Promise<Omit<RunResult, 'wallMs'>> {
    const { api, scenario } = this;
    const sim = api.sim;
    if (!this.opts.recordTrace) sim.trace.keep = false;
    const base = { scenario, seed: this.seed, timeoutUs: this.timeoutUs };
    const notices: RunResult['notices'] = [];
    this.trace('start', { name: scenario.name, seed: this.seed, timeoutUs: this.timeoutUs });
    try {
      for (const d of scenario.devices) {
        // A live run's attached console is typed by the user: the scenario's lines for it are left out.
        api.addDevice(this.opts.live?.attach === d.id ? { ...d, stdin: [] } : d);
        if (d.link) this.links.set(d.id, { ...d.link });
      }
    } catch (e) {
      return { ...base, exitCode: EXIT_BAD_INPUT, reason: `bad device: ${(e as Error).message}`, steps: [], devices: [], notices, endUs: 0, trace: [] };
    }
    this.obs = new Observer(api, this.emit);
    this.obs.failTexts = this.opts.failText ?? [];
    api.onNotice((n) => {
      notices.push(n);
      this.obs.notice(n.t, n.device, n.text);
    });
    if (this.opts.pcap) this.pcap = api.attachCapture();
    if (this.opts.frames) {
      api.onFrame((us, frame) => this.obs.frame(us, frame));
      api.onRadioFrame((us, frame, channel) => this.obs.radioFrame(us, frame, channel));
    }
    for (const s of scenario.steps) {
      if (s.kind === 'expect-exit' && s.code !== 0) this.obs.excused.add(s.device);
    }

    const live = this.opts.live;
    const steps = live ? [] : await this.runSteps();
    if (live || !scenario.steps.length) {
      // Without steps a crash does not stop the others: the student sees how the rest reacts.
      await this.runUntil(() => api.devices().every((h) => !isRunningState(h.scriptState())), this.timeoutUs, false);
    }
    this.obs.check();
    this.obs.flush(true);
    const devices = api.devices().map((h) => {
      const lines = h.console.lines;
      return {
        id: h.id,
        kind: h.kind,
        state: h.scriptState(),
        code: h.exitCode(),
        failure: h.failure(),
        console: lines.slice(Math.max(0, lines.length - CONSOLE_KEEP)).map((l) => ({ t: l.t, text: l.text })),
        counters: h.counters(),
      };
    });
    const { exitCode, reason } = this.verdict(steps, devices);
    this.trace('end', { exit: exitCode });
    const result: Omit<RunResult, 'wallMs'> = { ...base, exitCode, reason, steps, devices, notices, endUs: this.now, trace: this.opts.recordTrace ? [...sim.trace.records()] : [] };
    if (live) result.live = { ...(live.attach !== undefined ? { attach: live.attach } : {}), ...(live.gateway ? { gateway: live.gateway } : {}), ...(live.tap ? { tap: true } : {}) };
    if (this.obs.crash) result.crash = this.obs.crash;
    if (this.pcap) {
      result.pcapFormat = this.pcap.resolve(this.opts.pcapFormat);
      result.pcap = this.pcap.bytes(this.opts.pcapFormat);
    }
    return result;
  }

  private verdict(steps: StepResult[], devices: RunResult['devices']): { exitCode: ExitCode; reason: string } {
    const stepCount = this.opts.live ? 0 : this.scenario.steps.length; // a live run checks no steps
    const failed = steps.find((s) => s.status === 'failed');
    const during = (s: StepResult | undefined) => (s ? ` during step ${s.index + 1} (${s.label})` : '');
    const current = failed ?? steps.find((s) => s.status === 'skipped' && s.message.startsWith('interrupted'));
    const running = devices.filter((d) => d.state !== 'none' && isRunningState(d.state)).map((d) => d.id);
    if (this.stopped === 'ended' && !this.obs.crash && !this.obs.failHit) return { exitCode: EXIT_OK, reason: `live session ended by the user at ${fmtUs(this.now)} of virtual time` };
    if (this.stopped === 'interrupted') return { exitCode: EXIT_INTERRUPTED, reason: `interrupted (Ctrl-C) at ${fmtUs(this.now)} of virtual time${during(current)}` };
    if (this.stopped === 'wall') {
      const who = this.wallDevice ?? (running.length ? running.join(', ') : 'the simulation');
      return { exitCode: EXIT_WALL_TIMEOUT, reason: `wall-clock limit of ${fmtMs(this.wallLimitMs)} reached while ${who} was running: the run stopped making virtual progress (at ${fmtUs(this.now)} virtual; --wall-timeout sets the limit)` };
    }
    if (this.obs.failHit) {
      const h = this.obs.failHit;
      return { exitCode: EXIT_FAIL, reason: `${h.device} printed the fail text ${JSON.stringify(h.text)} at ${fmtUs(h.t)}: ${JSON.stringify(h.line)}` };
    }
    if (this.obs.crash) {
      const c = this.obs.crash;
      const lines = c.failure.trimEnd().split('\n');
      return { exitCode: EXIT_FAIL, reason: `the script on ${c.device} crashed at ${fmtUs(c.t)}${during(current)}: ${lines[lines.length - 1]}` };
    }
    if (this.timedOut && stepCount) {
      return { exitCode: EXIT_TIMEOUT, reason: `timeout: ${fmtUs(this.timeoutUs)} of virtual time ran out${during(failed)}` };
    }
    if (failed) return { exitCode: EXIT_FAIL, reason: `step ${failed.index + 1} failed (line ${failed.line}): ${failed.label}: ${failed.message}` };
    if (stepCount) {
      const n = steps.length;
      return { exitCode: EXIT_OK, reason: n === 1 ? 'the step passed' : `all ${n} steps passed` };
    }
    if (running.length) {
      if (this.opts.timeoutFails) {
        return { exitCode: EXIT_TIMEOUT, reason: `timeout: ${fmtUs(this.timeoutUs)} of virtual time ran out with ${running.join(', ')} still running (--timeout sets the time; --expect-text ends the run when a text is printed)` };
      }
      return { exitCode: EXIT_OK, reason: `${fmtUs(this.timeoutUs)} of virtual time passed with ${running.join(', ')} still running (no steps to check; --timeout sets the time)` };
    }
    return { exitCode: EXIT_OK, reason: devices.some((d) => d.state !== 'none') ? `all ${plural(devices.filter((d) => d.state !== 'none').length, 'script')} ended` : 'all scripts ended' };
  }

  /** Why the run must stop now, whatever the step waits for. */
  private stopReason(stopOnCrash: boolean): WaitOutcome | undefined {
    if (this.stopped) return this.stopped === 'ended' ? 'interrupted' : this.stopped;
    if (this.opts.signal?.aborted) {
      this.stopped = 'interrupted';
      return 'interrupted';
    }
    if (this.obs.check() && stopOnCrash) return 'crash';
    if (this.obs.checkFailText()) return 'fail-text';
    return undefined;
  }

  /**
   * Runs the simulation until `cond` holds or the absolute time `deadline`
   * (capped by the scenario timeout).
   */
  private async runUntil(cond: () => boolean, deadline: number, stopOnCrash = true): Promise<WaitOutcome> {
    const end = Math.min(deadline, this.timeoutUs);
    const sim = this.api.sim;
    for (;;) {
      const stop = this.stopReason(stopOnCrash);
      if (stop) return stop;
      if (cond()) return 'met';
      if (sim.now >= end) {
        if (end === this.timeoutUs && deadline >= this.timeoutUs) {
          this.timedOut = true;
          return 'timeout';
        }
        return 'deadline';
      }
      let chunkEnd = Math.min(end, (Math.floor(sim.now / CHUNK_US) + 1) * CHUNK_US);
      const src = this.opts.live?.inputs;
      if (src) {
        // Live: run as far as the pacing allows, after applying the inputs that arrived (traced by api.input).
        chunkEnd = await src.nextStop(sim.now, chunkEnd);
        if (this.applyInputs(src)) continue;
      }
      // A no-op event at the chunk's end moves the clock on even when nothing else is due.
      const marker = sim.at(chunkEnd, () => {});
      const outcome = await this.api.run({
        untilUs: chunkEnd,
        stopWhen: () => Boolean(this.opts.signal?.aborted) || (this.obs.check() && stopOnCrash) || this.obs.checkFailText() || cond(),
      });
      sim.cancel(marker);
      this.obs.flush();
      if (outcome === 'wall-timeout') {
        this.stopped = 'wall';
        this.wallDevice = this.api.wallTimeout()?.device;
        return 'wall';
      }
      this.opts.onProgress?.(sim.now, this.timeoutUs);
    }
  }

  /** Applies a live run's inputs now; true when one of them ended the session. */
  private applyInputs(src: NonNullable<RunnerOptions['live']>['inputs']): boolean {
    for (const ev of src.take()) {
      if (ev.what === 'end') {
        this.api.sim.trace.emit('scenario', 'input', 'external', { what: 'end' });
        this.stopped = 'ended';
        return true;
      }
      let r: number | undefined;
      try {
        r = this.api.input?.(ev);
      } catch {
        r = undefined; // an input for a device that is not there: nothing to apply
      }
      src.applied?.(ev, r);
    }
    return false;
  }

  private async runSteps(): Promise<StepResult[]> {
    const out: StepResult[] = [];
    const steps = this.scenario.steps;
    const ctx: StepContext = {
      api: this.api,
      obs: this.obs,
      timeoutUs: this.timeoutUs,
      links: this.links,
      cursors: new Map(),
      now: () => this.now,
      runUntil: (cond, deadline) => this.runUntil(cond, deadline),
    };
    let over = false;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      const startUs = this.now;
      const w0 = this.wall();
      const head = { index: i, label: stepLabel(s), line: s.line, kind: s.kind, ...('device' in s ? { device: s.device } : {}), startUs };
      if (over) {
        out.push({ ...head, status: 'skipped', message: 'not run', endUs: startUs, wallMs: 0 });
        continue;
      }
      let r;
      try {
        r = await runStep(ctx, s);
      } catch (e) {
        r = { ok: false, message: `internal error: ${(e as Error).message}` };
      }
      this.obs.flush();
      const status = r.ok ? 'passed' : r.interrupted ? 'skipped' : 'failed';
      const res: StepResult = { ...head, status, message: r.message, endUs: this.now, wallMs: this.wall() - w0 };
      out.push(res);
      this.trace('step', { i, kind: s.kind, ok: r.ok, msg: r.message });
      this.emit({ type: 'step', t: this.now, index: i, label: res.label, ok: r.ok, message: r.message, line: s.line, status });
      if (!r.ok || this.timedOut || this.obs.crash || this.stopped || this.obs.failHit) over = true;
    }
    return out;
  }
}
