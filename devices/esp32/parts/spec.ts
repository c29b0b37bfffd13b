/**
 * Parts wired to a board's pins (`parts:` under a device in a scenario,
 * DeviceSpec.parts in the library API), and the values that drive them: a
 * constant, or a list of [µs, value] points in virtual time (linear between
 * points, held before the first and after the last), until a step or the API
 * sets a new constant.
 */
import type { Simulator } from '../../../sim/simulator';

/** A value over virtual time: a constant or [µs since the start of the run, value] points. */
export type SignalSpec = number | [number, number][];

export type PartType = 'button' | 'potentiometer' | 'analog' | 'dht11' | 'dht22' | 'neopixel' | 'ds18b20';

export const PART_TYPES: readonly PartType[] = ['button', 'potentiometer', 'analog', 'dht11', 'dht22', 'neopixel', 'ds18b20'];

export type PartSpec =
  /** A push button from the pin to GND (pressed reads 0; the script enables the pull-up), or to 3V3 with `activeHigh`. */
  | { id: string; type: 'button'; pin: number; activeHigh?: boolean; /** Contact bounce after each press and release, µs (0: none). */ bounceUs?: number }
  /** A potentiometer between GND and 3V3: `position` 0..1 sets the wiper (1 = 3.3 V). */
  | { id: string; type: 'potentiometer'; pin: number; position: SignalSpec }
  /** Any analog source on an ADC pin, in volts. */
  | { id: string; type: 'analog'; pin: number; volts: SignalSpec }
  /** A DHT11 or DHT22 on a data pin: °C and %RH. */
  | { id: string; type: 'dht11' | 'dht22'; pin: number; temperature: SignalSpec; humidity: SignalSpec }
  /** A strip of WS2812 (bpp 3, GRB) or SK6812 RGBW (bpp 4, GRBW) pixels. */
  | { id: string; type: 'neopixel'; pin: number; count: number; bpp?: 3 | 4 }
  /** A DS18B20 on a 1-Wire bus (several on one pin share the bus); `rom` its 64-bit code as 16 hex digits. */
  | { id: string; type: 'ds18b20'; pin: number; temperature: SignalSpec; rom?: string };

/** The ESP32's GPIOs (an ESP32-WROOM-32 has no 20, 24, 28-31). */
export const ESP32_GPIOS: readonly number[] = [...Array(40).keys()].filter((n) => n !== 20 && n !== 24 && (n < 28 || n > 31));
/** GPIO 6-11 wire the module's SPI flash: nothing else may use them. */
export const FLASH_PINS: readonly number[] = [6, 7, 8, 9, 10, 11];

/** What each part measures or takes: the ranges of its datasheet. */
export const PART_RANGES = {
  dht11: { temperature: [0, 50], humidity: [20, 90] },
  dht22: { temperature: [-40, 80], humidity: [0, 100] },
  ds18b20: { temperature: [-55, 125] },
} as const;

/** Full scale of the analog parts: the board's 3.3 V rail. */
export const VCC = 3.3;

export class Signal {
  private fixed: number | undefined;

  constructor(
    private readonly sim: Simulator,
    private readonly spec: SignalSpec,
  ) {}

  value(): number {
    if (this.fixed !== undefined) return this.fixed;
    const s = this.spec;
    if (typeof s === 'number') return s;
    const t = this.sim.now;
    if (!s.length) return 0;
    if (t <= s[0][0]) return s[0][1];
    for (let i = 1; i < s.length; i++) {
      const [t1, v1] = s[i];
      if (t <= t1) {
        const [t0, v0] = s[i - 1];
        return t1 === t0 ? v1 : v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
      }
    }
    return s[s.length - 1][1];
  }

  /** From now on a constant (a step or the API set it). */
  set(v: number): void {
    this.fixed = v;
  }
}
