/**
 * A 1-Wire bus on one pin (with its 4.7 kΩ pull-up) and the DS18B20s on it,
 * simulated slot by slot: a reset pulse and presence, write slots and read
 * slots. The line is a wired AND: a read slot reads 0 if any device pulls it
 * low. Each DS18B20 follows its datasheet: ROM commands (SEARCH ROM bit by bit,
 * READ, MATCH, SKIP, ALARM SEARCH), then CONVERT T (93.75-750 ms by resolution;
 * read slots return 0 until done), READ/WRITE SCRATCHPAD, COPY/RECALL, READ
 * POWER SUPPLY. The temperature register reads +85 °C until the first
 * conversion, as after a real power-on.
 */
import type { Simulator } from '../../../sim/simulator';
import { Signal, type SignalSpec } from './spec';

/** Dallas/Maxim CRC-8 (x^8 + x^5 + x^4 + 1, reflected), as onewire.crc8() computes it. */
export function crc8(data: Uint8Array | number[]): number {
  let crc = 0;
  for (const byte of data) {
    let b = byte;
    for (let i = 0; i < 8; i++) {
      const mix = (crc ^ b) & 1;
      crc >>= 1;
      if (mix) crc ^= 0x8c;
      b >>= 1;
    }
  }
  return crc;
}

/** Slot times (µs) of the standard speed, as the driver spends them. */
export const OW_RESET_US = 960;
export const OW_SLOT_US = 70;

type Phase =
  | { p: 'idle' }
  | { p: 'rom'; bits: number; n: number }
  | { p: 'match'; bits: number[]; }
  | { p: 'search'; bit: number; step: 0 | 1 | 2 }
  | { p: 'send'; bits: number[]; then: 'idle' | 'func' }
  | { p: 'func'; bits: number; n: number }
  | { p: 'write'; bits: number[] }
  | { p: 'busy'; until: number }
  | { p: 'power' };

export class Ds18b20 {
  readonly kind = 'ds18b20' as const;
  readonly rom: Uint8Array;
  private readonly temperature: Signal;
  /** Scratchpad: T LSB, T MSB, TH, TL, config, 0xFF, 0x0C, 0x10 (CRC computed on read). */
  private scratch = [0x50, 0x05, 0x4b, 0x46, 0x7f, 0xff, 0x0c, 0x10];
  private eeprom = [0x4b, 0x46, 0x7f];
  private phase: Phase = { p: 'idle' };
  /** Taking part in the current SEARCH (cleared when its bit loses). */
  private searching = false;
  private alarmSearch = false;

  constructor(
    readonly id: string,
    readonly pin: number,
    rom: Uint8Array,
    private readonly sim: Simulator,
    temperature: SignalSpec,
  ) {
    this.rom = rom;
    this.temperature = new Signal(sim, temperature);
  }

  /** A ROM code for a part: family 0x28, six serial bytes, CRC. */
  static romFor(seed: number): Uint8Array {
    const r = new Uint8Array(8);
    r[0] = 0x28;
    let s = seed >>> 0;
    for (let i = 1; i < 7; i++) {
      s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) >>> 0;
      r[i] = (s >>> 8) & 0xff;
    }
    r[7] = crc8(r.subarray(0, 7));
    return r;
  }

  setTemperature(c: number): void {
    this.temperature.set(c);
  }

  /** The resolution (9-12 bits) the configuration register selects, and its conversion time. */
  private get bitsRes(): number {
    return 9 + ((this.scratch[4] >> 5) & 3);
  }

  convertUs(): number {
    return 93_750 << (this.bitsRes - 9);
  }

  /** What the sensor would read now (°C, in its resolution). */
  reading(): number {
    const t = Math.max(-55, Math.min(125, this.temperature.value()));
    const drop = 12 - this.bitsRes;
    const raw = (Math.round(t * 16) >> drop) << drop;
    return raw / 16;
  }

  private alarm(): boolean {
    const t = (((this.scratch[1] << 8) | this.scratch[0]) << 16) >> 16;
    const th = (this.scratch[2] << 24) >> 24;
    const tl = (this.scratch[3] << 24) >> 24;
    return t / 16 >= th || t / 16 <= tl;
  }

  reset(): boolean {
    this.phase = { p: 'rom', bits: 0, n: 0 };
    return true;
  }

  /** This device's level in a read slot (1 = lets the line go). */
  readSlot(): number {
    const ph = this.phase;
    switch (ph.p) {
      case 'search':
        if (!this.searching || ph.step === 2) return 1;
        {
          const bit = (this.rom[ph.bit >> 3] >> (ph.bit & 7)) & 1;
          const out = ph.step === 0 ? bit : bit ^ 1;
          ph.step = ph.step === 0 ? 1 : 2;
          return out;
        }
      case 'send': {
        const b = ph.bits.shift();
        if (!ph.bits.length) this.phase = ph.then === 'func' ? { p: 'func', bits: 0, n: 0 } : { p: 'idle' };
        return b ?? 1;
      }
      case 'busy':
        return this.sim.now >= ph.until ? 1 : 0;
      case 'power':
        return 1; // externally powered
      default:
        return 1;
    }
  }

  writeSlot(bit: number): void {
    const ph = this.phase;
    switch (ph.p) {
      case 'rom':
        ph.bits |= bit << ph.n++;
        if (ph.n === 8) this.romCommand(ph.bits);
        return;
      case 'match':
        ph.bits.push(bit);
        if (ph.bits.length === 64) {
          const ok = ph.bits.every((b, i) => b === ((this.rom[i >> 3] >> (i & 7)) & 1));
          this.phase = ok ? { p: 'func', bits: 0, n: 0 } : { p: 'idle' };
        }
        return;
      case 'search': {
        if (ph.step !== 2) {
          // The master wrote without reading both bits: it lost track; drop out.
          this.searching = false;
          return;
        }
        const mine = (this.rom[ph.bit >> 3] >> (ph.bit & 7)) & 1;
        if (this.searching && mine !== bit) this.searching = false;
        ph.bit++;
        ph.step = 0;
        if (ph.bit === 64) this.phase = this.searching ? { p: 'func', bits: 0, n: 0 } : { p: 'idle' };
        return;
      }
      case 'func':
        ph.bits |= bit << ph.n++;
        if (ph.n === 8) this.function(ph.bits);
        return;
      case 'write':
        ph.bits.push(bit);
        if (ph.bits.length === 24) {
          for (let i = 0; i < 3; i++) {
            let v = 0;
            for (let b = 0; b < 8; b++) v |= ph.bits[i * 8 + b] << b;
            this.scratch[2 + i] = i === 2 ? (v & 0x60) | 0x1f : v;
          }
          this.phase = { p: 'idle' };
        }
        return;
      default:
        return;
    }
  }

  private romCommand(cmd: number): void {
    switch (cmd) {
      case 0xcc: // SKIP ROM
        this.phase = { p: 'func', bits: 0, n: 0 };
        return;
      case 0x55: // MATCH ROM
        this.phase = { p: 'match', bits: [] };
        return;
      case 0x33: // READ ROM
        this.phase = { p: 'send', bits: bitsOf(Array.from(this.rom)), then: 'func' };
        return;
      case 0xf0: // SEARCH ROM
      case 0xec: // ALARM SEARCH
        this.alarmSearch = cmd === 0xec;
        this.searching = !this.alarmSearch || this.alarm();
        this.phase = { p: 'search', bit: 0, step: 0 };
        return;
      default:
        this.phase = { p: 'idle' };
    }
  }

  private function(cmd: number): void {
    switch (cmd) {
      case 0x44: {
        // CONVERT T: the register holds the new value once the conversion time has passed.
        const until = this.sim.now + this.convertUs();
        const raw = Math.round(this.reading() * 16) & 0xffff;
        this.sim.at(until, () => {
          this.scratch[0] = raw & 0xff;
          this.scratch[1] = raw >> 8;
        });
        this.phase = { p: 'busy', until };
        return;
      }
      case 0xbe: {
        const sp = [...this.scratch, crc8(this.scratch)];
        this.phase = { p: 'send', bits: bitsOf(sp), then: 'idle' };
        return;
      }
      case 0x4e:
        this.phase = { p: 'write', bits: [] };
        return;
      case 0x48: // COPY SCRATCHPAD
        this.eeprom = this.scratch.slice(2, 5);
        this.phase = { p: 'busy', until: this.sim.now + 10_000 };
        return;
      case 0xb8: // RECALL E2
        this.scratch.splice(2, 3, ...this.eeprom);
        this.phase = { p: 'idle' };
        return;
      case 0xb4:
        this.phase = { p: 'power' };
        return;
      default:
        this.phase = { p: 'idle' };
    }
  }
}

function bitsOf(bytes: number[]): number[] {
  const out: number[] = [];
  for (const b of bytes) for (let i = 0; i < 8; i++) out.push((b >> i) & 1);
  return out;
}

/** The bus: every DS18B20 wired to one pin. */
export class OneWireBus {
  readonly devices: Ds18b20[] = [];

  constructor(readonly pin: number) {}

  /** Reset pulse: true when a device answers with a presence pulse. */
  reset(): boolean {
    let presence = false;
    for (const d of this.devices) presence = d.reset() || presence;
    return presence;
  }

  readBit(): number {
    let line = 1;
    for (const d of this.devices) line &= d.readSlot();
    return line;
  }

  writeBit(bit: number): void {
    for (const d of this.devices) d.writeSlot(bit ? 1 : 0);
  }

  readByte(): number {
    let v = 0;
    for (let i = 0; i < 8; i++) v |= this.readBit() << i;
    return v;
  }

  writeByte(v: number): void {
    for (let i = 0; i < 8; i++) this.writeBit((v >> i) & 1);
  }
}
