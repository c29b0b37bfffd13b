/**
 * The board's line of pending callbacks (BoardApi.irqs): what the hardware hands
 * MicroPython's scheduler (mp_sched_schedule) — a timer expiry, a pin edge, a
 * received ESP-NOW packet — kept until the script takes it at a safe point.
 * Entries are [kind, id] in the order their events ran in virtual time. Like
 * the board's queue it holds at most DEPTH entries: further ones are dropped
 * (and counted). Masked (light sleep), entries still queue but nobody is told
 * until it is unmasked.
 */
import type { Simulator } from '../../sim/simulator';
import type { IrqLine } from '../contracts';
import type { SysValue } from '../runtime/contract';

/** MICROPY_SCHEDULER_DEPTH of the ESP32 port. */
export const SCHED_DEPTH = 8;

export type IrqKind = 'timer' | 'pin' | 'espnow' | 'sched';

export class IrqQueue implements IrqLine {
  private entries: [IrqKind, number][] = [];
  private listeners: (() => void)[] = [];
  private masked = false;
  dropped = 0;

  constructor(
    private readonly sim: Simulator,
    private readonly device: string,
  ) {}

  /** Entries waiting to be taken (none while masked: nobody may be told yet). */
  get pending(): number {
    return this.masked ? 0 : this.entries.length;
  }

  raise(kind: IrqKind, id: number): void {
    if (this.entries.length >= SCHED_DEPTH) {
      this.dropped++;
      this.sim.trace.emit(this.device, 'sim', 'irq-dropped', { source: kind, id });
      return;
    }
    this.entries.push([kind, id]);
    if (!this.masked) this.notify();
  }

  /** The oldest `max` entries (all by default); the rest stay queued. */
  take(max = Infinity): SysValue[] {
    const out = this.entries.slice(0, max);
    this.entries = this.entries.slice(out.length);
    return out;
  }

  get full(): boolean {
    return this.entries.length >= SCHED_DEPTH;
  }

  /** Light sleep: hold the callbacks until wake-up. */
  mask(on: boolean): void {
    this.masked = on;
    if (!on && this.entries.length) this.notify();
  }

  /** Reset / power off: nothing pending survives. */
  clear(): void {
    this.entries = [];
    this.masked = false;
  }

  onRaise(fn: () => void): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== fn);
    };
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}
