/**
 * DeviceHandle: what a test or the scenario runner holds for one device of a
 * Simulation (console, pins, script state, stdin, Ctrl-C, reset, link, counters).
 * Every external input (set-pin, Ctrl-C, reset, link; stdin in devices/console.ts)
 * is traced here, once, on the 'input' layer: the runner and a jest test alike.
 */
import type { Simulator } from '../../sim/simulator';
import type { DeviceHandle, DeviceSpec, LinkSpec, PartInfo, ScriptState } from './api';
import type { ConsoleApi } from '../contracts';
import type { Air } from '../medium/air';
import type { Airspace } from '../medium/airspace';
import type { Board } from '../node';
import { Esp32Board } from '../esp32/board';
import type { Part } from '../esp32/parts';

/** The part of a running script process the handle needs (devices/script ScriptProcess). */
export interface ProcessLike {
  readonly state: ScriptState;
  readonly exitCode: number | undefined;
  readonly failure: string | undefined;
  interrupt(): void;
  kill(reason?: string): void;
  memoryBytes?(): number | undefined;
}

export class DeviceHandleImpl implements DeviceHandle {
  process: ProcessLike | undefined;

  constructor(
    private readonly sim: Simulator,
    readonly spec: DeviceSpec,
    readonly board: Board,
    private readonly airspace: Airspace,
    private readonly air?: Air,
  ) {}

  get id(): string {
    return this.spec.id;
  }

  get kind(): 'esp32' | 'pc' {
    return this.board.kind;
  }

  get console(): ConsoleApi {
    return this.board.console;
  }

  private gpioOrThrow() {
    if (!this.board.gpio) throw new Error(`${this.id} is a PC: it has no GPIO pins`);
    return this.board.gpio;
  }

  readFile(path: string): Uint8Array | undefined {
    return this.board.flash?.readFile(path);
  }

  listFiles(): string[] {
    return this.board.flash?.paths() ?? [];
  }

  pin(n: number): number {
    return this.gpioOrThrow().level(n);
  }

  pinHistory(n: number): [number, number][] {
    return this.gpioOrThrow().history(n);
  }

  setPin(n: number, value: number): void {
    this.sim.trace.emit(this.id, 'input', 'set-pin', { pin: n, value });
    this.gpioOrThrow().drive(n, value);
  }

  scriptState(): ScriptState {
    if (!this.spec.script) return 'none';
    return this.process?.state ?? 'not-started';
  }

  exitCode(): number | undefined {
    return this.process?.exitCode;
  }

  failure(): string | undefined {
    return this.process?.failure;
  }

  writeStdin(line: string): void {
    this.board.stdin.push(line);
  }

  interrupt(): void {
    this.sim.trace.emit(this.id, 'input', 'interrupt');
    this.process?.interrupt();
  }

  /** Reboot: the script is killed (its sockets vanish with the board's), then the board boots again. */
  reset(): void {
    this.sim.trace.emit(this.id, 'input', 'reset');
    this.process?.kill('reset');
    this.process = undefined;
    this.board.reset();
  }

  /** A link change while running: an external input, traced once here. */
  setLink(spec: LinkSpec): void {
    this.sim.trace.emit(this.id, 'input', 'link', { ...spec });
    this.applyLink(spec);
  }

  /** The device's configured link at power-on (part of the setup, not an input). */
  applyLink(spec: LinkSpec): void {
    for (const ap of this.airspace.all()) ap.bss.setLink(this.id, spec);
    this.air?.setLink(this.id, spec);
  }

  // --- parts (ESP32) -----------------------------------------------------------

  private esp32(): Esp32Board {
    if (!(this.board instanceof Esp32Board)) throw new Error(`${this.id} is a PC: it has no parts`);
    return this.board;
  }

  private partOrThrow(id: string): Part {
    const b = this.esp32();
    const p = b.hw.parts.get(id);
    if (!p) throw new Error(`${this.id} has no part "${id}" (parts: ${b.hw.parts.all().map((x) => x.id).join(', ')})`);
    return p;
  }

  parts(): PartInfo[] {
    if (!(this.board instanceof Esp32Board)) return [];
    return this.board.hw.parts.all().map((p) => ({ id: p.id, type: p.kind === 'dht' ? `dht${p.model}` : p.kind, pin: p.pin }));
  }

  press(part: string): void {
    const p = this.partOrThrow(part);
    if (p.kind !== 'button') throw new Error(`part "${part}" of ${this.id} is a ${p.kind}, not a button`);
    this.sim.trace.emit(this.id, 'input', 'press', { part });
    p.press();
  }

  release(part: string): void {
    const p = this.partOrThrow(part);
    if (p.kind !== 'button') throw new Error(`part "${part}" of ${this.id} is a ${p.kind}, not a button`);
    this.sim.trace.emit(this.id, 'input', 'release', { part });
    p.release();
  }

  setAnalog(target: string | number, volts: number): void {
    const b = this.esp32();
    const p = typeof target === 'number' ? b.hw.parts.all().find((x) => x.kind === 'analog' && x.pin === target) : this.partOrThrow(target);
    if (!p) throw new Error(`no analog part is wired to pin ${target} of ${this.id}`);
    if (p.kind !== 'analog') throw new Error(`part "${p.id}" of ${this.id} is a ${p.kind}, not an analog source`);
    if (!(volts >= 0 && volts <= 3.3)) throw new Error(`${volts} V is outside 0 to 3.3 V`);
    this.sim.trace.emit(this.id, 'input', 'set-analog', { part: p.id, volts });
    p.setVolts(volts);
  }

  setSensor(part: string, values: { temperature?: number; humidity?: number }): void {
    const p = this.partOrThrow(part);
    if (p.kind !== 'dht' && p.kind !== 'ds18b20') throw new Error(`part "${part}" of ${this.id} is a ${p.kind}, not a sensor`);
    if (values.humidity !== undefined && p.kind !== 'dht') throw new Error(`part "${part}" of ${this.id} is a DS18B20: it measures no humidity`);
    this.sim.trace.emit(this.id, 'input', 'set-sensor', { part, ...values });
    if (values.temperature !== undefined) p.setTemperature(values.temperature);
    if (values.humidity !== undefined && p.kind === 'dht') p.setHumidity(values.humidity);
  }

  neopixel(part: string): number[][] {
    const p = this.partOrThrow(part);
    if (p.kind !== 'neopixel') throw new Error(`part "${part}" of ${this.id} is a ${p.kind}, not a NeoPixel strip`);
    return p.pixels();
  }

  pinChangesSince(pin: number, us: number): [number, number][] {
    return this.gpioOrThrow()
      .history(pin)
      .filter(([t]) => t > us);
  }

  ip(): string {
    return this.board.ipAddress();
  }

  counters(): Record<string, number> {
    const c = this.board.counters();
    const mem = this.process?.memoryBytes?.();
    if (mem !== undefined) c['script.memory'] = mem;
    return c;
  }
}
