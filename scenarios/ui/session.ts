/**
 * One scenario on the page: its current run (the scenario runner on a paced
 * Simulation, scenarios/ui/pacer.ts), the student's actions, and the
 * timeline's recorded inputs for time travel. Every tab sees the same
 * session; the server (server.ts) only carries messages.
 *
 * Time travel re-runs the scenario from the start with the inputs recorded
 * before the chosen moment and pauses there (the run is deterministic, so it
 * is the same state). Resuming from there drops the old future; travelling
 * again before resuming still sees it.
 */
import { createSimulation, type Simulation } from '../../devices/simulation/simulation';
import type { SimulationApi } from '../../devices/simulation/api';
import { fmtUs } from '../schema/model';
import type { Scenario } from '../schema/model';
import { sha256 } from '../schema/index';
import { junitXml } from '../runner/junit';
import { runScenario } from '../runner/runner';
import type { RunResult } from '../runner/result';
import { traceText } from '../runner/tracefile';
import { decodeFrame, hex } from './decode';
import { decodeRadio } from './decode-radio';
import { Pacer, type PendingInput, type UiInput } from './pacer';
import type { ClientMsg, RunStatus, ServerMsg, Speed } from './protocol';
import { RunView } from './view';

/** Wall time between two view messages while a run goes. */
const SEND_EVERY_MS = 50;

class ActiveRun {
  readonly view: RunView;
  readonly pacer: Pacer;
  readonly abort = new AbortController();
  readonly done: Promise<RunResult | undefined>;
  result: RunResult | undefined;
  api: SimulationApi | undefined;
  /** Re-simulated to a moment of an older timeline and not resumed since. */
  traveled: boolean;
  /** Being stopped for a restart or a travel: its last messages are not sent. */
  stopping = false;

  constructor(session: UiSession, scenario: Scenario, replay: UiInput[], pauseAt: number | undefined) {
    this.view = new RunView(scenario);
    this.traveled = pauseAt !== undefined;
    this.pacer = new Pacer(
      {
        apply: (api, i) => applyInput(api, this.view, scenario, i),
        afterSlice: () => {
          this.view.collect();
          session.changed(this);
        },
        visible: () => this.view.visible,
        paused: () => session.changed(this, true),
      },
      replay,
      pauseAt,
    );
    this.pacer.speed = session.speed;
    this.done = runScenario(scenario, {
      recordTrace: true,
      keepGoingOnCrash: true,
      signal: this.abort.signal,
      onEvent: (ev) => this.view.event(ev),
      createSimulation: (o) => {
        const sim: Simulation = createSimulation(o);
        this.api = this.pacer.wrap(sim);
        this.view.attach(this.api, sim);
        this.view.started();
        return this.api;
      },
    }).then(
      (r) => {
        this.result = r;
        this.view.collect();
        this.view.setVerdict({ exitCode: r.exitCode, reason: r.reason }, []);
        session.changed(this, true);
        return r;
      },
      (e: unknown) => {
        this.view.setVerdict({ exitCode: 1, reason: `internal error: ${(e as Error)?.message ?? String(e)}` }, []);
        session.changed(this, true);
        return undefined;
      },
    );
  }

  get now(): number {
    return this.api?.sim.now ?? 0;
  }

  status(): RunStatus {
    if (this.result || this.view.verdict) return 'ended';
    if (this.pacer.rebuilding) return 'rebuilding';
    return this.pacer.paused ? 'paused' : 'running';
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    this.pacer.stop();
    await this.done;
  }
}

/** Applies one recorded input to the simulation and notes it in the view. */
function applyInput(api: SimulationApi, view: RunView, scenario: Scenario, i: UiInput): void {
  const h = api.device(i.device);
  switch (i.kind) {
    // Typing and Ctrl-C as live mode's external inputs (traced in full, as `esp32sim run --live` does).
    case 'stdin':
      if (api.input) api.input({ what: 'type', device: i.device, line: i.line });
      else h.writeStdin(i.line);
      return;
    case 'interrupt':
      if (api.input) api.input({ what: 'interrupt', device: i.device });
      else h.interrupt();
      return;
    case 'press':
    case 'release':
      view.pressed.set(`${i.device}/${i.part}`, i.kind === 'press');
      return i.kind === 'press' ? h.press(i.part) : h.release(i.part);
    case 'analog':
      view.volts.set(`${i.device}/${i.part}`, i.volts);
      return h.setAnalog(i.part, i.volts);
    case 'sensor': {
      const values = { ...(i.temperature !== undefined ? { temperature: i.temperature } : {}), ...(i.humidity !== undefined ? { humidity: i.humidity } : {}) };
      view.sensors.set(`${i.device}/${i.part}`, { ...view.sensors.get(`${i.device}/${i.part}`), ...values });
      return h.setSensor(i.part, values);
    }
    case 'link': {
      const base = scenario.devices.find((d) => d.id === i.device)?.link ?? {};
      view.links.set(i.device, { loss: i.loss, down: i.down });
      return h.setLink({ ...base, loss: i.loss, down: i.down });
    }
  }
}

export class UiSession {
  speed: Speed = 1;
  /** The first run waits for Run (`esp32sim ui --paused`). */
  startPaused = false;
  private run: ActiveRun | undefined;
  private timeline: UiInput[] = [];
  private timelineMaxUs = 0;
  private lastSent = 0;
  private timer: NodeJS.Timeout | undefined;

  private broadcast: (m: ServerMsg) => void = () => {};

  constructor(
    private scenario: Scenario,
    private readonly problems: string[] = [],
  ) {}

  /** Where view messages go (every tab: the server's broadcast). */
  setBroadcast(fn: (m: ServerMsg) => void): void {
    this.broadcast = fn;
  }

  get started(): boolean {
    return this.run !== undefined;
  }

  get name(): string {
    return this.scenario.name;
  }

  start(replay: UiInput[] = [], pauseAt?: number): void {
    this.run = new ActiveRun(this, this.scenario, replay, pauseAt);
    if (this.startPaused) this.run.pacer.pause();
    this.startPaused = false;
    this.changed(this.run, true);
  }

  /** The current run's result once it has ended (undefined after an internal error). */
  finished(): Promise<RunResult | undefined> {
    return this.run ? this.run.done : Promise.resolve(undefined);
  }

  /** Virtual time of the current run. */
  get now(): number {
    return this.run?.now ?? 0;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.run?.stop();
  }

  /** Called by a run after a slice (and with `reset` for a new state): sends the page what changed. */
  changed(run: ActiveRun, reset = false): void {
    if (run !== this.run || run.stopping) return;
    if (run.pacer.rebuilding && !reset) return;
    if (reset) {
      this.send(true);
      return;
    }
    const wait = SEND_EVERY_MS - (performance.now() - this.lastSent); // wall-clock-ok: throttles messages to the page
    if (wait <= 0) this.send(false);
    else if (!this.timer) this.timer = setTimeout(() => this.send(false), wait); // wall-clock-ok: throttles messages to the page
  }

  private send(reset: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastSent = performance.now(); // wall-clock-ok: throttles messages to the page
    const run = this.run;
    if (!run) return;
    this.broadcast(this.viewMessage(run, reset));
    run.view.sent();
  }

  private viewMessage(run: ActiveRun, reset: boolean) {
    const now = run.now;
    const maxUs = run.traveled ? Math.max(this.timelineMaxUs, now) : now;
    const m = run.view.message(reset, { status: run.status(), speed: this.speed, now, maxUs, timeoutUs: this.scenario.timeoutUs });
    if (reset && this.problems.length) m.problems = this.problems;
    if (run.traveled) {
      const n = run.pacer.inputs.length;
      m.note = `time travel: re-simulated from 0 s to ${fmtUs(now)} with ${n === 1 ? '1 recorded input' : `${n} recorded inputs`}; Run goes on from here`;
    }
    return m;
  }

  /** The whole state for a tab that just connected. */
  snapshot(): ServerMsg {
    if (!this.run) return { type: 'error', text: 'no run' };
    return this.viewMessage(this.run, true);
  }

  /** A student's action; returns a message for that tab only (a decode, an error). */
  async handle(msg: ClientMsg): Promise<ServerMsg | undefined> {
    const run = this.run;
    if (!run) return undefined;
    switch (msg.type) {
      case 'run':
        if (run.traveled) {
          run.traveled = false; // the old future is dropped from here on
          this.timelineMaxUs = run.now;
        }
        run.pacer.resume();
        this.changed(run, true);
        return undefined;
      case 'pause':
        run.pacer.pause();
        this.changed(run, true);
        return undefined;
      case 'step':
        run.pacer.step();
        return undefined;
      case 'speed':
        this.speed = msg.speed;
        run.pacer.setSpeed(msg.speed);
        this.changed(run, true);
        return undefined;
      case 'restart':
        await this.restart();
        return undefined;
      case 'travel':
        await this.travel(msg.us);
        return undefined;
      case 'decode': {
        const f = run.view.frames[msg.n];
        if (!f) return { type: 'error', text: `no frame ${msg.n}` };
        return { type: 'decode', n: msg.n, layers: f.channel !== undefined ? decodeRadio(f.bytes, f.channel) : decodeFrame(f.bytes), hex: hex(f.bytes) };
      }
      case 'get-script': {
        const d = this.scenario.devices.find((x) => x.id === msg.device);
        if (!d?.script) return { type: 'error', text: `${msg.device} has no script` };
        return { type: 'script', device: d.id, filename: d.script.filename, source: d.script.source };
      }
      case 'script':
        return this.editScript(msg.device, msg.source);
      case 'open':
        return { type: 'error', text: 'this server runs one scenario: start esp32sim ui with another lab to open it' };
      default:
        return this.input(run, msg);
    }
  }

  private input(run: ActiveRun, msg: ClientMsg): ServerMsg | undefined {
    if (run.status() === 'ended') return { type: 'error', text: 'the run has ended: press Restart to run it again' };
    if (run.status() === 'rebuilding') return { type: 'error', text: 'travelling in time: try again in a moment' };
    let input: PendingInput;
    switch (msg.type) {
      case 'stdin':
        input = { kind: 'stdin', device: msg.device, line: msg.line };
        break;
      case 'interrupt':
        input = { kind: 'interrupt', device: msg.device };
        break;
      case 'button':
        input = { kind: msg.down ? 'press' : 'release', device: msg.device, part: msg.part };
        break;
      case 'analog':
        input = { kind: 'analog', device: msg.device, part: msg.part, volts: Math.max(0, Math.min(3.3, Number(msg.volts) || 0)) };
        break;
      case 'sensor': {
        const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.max(-60, Math.min(130, v)) : undefined);
        input = { kind: 'sensor', device: msg.device, part: msg.part, temperature: num(msg.temperature), humidity: num(msg.humidity) };
        break;
      }
      case 'link':
        input = { kind: 'link', device: msg.device, loss: Math.max(0, Math.min(1, Number(msg.loss) || 0)), down: Boolean(msg.down) };
        break;
      default:
        return { type: 'error', text: `unknown message ${(msg as { type: string }).type}` };
    }
    const dev = this.scenario.devices.find((d) => d.id === input.device);
    if (!dev) return { type: 'error', text: `no device "${input.device}"` };
    if ('part' in input && !(run.api?.device(dev.id).parts() ?? []).some((p) => p.id === input.part)) return { type: 'error', text: `${dev.id} has no part "${input.part}"` };
    run.pacer.input(input);
    return undefined;
  }

  /** Runs the scenario again from the start with no inputs. */
  async restart(): Promise<void> {
    await this.run?.stop();
    this.timeline = [];
    this.timelineMaxUs = 0;
    this.start();
  }

  /** Re-simulates up to `us` with the inputs recorded before it, then pauses there. */
  async travel(us: number): Promise<void> {
    const run = this.run;
    if (!run) return;
    if (!run.traveled) {
      this.timeline = [...run.pacer.inputs];
      this.timelineMaxUs = Math.max(this.timelineMaxUs, run.now);
    }
    const target = Math.max(0, Math.min(Math.round(us), this.scenario.timeoutUs));
    await run.stop();
    this.start(this.timeline.filter((i) => i.t <= target), target);
  }

  /** A device's script edited in the page: the scenario runs again from the start with it. */
  private async editScript(device: string, source: string): Promise<ServerMsg | undefined> {
    const d = this.scenario.devices.find((x) => x.id === device);
    if (!d?.script) return { type: 'error', text: `${device} has no script to edit` };
    if (d.script.language !== 'micropython') return { type: 'error', text: `only MicroPython scripts can be edited here (${d.script.filename} is ${d.script.language})` };
    if (source.length > 256 * 1024) return { type: 'error', text: 'the script is over 256 KiB' };
    const script = { ...d.script, source };
    this.scenario = {
      ...this.scenario,
      devices: this.scenario.devices.map((x) => (x.id === device ? { ...x, script } : x)),
      scripts: this.scenario.scripts.map((s) => (s.device === device ? { ...s, source, sha256: sha256(source) } : s)),
    };
    await this.restart();
    return undefined;
  }

  /** The downloads: the run's capture, trace and JUnit report (the trace and report once the run has ended). */
  download(what: 'pcap' | 'trace' | 'junit'): { body: string | Uint8Array; type: string; name: string } | string {
    const run = this.run;
    if (!run) return 'no run yet';
    const base = this.scenario.name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase() || 'run';
    if (what === 'pcap') {
      const cap = run.view.capture;
      if (!cap) return 'no capture yet';
      const fmt = cap.resolve('auto');
      return { body: cap.bytes('auto'), type: 'application/vnd.tcpdump.pcap', name: `${base}.${fmt}` };
    }
    const r = run.result;
    if (!r) return `the ${what === 'trace' ? 'trace' : 'JUnit report'} is ready when the run has ended (now at ${fmtUs(run.now)})`;
    if (what === 'trace') return { body: traceText(r), type: 'application/x-ndjson', name: `${base}.trace.jsonl` };
    return { body: junitXml([r]), type: 'application/xml', name: `${base}.junit.xml` };
  }
}
