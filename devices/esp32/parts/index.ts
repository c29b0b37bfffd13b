/**
 * The parts wired to one ESP32 (the BOOT button on GPIO 0 always is), built
 * from PartSpecs, and what the board's drivers ask of them by pin: the voltage
 * on an ADC pin, the DHT, the pixel strip, the 1-Wire bus.
 */
import type { Simulator } from '../../../sim/simulator';
import type { Gpio } from '../../gpio';
import { BOOT_PIN } from '../../gpio';
import { Ds18b20, OneWireBus } from './onewire';
import { AnalogSource, Button, Dht, NeoPixelStrip } from './simple';
import { VCC, type PartSpec } from './spec';

export { crc8, Ds18b20, OneWireBus, OW_RESET_US, OW_SLOT_US } from './onewire';
export { AnalogSource, Button, Dht, DHT_START_US, NeoPixelStrip, type DhtRead, type Rgbw } from './simple';
export * from './spec';

export type Part = Button | AnalogSource | Dht | NeoPixelStrip | Ds18b20;

/** The id of the BOOT button every ESP32 has. */
export const BOOT_BUTTON = 'boot';

function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class Parts {
  private byId = new Map<string, Part>();
  private buses = new Map<number, OneWireBus>();

  constructor(
    private readonly sim: Simulator,
    private readonly device: string,
    private readonly gpio: Gpio,
  ) {
    this.add({ id: BOOT_BUTTON, type: 'button', pin: BOOT_PIN });
  }

  /** Wires a part; throws with a plain message when the spec cannot be built. */
  add(spec: PartSpec): Part {
    if (this.byId.has(spec.id) && spec.id !== BOOT_BUTTON) throw new Error(`${this.device} already has a part "${spec.id}"`);
    const part = this.build(spec);
    this.byId.set(spec.id, part);
    return part;
  }

  private build(s: PartSpec): Part {
    const sim = this.sim;
    switch (s.type) {
      case 'button':
        return new Button(s.id, s.pin, this.gpio, sim, sim.rng(`part/${this.device}/${s.id}`), s.activeHigh ?? false, s.bounceUs ?? 0);
      case 'potentiometer':
        return new AnalogSource(s.id, s.pin, sim, s.position, VCC);
      case 'analog':
        return new AnalogSource(s.id, s.pin, sim, s.volts);
      case 'dht11':
      case 'dht22':
        return new Dht(s.id, s.pin, s.type === 'dht11' ? 11 : 22, sim, s.temperature, s.humidity, () => sim.now);
      case 'neopixel':
        return new NeoPixelStrip(s.id, s.pin, s.count, s.bpp ?? 3);
      case 'ds18b20': {
        const rom = s.rom ? romBytes(s.rom) : Ds18b20.romFor(hash(`${this.device}/${s.id}`));
        const d = new Ds18b20(s.id, s.pin, rom, sim, s.temperature);
        let bus = this.buses.get(s.pin);
        if (!bus) {
          bus = new OneWireBus(s.pin);
          this.buses.set(s.pin, bus);
        }
        bus.devices.push(d);
        return d;
      }
    }
  }

  get(id: string): Part | undefined {
    return this.byId.get(id);
  }

  all(): Part[] {
    return [...this.byId.values()];
  }

  private onPin<K extends Part['kind']>(pin: number, kind: K): Extract<Part, { kind: K }> | undefined {
    for (const p of this.byId.values()) if (p.pin === pin && p.kind === kind) return p as Extract<Part, { kind: K }>;
    return undefined;
  }

  /** Volts an analog part puts on `pin` (undefined: none wired). */
  volts(pin: number): number | undefined {
    return this.onPin(pin, 'analog')?.volts();
  }

  dht(pin: number): Dht | undefined {
    return this.onPin(pin, 'dht');
  }

  strip(pin: number): NeoPixelStrip | undefined {
    return this.onPin(pin, 'neopixel');
  }

  bus(pin: number): OneWireBus | undefined {
    return this.buses.get(pin);
  }

  /** The board powered on: sensors start their power-up time. */
  poweredOn(): void {
    for (const p of this.byId.values()) if (p.kind === 'dht') p.poweredUs = this.sim.now;
  }
}

/** "28ff4a6b..." (16 hex digits, the ROM as ds.scan() prints it) → bytes. */
export function romBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16) || 0;
  return out;
}
