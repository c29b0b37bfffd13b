/**
 * Runs a validated scenario on a library `Simulation` (devices/api.ts): steps in
 * order, each with its own timeout in virtual time. The run ends when the last
 * step has passed (scripts still running are stopped); without steps, when
 * every script has exited or at `timeout`. Exit codes as Wokwi: 0 all passed,
 * 1 a step failed or a script crashed, 2 bad input, 42 timeout.
 *
 * The trace records every external input (stdin lines, set-pin, link changes,
 * Ctrl-C...) next to the simulation's own records, so a replay can check it.
 */
import type { LinkSpec, ScriptState, SimulationApi, SimulationOptions } from '../../devices/simulation/api';
import type { PcapWriter } from '../../sim/pcap';
import type { Scenario, Step } from '../schema/model';
import { fmtUs, stepLabel } from '../schema/model';
import { isRunningState, Observer, type TimelineEvent } from './observe';

export type { TimelineEvent } from './observe';

export type ExitCode = 0 | 1 | 2 | 42;
export const EXIT_OK = 0;
export const EXIT_FAIL = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_TIMEOUT = 42;

export type SimulationFactory = (opts: SimulationOptions) => SimulationApi | Promise<SimulationApi>;

export interface RunnerOptions {
  createSimulation: SimulationFactory;
  /** Overrides the scenario's seed / timeout. */
  seed?: number;
  timeoutUs?: number;
  /** Keep the trace records in the result (for --trace and replay). */
  recordTrace?: boolean;
  /** Capture a pcap (result.pcap). */
  pcap?: boolean;
  /** Each frame as seen on the LAN (AP side), for --packets. */
  frames?: boolean;
  onEvent?: (ev: TimelineEvent) => void;
  /** Called between chunks of virtual time (never influences the run). */
  onProgress?: (nowUs: number, endUs: number) => void;
  watchdogMs?: number;
  memoryCapBytes?: number;
}

export interface StepResult {
  index: number;
  label: string;
  line: number;
  kind: Step['kind'];
  status: 'passed' | 'failed' | 'skipped';
  message: string;
  startUs: number;
  endUs: number;
}

export interface DeviceResult {
  id: string;
  state: ScriptState;
  code: number | undefined;
  failure: string | undefined;
}

export interface RunResult {
  scenario: Scenario;
  seed: number;
  timeoutUs: number;
  exitCode: ExitCode;
  /** One line: why the run ended. */
  reason: string;
  steps: StepResult[];
  devices: DeviceResult[];
  endUs: number;
  /** The first unexpected script crash (traceback in `failure`). */
  crash?: { device: string; failure: string };
  /** Trace records as JSON lines (when recordTrace). */
  trace: string[];
  pcap?: Uint8Array;
}

/** Virtual time between flushes of the timeline / progress callbacks. Fixed: chunking never depends on the terminal. */
const CHUNK_US = 1_000_000;
const STOP_TIMEOUT_US = 5_000_000;

export async function runScenario(scenario: Scenario, opts: RunnerOptions): Promise<RunResult> {
  const seed = opts.seed ?? scenario.seed;
  const timeoutUs = opts.timeoutUs ?? scenario.timeoutUs;
  const base = { scenario, seed, timeoutUs, steps: [] as StepResult[], devices: [] as DeviceResult[], trace: [] as string[] };
  let api: SimulationApi;
  try {
    api = await opts.createSimulation({
      seed,
      network: scenario.network,
      ...(scenario.clock !== undefined ? { clock: scenario.clock } : {}),
      ...(opts.watchdogMs !== undefined ? { watchdogMs: opts.watchdogMs } : {}),
      ...(opts.memoryCapBytes !== undefined ? { memoryCapBytes: opts.memoryCapBytes } : {}),
    });
  } catch (e) {
    return { ...base, exitCode: EXIT_BAD_INPUT, reason: `cannot build the simulation: ${(e as Error).message}`, endUs: 0 };
  }
  try {
    return await new Run(api, scenario, opts, seed, timeoutUs).run();
  } finally {
    await api.close();
  }
}

class Run {
  private obs!: Observer;
  private readonly emit: (ev: TimelineEvent) => void;
  private readonly links = new Map<string, LinkSpec>();
  private pcap: PcapWriter | undefined;
  private timedOut = false;

  constructor(
    private readonly api: SimulationApi,
    private readonly scenario: Scenario,
    private readonly opts: RunnerOptions,
    private readonly seed: number,
    private readonly timeoutUs: number,
  ) {
    this.emit = opts.onEvent ?? (() => {});
  }

  private get now(): number {
    return this.api.sim.now;
  }

  private trace(dev: string, layer: 'scenario' | 'input', kind: string, fields?: Record<string, unknown>): void {
    this.api.sim.trace.emit(dev, layer, kind, fields);
  }

  async run(): Promise<RunResult> {
    const { api, scenario } = this;
    const sim = api.sim;
    if (!this.opts.recordTrace) sim.trace.keep = false;
    const base = { scenario, seed: this.seed, timeoutUs: this.timeoutUs };
    this.trace('scenario', 'scenario', 'start', { name: scenario.name, seed: this.seed, timeoutUs: this.timeoutUs });
    try {
      for (const d of scenario.devices) {
        api.addDevice(d);
        if (d.link) this.links.set(d.id, { ...d.link });
      }
    } catch (e) {
      return { ...base, exitCode: EXIT_BAD_INPUT, reason: `bad device: ${(e as Error).message}`, steps: [], devices: [], endUs: 0, trace: [] };
    }
    this.obs = new Observer(api, this.emit);
    if (this.opts.pcap || this.opts.frames) this.tapFrames();
    for (const s of scenario.steps) {
      if (s.kind === 'expect-exit' && s.code !== 0) this.obs.excused.add(s.device);
    }

    const steps = await this.runSteps();
    if (!scenario.steps.length) {
      // Without steps a crash does not stop the others: the student sees how the rest reacts.
      await this.runUntil(() => api.devices().every((h) => !isRunningState(h.scriptState())), this.timeoutUs, false);
      this.timedOut = false; // without steps, reaching the timeout is a normal end
    }
    this.obs.check();
    this.obs.flush(true);
    const devices = api.devices().map((h) => ({ id: h.id, state: h.scriptState(), code: h.exitCode(), failure: h.failure() }));
    const failed = steps.find((s) => s.status === 'failed');
    let exitCode: ExitCode = EXIT_OK;
    let reason = scenario.steps.length ? `all ${steps.length} steps passed` : 'all scripts ended';
    if (this.timedOut) {
      exitCode = EXIT_TIMEOUT;
      reason = `timeout: ${fmtUs(this.timeoutUs)} of virtual time ran out${failed ? ` during step ${failed.index + 1} (${failed.label})` : ''}`;
    } else if (failed) {
      exitCode = EXIT_FAIL;
      reason = `step ${failed.index + 1} failed (line ${failed.line}): ${failed.label}: ${failed.message}`;
    } else if (this.obs.crash) {
      exitCode = EXIT_FAIL;
      reason = `the script on ${this.obs.crash.device} crashed`;
    } else if (!scenario.steps.length && devices.some((d) => d.state !== 'none' && isRunningState(d.state))) {
      const running = devices.filter((d) => d.state !== 'none' && isRunningState(d.state)).map((d) => d.id);
      reason = `${fmtUs(this.timeoutUs)} of virtual time passed with ${running.join(', ')} still running (no steps to check; --timeout sets the time)`;
    }
    this.trace('scenario', 'scenario', 'end', { exit: exitCode });
    const result: RunResult = { ...base, exitCode, reason, steps, devices, endUs: this.now, trace: this.opts.recordTrace ? [...sim.trace.records()] : [] };
    if (this.obs.crash) result.crash = this.obs.crash;
    if (this.pcap && this.opts.pcap) result.pcap = this.pcap.bytes();
    return result;
  }

  private tapFrames(): void {
    const w = this.api.attachPcap();
    this.pcap = w;
    if (this.opts.frames) {
      const add = w.add.bind(w);
      w.add = (us: number, frame: Uint8Array) => {
        add(us, frame);
        this.obs.frame(us, frame);
      };
    }
  }

  /**
   * Runs the simulation until `cond` holds or the absolute time `deadline`
   * (capped by the scenario timeout). Returns 'met', 'deadline', 'timeout' or
   * 'crash' (an unexpected script crash, unless `stopOnCrash` is false).
   */
  private async runUntil(cond: () => boolean, deadline: number, stopOnCrash = true): Promise<'met' | 'deadline' | 'timeout' | 'crash'> {
    const end = Math.min(deadline, this.timeoutUs);
    const sim = this.api.sim;
    for (;;) {
      if (this.obs.check() && stopOnCrash) return 'crash';
      if (cond()) return 'met';
      if (sim.now >= end) {
        if (end === this.timeoutUs && deadline >= this.timeoutUs) {
          this.timedOut = true;
          return 'timeout';
        }
        return 'deadline';
      }
      const chunkEnd = Math.min(end, (Math.floor(sim.now / CHUNK_US) + 1) * CHUNK_US);
      // A no-op event at the chunk's end moves the clock on even when nothing else is due.
      const marker = sim.at(chunkEnd, () => {});
      await this.api.run({ untilUs: chunkEnd, stopWhen: () => (this.obs.check() && stopOnCrash) || cond() });
      sim.cancel(marker);
      this.obs.flush();
      this.opts.onProgress?.(sim.now, this.timeoutUs);
    }
  }

  private async runSteps(): Promise<StepResult[]> {
    const out: StepResult[] = [];
    const steps = this.scenario.steps;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      const startUs = this.now;
      let r: { ok: boolean; message: string; skipRest?: boolean };
      if (this.timedOut || this.obs.crash || out.some((o) => o.status === 'failed')) {
        out.push({ index: i, label: stepLabel(s), line: s.line, kind: s.kind, status: 'skipped', message: 'not run', startUs, endUs: startUs });
        continue;
      }
      try {
        r = await this.step(s);
      } catch (e) {
        r = { ok: false, message: `internal error: ${(e as Error).message}` };
      }
      this.obs.flush();
      const res: StepResult = { index: i, label: stepLabel(s), line: s.line, kind: s.kind, status: r.ok ? 'passed' : 'failed', message: r.message, startUs, endUs: this.now };
      out.push(res);
      this.trace('scenario', 'scenario', 'step', { i, kind: s.kind, ok: r.ok, msg: r.message });
      this.emit({ type: 'step', t: this.now, index: i, label: res.label, ok: r.ok, message: r.message, line: s.line });
    }
    return out;
  }

  private waitMessage(r: 'met' | 'deadline' | 'timeout' | 'crash', what: string, timeoutUs: number | undefined): { ok: boolean; message: string } {
    if (r === 'met') return { ok: true, message: '' };
    if (r === 'crash') return { ok: false, message: `aborted: the script on ${this.obs.crash?.device} crashed` };
    if (r === 'timeout') return { ok: false, message: `${what} before the scenario timeout (${fmtUs(this.timeoutUs)})` };
    return { ok: false, message: `${what} within ${fmtUs(timeoutUs ?? 0)}` };
  }

  private deadline(timeoutUs: number | undefined): number {
    return timeoutUs === undefined ? Infinity : this.now + timeoutUs;
  }

  private async step(s: Step): Promise<{ ok: boolean; message: string }> {
    const api = this.api;
    switch (s.kind) {
      case 'delay': {
        const r = await this.runUntil(() => false, this.now + s.us);
        return r === 'deadline' ? { ok: true, message: '' } : this.waitMessage(r, 'delay not over', undefined);
      }
      case 'wait-serial': {
        const r = await this.runUntil(this.obs.serialWaiter(s.device, s.text), this.deadline(s.timeoutUs));
        return this.waitMessage(r, `${s.device} did not print ${JSON.stringify(s.text)}`, s.timeoutUs);
      }
      case 'expect-serial': {
        this.obs.flush();
        if (this.obs.findSerial(s.device, s.text, true)) return { ok: true, message: '' };
        return { ok: false, message: `${s.device} has not printed ${JSON.stringify(s.text)}` };
      }
      case 'write-serial': {
        const lines = s.text.endsWith('\n') ? s.text.slice(0, -1).split('\n') : s.text.split('\n');
        const h = api.device(s.device);
        for (const line of lines) {
          this.trace(s.device, 'input', 'stdin', { line });
          h.writeStdin(line);
        }
        return { ok: true, message: '' };
      }
      case 'expect-pin': {
        const v = api.device(s.device).pin(s.pin);
        return v === s.value ? { ok: true, message: '' } : { ok: false, message: `pin ${s.pin} of ${s.device} is ${v}, expected ${s.value}` };
      }
      case 'wait-pin': {
        const h = api.device(s.device);
        const r = await this.runUntil(() => h.pin(s.pin) === s.value, this.deadline(s.timeoutUs));
        return this.waitMessage(r, `pin ${s.pin} of ${s.device} stayed ${h.pin(s.pin)}, never ${s.value}`, s.timeoutUs);
      }
      case 'set-pin': {
        this.trace(s.device, 'input', 'set-pin', { pin: s.pin, value: s.value });
        api.device(s.device).setPin(s.pin, s.value);
        return { ok: true, message: '' };
      }
      case 'link': {
        const merged = { ...(this.links.get(s.device) ?? {}), ...s.link };
        this.links.set(s.device, merged);
        this.trace(s.device, 'input', 'link', { ...merged });
        api.device(s.device).setLink(merged);
        return { ok: true, message: '' };
      }
      case 'reset': {
        this.trace(s.device, 'input', 'reset');
        api.device(s.device).reset();
        return { ok: true, message: '' };
      }
      case 'stop': {
        const h = api.device(s.device);
        this.obs.excused.add(s.device);
        if (!isRunningState(h.scriptState())) return { ok: true, message: `${s.device} was not running` };
        this.trace(s.device, 'input', 'interrupt');
        // A PC's terminal echoes the keypress, as a real one does (">>> ^CTraceback ...").
        if (h.kind === 'pc') h.console.write('^C');
        h.interrupt();
        const r = await this.runUntil(() => !isRunningState(h.scriptState()), this.deadline(s.timeoutUs ?? STOP_TIMEOUT_US));
        return this.waitMessage(r, `${s.device} still running after Ctrl-C`, s.timeoutUs ?? STOP_TIMEOUT_US);
      }
      case 'expect-exit': {
        const h = api.device(s.device);
        const r = await this.runUntil(() => !isRunningState(h.scriptState()), this.deadline(s.timeoutUs));
        if (r !== 'met') return this.waitMessage(r, `${s.device} did not exit`, s.timeoutUs);
        const code = h.exitCode();
        if (code === s.code) return { ok: true, message: '' };
        const why = h.failure();
        return { ok: false, message: `${s.device} exited with code ${code}, expected ${s.code}${why ? `: ${lastLine(why)}` : ''}` };
      }
    }
  }
}

function lastLine(s: string): string {
  const lines = s.trimEnd().split('\n');
  return lines[lines.length - 1];
}
