/**
 * What the page shows of one run, collected from the simulation after every
 * paced slice: consoles (text since the last look), frames (list rows, bytes
 * kept for decode and pcap), devices (LED, parts, state, link), TCP
 * connections (the stack's own state records), steps and the verdict. It
 * only reads the simulation (and its trace); it never drives it.
 */
import type { DeviceHandle, SimulationApi } from '../../devices/simulation/api';
import type { Simulation } from '../../devices/simulation/simulation';
import type { TraceRecord } from '../../sim/trace';
import type { Capture } from '../../sim/capture';
import { ipToString } from '../../stack/wire/types';
import type { Scenario } from '../schema/model';
import { stepLabel } from '../schema/model';
import type { TimelineEvent } from '../runner/observe';
import { deviceMac } from '../../devices/medium/mac';
import { summarize } from './decode';
import { summarizeRadio } from './decode-radio';
import type { DeviceView, FrameRow, LinkView, PartView, StepView, TcpConnView, TopologyView, VerdictView, ViewMsg } from './protocol';

/** Console text kept per device for a new tab (the newest part). */
const CONSOLE_KEEP_CHARS = 512 * 1024;
/** Frames kept per run. */
const FRAMES_KEEP = 50_000;

interface ConsoleWatch {
  seen: number;
  text: string;
  fresh: string;
}

export class RunView {
  /** Every frame of the run; `channel` for an 802.11 frame between radios (ESP-NOW). */
  readonly frames: { t: number; bytes: Uint8Array; channel?: number }[] = [];
  private readonly rows: FrameRow[] = [];
  private sentRows = 0;
  private readonly consoles = new Map<string, ConsoleWatch>();
  private readonly ipNames = new Map<string, string>();
  private readonly tcp = new Map<string, TcpConnView>();
  private readonly lastSeg = new Map<string, { t: number; local: string; remote: string }>();
  private readonly unlabelled = new Map<string, string>();
  private tcpDirty = false;
  readonly steps: StepView[];
  private stepsDirty = true;
  private devicesJson = '';
  private devicesDirty = true;
  verdict: VerdictView | undefined;
  readonly links = new Map<string, LinkView>();
  readonly pressed = new Map<string, boolean>();
  readonly volts = new Map<string, number>();
  readonly sensors = new Map<string, { temperature?: number; humidity?: number }>();
  readonly notices: string[] = [];
  private sentNotices = 0;
  api: SimulationApi | undefined;
  /** Every frame of the run, for the pcap download. */
  capture: Capture | undefined;
  topology: TopologyView | undefined;
  /** Bumps on every visible change ("step" stops when it moves). */
  visible = 0;

  constructor(private readonly scenario: Scenario) {
    this.steps = scenario.steps.map((s, index) => ({ index, label: stepLabel(s), line: s.line, status: 'pending' }));
    for (const d of scenario.devices) this.links.set(d.id, { down: d.link?.down ?? false, loss: d.link?.loss ?? 0 });
  }

  /** Hooks the view to a new simulation (before any device is added). */
  attach(api: SimulationApi, sim: Simulation): void {
    this.api = api;
    const net = sim.router.network;
    this.ipNames.set(ipToString(sim.router.lanIp), 'router');
    for (const h of sim.internet) this.ipNames.set(ipToString(h.ip), h.spec.name);
    this.topology = {
      ssid: net.ssid,
      subnet: `${ipToString(net.subnet)}/${net.prefixLen}`,
      router: ipToString(sim.router.lanIp),
      internet: sim.internet.map((h) => ({ name: h.spec.name, ip: ipToString(h.ip), service: h.spec.service })),
    };
    this.capture = api.attachCapture();
    api.onFrame((t, frame) => this.frame(t, frame));
    api.onRadioFrame((t, frame, channel) => this.radioFrame(t, frame, channel));
    api.onNotice((n) => this.notices.push(`${n.device}: ${n.text}`));
    api.sim.trace.onRecord((rec) => this.record(rec));
  }

  private frame(t: number, bytes: Uint8Array): void {
    const api = this.api!;
    for (const h of api.devices()) {
      const ip = h.ip();
      if (ip !== '0.0.0.0') this.ipNames.set(ip, h.id);
    }
    if (this.frames.length >= FRAMES_KEEP) return;
    const n = this.frames.length;
    const copy = bytes.slice();
    this.frames.push({ t, bytes: copy });
    const nameOf = (ip: number) => (ip === 0 ? undefined : this.ipNames.get(ipToString(ip)));
    const s = summarize(copy, nameOf);
    const ids = new Set(api.devices().map((h) => h.id));
    this.rows.push({ n, t, src: s.src, dst: s.dst, protocol: s.protocol, info: s.info, len: copy.length, devices: [s.src, s.dst].filter((x) => ids.has(x)) });
    this.visible++;
  }

  /** An 802.11 frame outside a BSS (ESP-NOW, its ACKs): station MACs name their ESP32s. */
  private radioFrame(t: number, bytes: Uint8Array, channel: number): void {
    const api = this.api!;
    if (this.frames.length >= FRAMES_KEEP) return;
    const macs = new Map<number, string>();
    for (const h of api.devices()) if (h.kind === 'esp32') macs.set(deviceMac('esp32', h.id), h.id);
    const n = this.frames.length;
    const copy = bytes.slice();
    this.frames.push({ t, bytes: copy, channel });
    const s = summarizeRadio(copy, channel, (m) => macs.get(m));
    const ids = new Set(api.devices().map((h) => h.id));
    this.rows.push({ n, t, src: s.src, dst: s.dst, protocol: s.protocol, info: s.info, len: copy.length, devices: [s.src, s.dst].filter((x) => ids.has(x)) });
    this.visible++;
  }

  /** TCP state records of the stack (and its segment records, for the ports). */
  private record(rec: TraceRecord): void {
    if (rec.layer !== 'tcp') return;
    if (rec.kind === 'seg') {
      const m = /^(\d+)→(\d+)/.exec(String(rec.line));
      if (!m) return;
      const [local, remote] = rec.dir === 'tx' ? [m[1], m[2]] : [m[2], m[1]];
      this.lastSeg.set(rec.dev, { t: rec.t, local, remote });
      const key = this.unlabelled.get(rec.dev);
      const c = key ? this.tcp.get(key) : undefined;
      if (c && rec.t === c.history[c.history.length - 1]?.t) {
        c.label = connLabel(rec.dev, local, remote);
        this.unlabelled.delete(rec.dev);
        this.tcpDirty = true;
      }
      return;
    }
    if (rec.kind !== 'state') return;
    const key = `${rec.dev}#${String(rec.pcb)}`;
    let c = this.tcp.get(key);
    if (!c) {
      c = { key, device: rec.dev, label: rec.to === 'LISTEN' ? `${rec.dev} listening socket` : `${rec.dev} connection ${String(rec.pcb)}`, history: [] };
      const seg = this.lastSeg.get(rec.dev);
      if (seg && seg.t === rec.t && rec.to !== 'SYN-SENT' && rec.to !== 'LISTEN') c.label = connLabel(rec.dev, seg.local, seg.remote);
      else if (rec.to !== 'LISTEN') this.unlabelled.set(rec.dev, key);
      this.tcp.set(key, c);
    }
    c.history.push({ t: rec.t, state: String(rec.to) });
    this.tcpDirty = true;
    this.visible++;
  }

  /** Runner timeline events: steps and their results. */
  event(ev: TimelineEvent): void {
    if (ev.type !== 'step') return;
    const s = this.steps[ev.index];
    if (!s) return;
    s.status = ev.status ?? (ev.ok ? 'passed' : 'failed');
    s.message = ev.message;
    s.t = ev.t;
    const next = this.steps[ev.index + 1];
    if (next && next.status === 'pending' && s.status === 'passed') next.status = 'running';
    this.stepsDirty = true;
    this.visible++;
  }

  /** The first step is running as soon as the run starts. */
  started(): void {
    if (this.steps[0]?.status === 'pending') this.steps[0].status = 'running';
    this.stepsDirty = true;
  }

  setVerdict(v: VerdictView, skipped: number[]): void {
    this.verdict = v;
    for (const s of this.steps) if (s.status === 'running' || (s.status === 'pending' && skipped.includes(s.index))) s.status = 'skipped';
    for (const s of this.steps) if (s.status === 'pending') s.status = 'skipped';
    this.stepsDirty = true;
  }

  private deviceView(h: DeviceHandle): DeviceView {
    const parts: PartView[] = [];
    for (const p of h.parts()) {
      const v: PartView = { id: p.id, type: p.type, pin: p.pin };
      if (p.type === 'button') v.pressed = this.pressed.get(`${h.id}/${p.id}`) ?? false;
      if (p.type === 'analog') v.volts = this.volts.get(`${h.id}/${p.id}`);
      if (p.type === 'neopixel') v.pixels = safe(() => h.neopixel(p.id), []);
      if (/^(dht11|dht22|ds18b20)$/.test(p.type)) {
        const spec = this.scenario.devices.find((d) => d.id === h.id)?.parts?.find((x) => x.id === p.id) as { temperature?: unknown; humidity?: unknown } | undefined;
        const set = this.sensors.get(`${h.id}/${p.id}`) ?? {};
        const t = set.temperature ?? (typeof spec?.temperature === 'number' ? spec.temperature : undefined);
        const hum = set.humidity ?? (typeof spec?.humidity === 'number' ? spec.humidity : undefined);
        if (t !== undefined) v.temperature = t;
        if (hum !== undefined && p.type !== 'ds18b20') v.humidity = hum;
      }
      parts.push(v);
    }
    const spec = this.scenario.devices.find((d) => d.id === h.id);
    const view: DeviceView = {
      id: h.id,
      kind: h.kind,
      ip: h.ip(),
      state: h.scriptState(),
      link: this.links.get(h.id) ?? { down: false, loss: 0 },
      parts,
    };
    if (h.kind === 'esp32') view.led = safe(() => h.pin(2), 0);
    const code = h.exitCode();
    if (code !== undefined) view.exitCode = code;
    if (spec?.script) view.script = { filename: spec.script.filename, language: spec.script.language };
    return view;
  }

  /** Looks at the simulation after a slice: consoles and devices. */
  collect(): void {
    const api = this.api;
    if (!api) return;
    for (const h of api.devices()) {
      const w = this.consoles.get(h.id) ?? { seen: 0, text: '', fresh: '' };
      this.consoles.set(h.id, w);
      const con = h.console;
      if (con.written !== w.seen) {
        const add = con.textSince(w.seen);
        w.seen = con.written;
        w.fresh += add;
        w.text = (w.text + add).slice(-CONSOLE_KEEP_CHARS);
        this.visible++;
      }
    }
    const devices = api.devices().map((h) => this.deviceView(h));
    const json = JSON.stringify(devices);
    if (json !== this.devicesJson) {
      this.devicesJson = json;
      this.devicesDirty = true;
      this.visible++;
    }
  }

  private devices(): DeviceView[] {
    return this.devicesJson ? (JSON.parse(this.devicesJson) as DeviceView[]) : [];
  }

  /** Everything changed since the last delta (or, with `reset`, everything). */
  message(reset: boolean, head: Pick<ViewMsg, 'status' | 'speed' | 'now' | 'maxUs' | 'timeoutUs'>): ViewMsg {
    const m: ViewMsg = { type: 'view', reset, ...head };
    if (reset) {
      m.lab = { name: this.scenario.name, file: this.scenario.file, description: this.scenario.description ?? '' };
      m.topology = this.topology;
      m.devices = this.devices();
      m.consoles = [...this.consoles].map(([device, w]) => ({ device, text: w.text }));
      m.frames = this.rows;
      m.tcp = [...this.tcp.values()];
      m.steps = this.steps;
      m.notices = this.notices;
      if (this.verdict) m.verdict = this.verdict;
      return m;
    }
    if (this.devicesDirty) m.devices = this.devices();
    const consoles = [...this.consoles].filter(([, w]) => w.fresh).map(([device, w]) => ({ device, text: w.fresh }));
    if (consoles.length) m.consoles = consoles;
    if (this.rows.length > this.sentRows) m.frames = this.rows.slice(this.sentRows);
    if (this.tcpDirty) m.tcp = [...this.tcp.values()];
    if (this.stepsDirty) m.steps = this.steps;
    if (this.notices.length > this.sentNotices) m.notices = this.notices.slice(this.sentNotices);
    if (this.verdict) m.verdict = this.verdict;
    return m;
  }

  /** After a message went out: what it carried is no longer new. */
  sent(): void {
    for (const w of this.consoles.values()) w.fresh = '';
    this.sentRows = this.rows.length;
    this.sentNotices = this.notices.length;
    this.devicesDirty = this.tcpDirty = this.stepsDirty = false;
  }
}

function connLabel(device: string, local: string, remote: string): string {
  return `${device} :${local} ⇄ :${remote}`;
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
