/**
 * Pin.irq on the ESP32: a pin's trigger (IRQ_RISING 1, IRQ_FALLING 2, both 3;
 * WAKE_LOW 4 / WAKE_HIGH 5 are level triggers) and the edges of its level,
 * whoever makes them: a part, a scenario step, another device, or the script
 * itself writing an output (ESP32 outputs keep their input enabled, so they
 * interrupt too). Each edge raises a 'pin' entry on the IRQ line, as the
 * board's ISR schedules the handler once per edge. PWM does not interrupt.
 */
import type { Gpio } from '../gpio';
import type { IrqQueue } from './irq';

export const IRQ_RISING = 1;
export const IRQ_FALLING = 2;
export const WAKE_LOW = 4;
export const WAKE_HIGH = 5;

export class PinIrqs {
  private triggers = new Map<number, number>();
  private levels = new Map<number, number>();

  constructor(
    private readonly gpio: Gpio,
    private readonly irqs: IrqQueue,
  ) {
    gpio.onLevel((pin, v) => this.changed(pin, v));
  }

  /** Pin.irq(trigger=...): 0 turns the pin's interrupt off. Returns the previous trigger. */
  set(pin: number, trigger: number): number {
    const old = this.triggers.get(pin) ?? 0;
    if (!trigger) this.triggers.delete(pin);
    else this.triggers.set(pin, trigger);
    this.levels.set(pin, this.gpio.read(pin) ? 1 : 0);
    return old;
  }

  trigger(pin: number): number {
    return this.triggers.get(pin) ?? 0;
  }

  private changed(pin: number, v: number): void {
    const t = this.triggers.get(pin);
    if (t === undefined || (v !== 0 && v !== 1)) return;
    const before = this.levels.get(pin) ?? 0;
    this.levels.set(pin, v);
    if (before === v) return;
    const fire = t === WAKE_LOW ? v === 0 : t === WAKE_HIGH ? v === 1 : (v === 1 && (t & IRQ_RISING) !== 0) || (v === 0 && (t & IRQ_FALLING) !== 0);
    if (fire) this.irqs.raise('pin', pin);
  }

  reset(): void {
    this.triggers.clear();
    this.levels.clear();
  }
}
