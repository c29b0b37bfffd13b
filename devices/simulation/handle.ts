/**
 * DeviceHandle: what a test or the scenario runner holds for one device of a
 * Simulation (console, pins, script state, stdin, Ctrl-C, reset, link, counters).
 * Every external input (set-pin, Ctrl-C, reset, link; stdin in devices/console.ts)
 * is traced here, once, on the 'input' layer: the runner and a jest test alike.
 */
import type { Simulator } from '../../sim/simulator';
import type { DeviceHandle, DeviceSpec, LinkSpec, ScriptState } from './api';
import type { ConsoleApi } from '../contracts';
import type { Airspace } from '../medium/airspace';
import type { Board } from '../node';

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
