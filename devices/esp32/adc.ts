/**
 * The ESP32's two SAR ADCs as machine.ADC sees them: ADC1 on GPIO 32-39, ADC2
 * on 0, 2, 4, 12-15, 25-27 (unusable while WiFi is on: the driver answers
 * ESP_ERR_TIMEOUT), four attenuations, 9-12 bit widths. The input voltage comes
 * from the part wired to the pin (a potentiometer, any analog source); an
 * unconnected pin reads 0 V.
 *
 * Conversion model (linear, documented in the README): within an
 * attenuation's range the raw value grows linearly from 0 at `zero` volts to
 * 4095 at `full` volts and clips outside; read_uv() is the calibrated inverse
 * of the raw value (millivolt resolution), so an input tied to ground reads
 * `zero` (above 0 µV), as the MicroPython docs warn.
 */

export const ATTN_0DB = 0;
export const ATTN_2_5DB = 1;
export const ATTN_6DB = 2;
export const ATTN_11DB = 3;

/** Volts at raw 0 and at raw 4095 (12 bits) for each attenuation. */
const RANGE: Record<number, { zero: number; full: number }> = {
  [ATTN_0DB]: { zero: 0.1, full: 1.0 },
  [ATTN_2_5DB]: { zero: 0.1, full: 1.35 },
  [ATTN_6DB]: { zero: 0.15, full: 1.9 },
  [ATTN_11DB]: { zero: 0.15, full: 3.1 },
};

/** GPIO → [block, channel]. */
const CHANNELS: Record<number, [1 | 2, number]> = {
  36: [1, 0], 37: [1, 1], 38: [1, 2], 39: [1, 3], 32: [1, 4], 33: [1, 5], 34: [1, 6], 35: [1, 7],
  4: [2, 0], 0: [2, 1], 2: [2, 2], 15: [2, 3], 13: [2, 4], 12: [2, 5], 14: [2, 6], 27: [2, 7], 25: [2, 8], 26: [2, 9],
};

/** The GPIOs with an ADC channel. */
export const ADC_PINS: readonly number[] = Object.keys(CHANNELS).map(Number).sort((a, b) => a - b);

export type AdcRead = { ok: true; raw: number } | { ok: false; espErr: 'ESP_ERR_TIMEOUT' };

export interface AdcWiring {
  /** Volts on the pin now (undefined: nothing connected). */
  volts(pin: number): number | undefined;
  /** WiFi started (station or access point active): ADC2 is taken. */
  wifiOn(): boolean;
}

export class Adc {
  private atten = new Map<number, number>();
  /** Width in bits per block (ESP32: adc1_config_width for ADC1; ADC2 takes its own). */
  private bits: Record<1 | 2, number> = { 1: 12, 2: 12 };

  constructor(private readonly wiring: AdcWiring) {}

  static block(pin: number): 1 | 2 | undefined {
    return CHANNELS[pin]?.[0];
  }

  /** ADC(pin) / ADC.init(atten=): the default attenuation is 0 dB. */
  setAtten(pin: number, atten: number): boolean {
    if (!(atten in RANGE)) return false;
    this.atten.set(pin, atten);
    return true;
  }

  attenOf(pin: number): number {
    return this.atten.get(pin) ?? ATTN_0DB;
  }

  setWidth(pin: number, bits: number): boolean {
    const b = Adc.block(pin);
    if (b === undefined || bits < 9 || bits > 12) return false;
    this.bits[b] = bits;
    return true;
  }

  widthOf(pin: number): number {
    return this.bits[Adc.block(pin) ?? 1];
  }

  /** One conversion at the block's width. */
  read(pin: number): AdcRead {
    const b = Adc.block(pin);
    if (b === 2 && this.wiring.wifiOn()) return { ok: false, espErr: 'ESP_ERR_TIMEOUT' };
    const bits = this.widthOf(pin);
    return { ok: true, raw: this.raw12(pin) >> (12 - bits) };
  }

  private raw12(pin: number): number {
    const r = RANGE[this.attenOf(pin)];
    const v = this.wiring.volts(pin) ?? 0;
    const x = Math.round(((v - r.zero) * 4095) / (r.full - r.zero));
    return Math.max(0, Math.min(4095, x));
  }

  /** read_uv(): the calibrated voltage of a conversion, in µV with millivolt resolution. */
  readUv(pin: number): { ok: true; uv: number } | { ok: false; espErr: 'ESP_ERR_TIMEOUT' } {
    const r = this.read(pin);
    if (!r.ok) return r;
    const bits = this.widthOf(pin);
    const raw12 = r.raw << (12 - bits);
    const range = RANGE[this.attenOf(pin)];
    const mv = Math.round((range.zero + (raw12 * (range.full - range.zero)) / 4095) * 1000);
    return { ok: true, uv: mv * 1000 };
  }

  reset(): void {
    this.atten.clear();
    this.bits = { 1: 12, 2: 12 };
  }
}
