/**
 * ESP32 GPIO pins: levels, modes (input, output, open drain), pulls, PWM
 * (recorded as its duty fraction), and a level history with virtual timestamps
 * per pin. GPIO 2 is the on-board LED; GPIO 0 is the BOOT button (input,
 * pulled up: reads 1 until pressed). GPIOs 34-39 are inputs without pull
 * resistors. Level listeners (pin IRQs, parts) hear every change.
 */
import type { Simulator } from '../sim/simulator';
import type { GpioApi } from './contracts';

export const LED_PIN = 2;
export const BOOT_PIN = 0;
/** ESP32 GPIOs 0-39 (34-39 input only). */
export const PIN_COUNT = 40;
/** The first input-only GPIO: 34-39 have no output driver and no pull resistors. */
export const FIRST_INPUT_ONLY = 34;

/**
 * How many level changes a pin's history keeps, like a logic analyser's capture
 * buffer: the most recent ones. A pin toggled for hours would otherwise hold
 * every change in memory; the trace (when kept) still records each of them.
 */
export const HISTORY_MAX = 65_536;

export type LevelListener = (pin: number, level: number) => void;

interface PinState {
  mode: 'in' | 'out' | 'od';
  pull: 'up' | 'down' | null;
  /** Level driven by the script (output) or from outside (input). */
  level: number;
  external: number | undefined;
  pwm: { freq: number; duty: number } | undefined;
  history: [number, number][];
}

export class Gpio implements GpioApi {
  private pins = new Map<number, PinState>();
  private listeners: LevelListener[] = [];

  constructor(
    private readonly sim: Simulator,
    private readonly device: string,
  ) {
    this.reset();
  }

  /** Power-on state: every pin an input; GPIO 0 pulled up (BOOT button released). */
  reset(): void {
    // The level history is the observer's record (a logic analyser): it survives the reset.
    const before = [...this.pins];
    this.pins.clear();
    for (const [n, old] of before) this.pins.set(n, { mode: 'in', pull: null, level: 0, external: old.external, pwm: undefined, history: old.history });
    this.pin(BOOT_PIN).pull = 'up';
    for (const [n, p] of this.pins) this.update(n, p);
  }

  private pin(n: number): PinState {
    let p = this.pins.get(n);
    if (!p) {
      p = { mode: 'in', pull: null, level: 0, external: undefined, pwm: undefined, history: [] };
      this.pins.set(n, p);
    }
    return p;
  }

  private effective(p: PinState): number {
    if (p.mode === 'out') return p.pwm ? p.pwm.duty / 1023 : p.level;
    // Open drain: 0 pulls the line low, 1 lets it go (then it reads as an input).
    if (p.mode === 'od' && p.level === 0) return 0;
    if (p.external !== undefined) return p.external;
    return p.pull === 'up' ? 1 : 0;
  }

  private record(n: number, p: PinState, value: number): void {
    const last = p.history[p.history.length - 1];
    if (last && last[1] === value) return;
    if (last && last[0] === this.sim.now) p.history.pop();
    p.history.push([this.sim.now, value]);
    if (p.history.length > 2 * HISTORY_MAX) p.history.splice(0, p.history.length - HISTORY_MAX);
    this.sim.trace.emit(this.device, 'gpio', 'level', { pin: n, value });
    for (const l of this.listeners) l(n, value);
  }

  /** Hears every level change of every pin (PWM: its duty fraction). */
  onLevel(fn: LevelListener): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== fn);
    };
  }

  private update(n: number, p: PinState): void {
    this.record(n, p, this.effective(p));
  }

  read(n: number): number {
    const p = this.pin(n);
    const v = this.effective(p);
    return p.mode === 'out' && p.pwm ? (v > 0 ? 1 : 0) : v;
  }

  write(n: number, value: number): void {
    const p = this.pin(n);
    p.level = value ? 1 : 0;
    // MicroPython: Pin.value(x) on an input pin just stores the output latch.
    this.update(n, p);
  }

  mode(n: number, mode: 'in' | 'out' | 'od', pull: 'up' | 'down' | null = null): void {
    const p = this.pin(n);
    p.mode = mode;
    p.pull = n >= FIRST_INPUT_ONLY ? null : pull;
    if (mode !== 'out') p.pwm = undefined;
    this.update(n, p);
  }

  modeOf(n: number): 'in' | 'out' | 'od' {
    return this.pin(n).mode;
  }

  pullOf(n: number): 'up' | 'down' | null {
    return this.pin(n).pull;
  }

  pwm(n: number, freq: number | null, duty: number | null): void {
    const p = this.pin(n);
    if (freq === null && duty === null) {
      p.pwm = undefined;
    } else {
      p.mode = 'out';
      const cur = p.pwm ?? { freq: 5000, duty: 512 };
      p.pwm = { freq: freq ?? cur.freq, duty: Math.max(0, Math.min(1023, duty ?? cur.duty)) };
    }
    this.update(n, p);
  }

  pwmState(n: number): { freq: number; duty: number } | undefined {
    return this.pins.get(n)?.pwm;
  }

  /** Drives an input pin from outside (a button); undefined releases it. */
  drive(n: number, value: number | undefined): void {
    const p = this.pin(n);
    p.external = value === undefined ? undefined : value ? 1 : 0;
    this.update(n, p);
  }

  /** Current level (PWM: its duty fraction). */
  level(n: number): number {
    return this.effective(this.pin(n));
  }

  /** The pin's recorded level changes, oldest first: the last HISTORY_MAX to 2·HISTORY_MAX of them. */
  history(n: number): [number, number][] {
    return this.pin(n).history.map(([t, v]) => [t, v]);
  }
}
