/**
 * A small SimulationApi double: devices whose "script" is a TypeScript
 * behaviour scheduling prints, pin changes and exits on the real kernel.
 */
import type { DeviceHandle, DeviceSpec, LinkSpec, ScriptState, SimulationApi, SimulationOptions } from '../../devices/simulation/api';
import { Console } from '../../devices/console';
import type { BoardApi } from '../../devices/contracts';
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
  setPin(n: number, value: number): void {
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
    this.stdin.push(line);
    this.onStdin(line);
  }
  interrupt(): void {
    this.sim.schedule(1000, () => this.onInterrupt());
  }
  reset(): void {
    this.resets++;
  }
  setLink(spec: LinkSpec): void {
    this.links.push(spec);
  }
  ip(): string {
    return this.spec.ip ?? '192.168.1.100';
  }
  counters(): Record<string, number> {
    return {};
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
  async run(opts: { forUs?: number; untilUs?: number; stopWhen?: () => boolean }) {
    return this.sim.run({ for: opts.forUs, until: opts.untilUs, stopWhen: opts.stopWhen });
  }
  wallTimeout(): undefined {
    return undefined;
  }

  attachPcap(): PcapWriter {
    this.pcap = new PcapWriter();
    return this.pcap;
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
