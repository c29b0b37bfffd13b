/**
 * A small SimulationApi double: devices whose "script" is a TypeScript
 * behaviour scheduling prints, pin changes and exits on the real kernel.
 */
import type { DeviceHandle, DeviceSpec, LinkSpec, Notice, ScriptState, SimRunOutcome, SimulationApi, SimulationOptions } from '../../devices/simulation/api';
import { Console } from '../../devices/console';
import type { BoardApi } from '../../devices/contracts';
import { Capture } from '../../sim/capture';
import { PcapWriter } from '../../sim/pcap';
import { Simulator } from '../../sim/simulator';

export type Behaviour = (d: FakeDevice, sim: Simulator) => void;

export class FakeDevice implements DeviceHandle {
  readonly console: Console;
  state: ScriptState = 'not-started';
  code: number | undefined;
  why: string | undefined;
  pins = new Map<number, number>();
  stdin: string[] = [];
  links: LinkSpec[] = [];
  resets = 0;
  onStdin: (line: string) => void = () => {};
  onInterrupt: () => void = () => this.exit(130, 'KeyboardInterrupt');

  constructor(readonly spec: DeviceSpec, private readonly sim: Simulator) {
    this.console = new Console(sim, spec.id);
  }
  get id() {
    return this.spec.id;
  }
  get kind() {
    return this.spec.board;
  }
  get board(): BoardApi {
    throw new Error('no board in the fake');
  }
  print(text: string): void {
    this.console.write(text + '\n');
  }
  pin(n: number): number {
    return this.pins.get(n) ?? 0;
  }
  pinHistory(): [number, number][] {
    return [];
  }
  // Inputs are traced by the device layer, as the real DeviceHandle and Stdin do.
  setPin(n: number, value: number): void {
    this.sim.trace.emit(this.id, 'input', 'set-pin', { pin: n, value });
    this.pins.set(n, value);
  }
  scriptState(): ScriptState {
    return this.state;
  }
  exitCode(): number | undefined {
    return this.code;
  }
  failure(): string | undefined {
    return this.why;
  }
  writeStdin(line: string): void {
    this.sim.trace.emit(this.id, 'input', 'stdin', { line });
    this.stdin.push(line);
    this.onStdin(line);
  }
  interrupt(): void {
    this.sim.trace.emit(this.id, 'input', 'interrupt');
    this.sim.schedule(1000, () => this.onInterrupt());
  }
  reset(): void {
    this.sim.trace.emit(this.id, 'input', 'reset');
    this.resets++;
  }
  setLink(spec: LinkSpec): void {
    this.sim.trace.emit(this.id, 'input', 'link', { ...spec });
    this.links.push(spec);
  }
  ip(): string {
    return this.spec.ip ?? '192.168.1.100';
  }
  counters(): Record<string, number> {
    return {};
  }
  parts() {
    return [];
  }
  press(): void {
    throw new Error('no parts in the fake');
  }
  release(): void {
    throw new Error('no parts in the fake');
  }
  setAnalog(): void {
    throw new Error('no parts in the fake');
  }
  setSensor(): void {
    throw new Error('no parts in the fake');
  }
  neopixel(): number[][] {
    throw new Error('no parts in the fake');
  }
  pinChangesSince(): [number, number][] {
    return [];
  }
  exit(code: number, failure?: string): void {
    if (this.state !== 'running') return;
    this.state = code === 0 || code === 130 ? 'exited' : 'crashed';
    this.code = code;
    this.why = failure;
    this.sim.trace.emit(this.id, 'script', 'exit', { code });
  }
}

export class FakeSimulation implements SimulationApi {
  readonly sim: Simulator;
  private devs: FakeDevice[] = [];
  closed = false;
  pcap: PcapWriter | undefined;

  constructor(opts: SimulationOptions, private readonly behaviours: Record<string, Behaviour>) {
    this.sim = new Simulator(opts.seed ?? 1);
    this.options = opts;
  }
  /** Devices as the runner added them (DeviceSpec plumbing tests). */
  specs(): DeviceSpec[] {
    return this.devs.map((d) => d.spec);
  }
  addDevice(spec: DeviceSpec): DeviceHandle {
    if (this.devs.some((d) => d.id === spec.id)) throw new Error(`duplicate device ${spec.id}`);
    const d = new FakeDevice(spec, this.sim);
    this.devs.push(d);
    for (const l of spec.stdin ?? []) d.stdin.push(l);
    const b = this.behaviours[spec.id];
    if (spec.script) {
      this.sim.schedule(spec.startUs ?? 0, () => {
        d.state = 'running';
        b?.(d, this.sim);
      });
    } else d.state = 'none';
    return d;
  }
  device(id: string): FakeDevice {
    const d = this.devs.find((x) => x.id === id);
    if (!d) throw new Error(`no device ${id}`);
    return d;
  }
  devices(): DeviceHandle[] {
    return this.devs;
  }
  async run(opts: { forUs?: number; untilUs?: number; stopWhen?: () => boolean }): Promise<SimRunOutcome> {
    if (this.wallHit) return 'wall-timeout';
    return this.sim.run({ for: opts.forUs, until: opts.untilUs, stopWhen: opts.stopWhen });
  }
  wallTimeout() {
    return this.wallHit;
  }

  noticeObservers: ((n: Notice) => void)[] = [];
  onNotice(fn: (n: Notice) => void): () => void {
    this.noticeObservers.push(fn);
    return () => {
      this.noticeObservers = this.noticeObservers.filter((x) => x !== fn);
    };
  }
  /** Raises a notice as the real simulation does for a refused station. */
  notify(device: string, text: string): void {
    for (const o of this.noticeObservers) o({ t: this.sim.now, device, text });
  }
  /** What SimulationOptions each simulation was built with (plumbing tests). */
  options: SimulationOptions;
  /** Set to make the next run() report the wall-clock safety net. */
  wallHit: { device: string | undefined; wallMs: number } | undefined;
  frameObservers: ((us: number, frame: Uint8Array) => void)[] = [];
  onFrame(fn: (us: number, frame: Uint8Array) => void): () => void {
    this.frameObservers.push(fn);
    return () => {
      this.frameObservers = this.frameObservers.filter((x) => x !== fn);
    };
  }
  onRadioFrame(): () => void {
    return () => {};
  }
  /** Puts a frame "on the air": observers and the pcap see it. */
  air(frame: Uint8Array): void {
    for (const o of this.frameObservers) o(this.sim.now, frame);
  }
  attachCapture(): Capture {
    const cap = new Capture();
    this.onFrame((us, f) => cap.ethernet(us, f));
    return cap;
  }
  attachPcap(): PcapWriter {
    const pcap = new PcapWriter();
    this.pcap = pcap;
    this.onFrame((us, f) => pcap.add(us, f));
    return pcap;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A runner factory over fake behaviours; `made` collects the simulations built. */
export function fakeFactory(behaviours: Record<string, Behaviour>) {
  const made: FakeSimulation[] = [];
  const create = (opts: SimulationOptions) => {
    const s = new FakeSimulation(opts, behaviours);
    made.push(s);
    return s;
  };
  return { create, made };
}
