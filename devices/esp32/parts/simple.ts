/**
 * The simple parts: a push button, analog sources (potentiometer, any voltage),
 * a DHT11/DHT22 humidity and temperature sensor, a WS2812/SK6812 pixel strip.
 * Each acts on the board only through its pin (GPIO levels) or the one driver
 * call that talks to it (dht_readinto, bitstream), with the part's own timing.
 */
import type { Rng } from '../../../sim/rng';
import type { Simulator } from '../../../sim/simulator';
import type { Gpio } from '../../gpio';
import { Signal, VCC, type SignalSpec } from './spec';

export class Button {
  readonly kind = 'button' as const;
  pressed = false;

  constructor(
    readonly id: string,
    readonly pin: number,
    private readonly gpio: Gpio,
    private readonly sim: Simulator,
    private readonly rng: Rng,
    private readonly activeHigh = false,
    private readonly bounceUs = 0,
  ) {}

  press(): void {
    this.set(true);
  }

  release(): void {
    this.set(false);
  }

  private set(down: boolean): void {
    if (down === this.pressed) return;
    this.pressed = down;
    const contact = down ? (this.activeHigh ? 1 : 0) : undefined;
    if (this.bounceUs > 0) this.bounce(contact);
    this.gpio.drive(this.pin, contact);
  }

  /** A real contact chatters before it settles: a few short openings within bounceUs, drawn from the part's stream. */
  private bounce(settled: number | undefined): void {
    const open = settled === undefined ? (this.activeHigh ? 1 : 0) : undefined;
    const n = 2 + this.rng.int(3);
    const times = Array.from({ length: n * 2 }, () => 1 + this.rng.int(this.bounceUs)).sort((a, b) => a - b);
    for (let i = 0; i < times.length; i++) {
      const level = i % 2 === 0 ? open : settled;
      this.sim.schedule(times[i], () => (this.pressed === (settled !== undefined) ? this.gpio.drive(this.pin, level) : undefined));
    }
  }
}

/** A voltage on an ADC pin: a potentiometer's wiper (position × 3.3 V) or any source in volts. */
export class AnalogSource {
  readonly kind = 'analog' as const;
  private readonly signal: Signal;

  constructor(
    readonly id: string,
    readonly pin: number,
    sim: Simulator,
    spec: SignalSpec,
    /** Potentiometer: values are positions 0..1 of the 3.3 V rail. */
    private readonly scale = 1,
  ) {
    this.signal = new Signal(sim, spec);
  }

  volts(): number {
    return Math.max(0, Math.min(VCC, this.signal.value() * this.scale));
  }

  setVolts(v: number): void {
    this.signal.set(v / this.scale);
  }
}

/** DHT timing: the driver holds the line high 250 ms, low 18 ms, then reads 40 bits. */
export const DHT_START_US = 250_000 + 18_000;
/** After power-on a DHT needs 1 s before it answers; between two readings 1 s (DHT11) or 2 s (DHT22). */
export const DHT_POWER_UP_US = 1_000_000;

export type DhtRead = { ok: true; bytes: Uint8Array; tookUs: number } | { ok: false; tookUs: number };

export class Dht {
  readonly kind = 'dht' as const;
  private readonly temperature: Signal;
  private readonly humidity: Signal;
  /** When it last answered (a reading started then); it is busy measuring until the interval has passed. */
  private lastAnswerUs = -Infinity;
  /** Board power-on (the sensor is powered from it). */
  poweredUs = 0;

  constructor(
    readonly id: string,
    readonly pin: number,
    readonly model: 11 | 22,
    sim: Simulator,
    temperature: SignalSpec,
    humidity: SignalSpec,
    private readonly now: () => number,
  ) {
    this.temperature = new Signal(sim, temperature);
    this.humidity = new Signal(sim, humidity);
  }

  get intervalUs(): number {
    return this.model === 11 ? 1_000_000 : 2_000_000;
  }

  setTemperature(c: number): void {
    this.temperature.set(c);
  }

  setHumidity(rh: number): void {
    this.humidity.set(rh);
  }

  /** Readings as the sensor reports them now (in its range and resolution). */
  values(): { temperature: number; humidity: number } {
    const b = this.encode();
    if (this.model === 11) return { humidity: b[0], temperature: b[2] };
    const t = (((b[2] & 0x7f) << 8) | b[3]) / 10;
    return { humidity: ((b[0] << 8) | b[1]) / 10, temperature: b[2] & 0x80 ? -t : t };
  }

  private encode(): Uint8Array {
    const b = new Uint8Array(5);
    const t = this.temperature.value();
    const h = this.humidity.value();
    if (this.model === 11) {
      b[0] = Math.round(Math.max(20, Math.min(90, h)));
      b[2] = Math.round(Math.max(0, Math.min(50, t)));
    } else {
      const hh = Math.round(Math.max(0, Math.min(100, h)) * 10);
      const tt = Math.round(Math.max(-40, Math.min(80, t)) * 10);
      b[0] = hh >> 8;
      b[1] = hh & 0xff;
      b[2] = (Math.abs(tt) >> 8) | (tt < 0 ? 0x80 : 0);
      b[3] = Math.abs(tt) & 0xff;
    }
    b[4] = (b[0] + b[1] + b[2] + b[3]) & 0xff;
    return b;
  }

  /**
   * dht_readinto(): after the start signal the sensor answers with 40 bits — unless it was
   * powered up less than 1 s ago or read again within its interval: then it stays silent and
   * the driver times out (OSError ETIMEDOUT), as a real DHT read too fast.
   */
  read(): DhtRead {
    const t = this.now();
    if (t - this.poweredUs < DHT_POWER_UP_US || t - this.lastAnswerUs < this.intervalUs) return { ok: false, tookUs: DHT_START_US + 110 };
    this.lastAnswerUs = t;
    const bytes = this.encode();
    let us = DHT_START_US + 10 + 30 + 160;
    for (const byte of bytes) for (let i = 7; i >= 0; i--) us += 50 + ((byte >> i) & 1 ? 70 : 26);
    return { ok: true, bytes, tookUs: us + 50 };
  }
}

export type Rgbw = [number, number, number] | [number, number, number, number];

/** WS2812 (GRB) / SK6812 RGBW (GRBW) pixels: each takes its bytes off the front of the stream and passes the rest on. */
export class NeoPixelStrip {
  readonly kind = 'neopixel' as const;
  private colours: Rgbw[];
  writes = 0;
  lastWriteUs: number | undefined;

  constructor(
    readonly id: string,
    readonly pin: number,
    readonly count: number,
    readonly bpp: 3 | 4,
  ) {
    this.colours = Array.from({ length: count }, () => (bpp === 4 ? [0, 0, 0, 0] : [0, 0, 0]) as Rgbw);
  }

  /** A bitstream arrived; `highNs` per bit: the pixel samples the line 625 ns after the rising edge. */
  receive(data: Uint8Array, highNs: (bit: number) => number, now: number): void {
    const bytes = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) {
      let v = 0;
      for (let b = 7; b >= 0; b--) v = (v << 1) | (highNs((data[i] >> b) & 1) > 625 ? 1 : 0);
      bytes[i] = v;
    }
    const n = Math.min(this.count, Math.floor(bytes.length / this.bpp));
    for (let p = 0; p < n; p++) {
      const o = p * this.bpp;
      this.colours[p] = this.bpp === 4 ? [bytes[o + 1], bytes[o], bytes[o + 2], bytes[o + 3]] : [bytes[o + 1], bytes[o], bytes[o + 2]];
    }
    this.writes++;
    this.lastWriteUs = now;
  }

  /** The colours the pixels show (as written last), RGB(W). */
  pixels(): Rgbw[] {
    return this.colours.map((c) => [...c] as Rgbw);
  }
}
