/**
 * The ESP32's four hardware timers (machine.Timer(0..3): two groups of two),
 * in virtual time. A periodic timer's alarms are exact multiples of its period
 * from init() (the counter reloads in hardware, whatever the callback does); a
 * one-shot fires once. Each alarm raises a 'timer' entry on the IRQ line.
 */
import type { Simulator, TimerId } from '../../sim/simulator';
import type { IrqQueue } from './irq';

export const HW_TIMERS = 4;

interface HwTimer {
  periodic: boolean;
  periodUs: number;
  /** Virtual time the counter last started from 0 (init or periodic reload). */
  startUs: number;
  event: TimerId | undefined;
}

export class HwTimers {
  private timers = new Map<number, HwTimer>();

  constructor(
    private readonly sim: Simulator,
    private readonly device: string,
    private readonly irqs: IrqQueue,
  ) {}

  /** Timer.init(): (re)starts timer `id` with a period in µs (at least 1). */
  init(id: number, periodic: boolean, periodUs: number): void {
    this.deinit(id);
    const t: HwTimer = { periodic, periodUs: Math.max(1, Math.round(periodUs)), startUs: this.sim.now, event: undefined };
    this.timers.set(id, t);
    this.sim.trace.emit(this.device, 'sim', 'timer-init', { id, periodic, periodUs: t.periodUs });
    this.arm(id, t, this.sim.now + t.periodUs);
  }

  private arm(id: number, t: HwTimer, at: number): void {
    t.event = this.sim.at(at, () => {
      t.event = undefined;
      if (t.periodic) {
        t.startUs = at;
        this.arm(id, t, at + t.periodUs);
      }
      this.irqs.raise('timer', id);
    });
  }

  deinit(id: number): void {
    const t = this.timers.get(id);
    if (!t) return;
    this.sim.cancel(t.event);
    this.timers.delete(id);
  }

  /** Timer.value(): ms counted since the counter last started (0 when not running). */
  valueMs(id: number): number {
    const t = this.timers.get(id);
    if (!t) return 0;
    return Math.floor((this.sim.now - t.startUs) / 1000);
  }

  /** Reset / power off / deep sleep: every timer stops. */
  reset(): void {
    for (const id of [...this.timers.keys()]) this.deinit(id);
  }
}
