/**
 * `parts:` under an ESP32 device: the buttons, potentiometers, analog sources,
 * DHT11/DHT22s, NeoPixel strips and DS18B20s wired to its pins, each a map
 * with `type`, `pin` and its own keys. A value that changes over the run is a
 * list of [time, value] points (linear in between):
 *
 *   parts:
 *     button: { type: button, pin: 14, bounce: 2ms }
 *     knob: { type: potentiometer, pin: 34, position: 25% }
 *     room: { type: dht22, pin: 4, temperature: [[0s, 21], [60s, 25.5]], humidity: 45% }
 *     strip: { type: neopixel, pin: 13, count: 8 }
 *
 * Every mistake is an issue at the key that holds it (file:line in index.ts).
 */
import { z } from 'zod';
import { ADC_PINS } from '../../devices/esp32/adc';
import { crc8, romBytes } from '../../devices/esp32/parts';
import { ESP32_GPIOS, FLASH_PINS, PART_RANGES, PART_TYPES, VCC, type PartSpec, type PartType, type SignalSpec } from '../../devices/esp32/parts/spec';
import { FIRST_INPUT_ONLY } from '../../devices/gpio';
import { issueMessages, type Path } from './issues';
import type { PathIssue } from './steps';
import { deviceId, duration, parseDurationText, parseFraction } from './values';
import { didYouMean, showValue } from './words';

/** The id of the BOOT button every ESP32 has (a part of its own: press: boot). */
export const BOOT_PART = 'boot';

/** What the steps need to know of a device's parts. */
export interface PartRef {
  type: PartType;
  pin: number;
}

const num = (v: number) => Number.isFinite(v);

/** °C: a number. */
export function parseTemperature(v: unknown): number | undefined {
  return typeof v === 'number' && num(v) ? v : undefined;
}

/** %RH: 45 or "45%". */
export function parseHumidity(v: unknown): number | undefined {
  if (typeof v === 'number') return num(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(v);
  return m ? parseFloat(m[1]) : undefined;
}

/** Volts: 1.2, "1.2V", "800mV". */
export function parseVolts(v: unknown): number | undefined {
  if (typeof v === 'number') return num(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(V|mV)?\s*$/i.exec(v);
  if (!m) return undefined;
  return parseFloat(m[1]) / (m[2]?.toLowerCase() === 'mv' ? 1000 : 1);
}

/** A wiper position 0..1: 0.25 or "25%". */
export function parsePosition(v: unknown): number | undefined {
  return typeof v === 'string' || typeof v === 'number' ? parseFraction(v) : undefined;
}

interface Quantity {
  parse: (v: unknown) => number | undefined;
  /** What a good value looks like, for messages. */
  like: string;
  range: readonly [number, number];
  unit: string;
}

export function quantity(type: PartType, key: string): Quantity {
  if (key === 'temperature') {
    const r = PART_RANGES[type as keyof typeof PART_RANGES]?.temperature ?? [-55, 125];
    return { parse: parseTemperature, like: '21.5 (°C)', range: r, unit: ' °C' };
  }
  if (key === 'humidity') return { parse: parseHumidity, like: '45%', range: type === 'dht11' ? PART_RANGES.dht11.humidity : PART_RANGES.dht22.humidity, unit: '%' };
  if (key === 'position') return { parse: parsePosition, like: '25% or 0.25', range: [0, 1], unit: '' };
  return { parse: parseVolts, like: '1.2V', range: [0, VCC], unit: ' V' };
}

const NAMES: Record<PartType, string> = {
  button: 'a button',
  potentiometer: 'a potentiometer',
  analog: 'an analog source',
  dht11: 'a DHT11',
  dht22: 'a DHT22',
  neopixel: 'a NeoPixel strip',
  ds18b20: 'a DS18B20',
};

/** Checks one value of `q`: the issue's message, or the number. */
export function checkValue(type: PartType, key: string, v: unknown): { value: number } | { error: string } {
  const q = quantity(type, key);
  const n = q.parse(v);
  if (n === undefined) return { error: `${showValue(v)} is not a ${key} (write e.g. ${q.like})` };
  const [lo, hi] = q.range;
  if (n < lo || n > hi) {
    const show = (x: number) => (key === 'position' ? `${x * 100}%` : `${x}${q.unit}`);
    return { error: `${showValue(v)} is outside what ${NAMES[type]} ${key === 'volts' || key === 'position' ? 'takes' : 'measures'} (${show(lo)} to ${show(hi)})` };
  }
  return { value: n };
}

/** A constant, or [[time, value], ...] points in time order. */
function signal(type: PartType, key: string, v: unknown, issues: PathIssue[]): SignalSpec | undefined {
  if (!Array.isArray(v)) {
    const r = checkValue(type, key, v);
    if ('error' in r) return void issues.push({ path: [key], message: r.error });
    return r.value;
  }
  if (!v.length) return void issues.push({ path: [key], message: 'an empty list: give a value, or points like [[0s, 20], [60s, 25]]' });
  const out: [number, number][] = [];
  v.forEach((p, i) => {
    if (!Array.isArray(p) || p.length !== 2) return void issues.push({ path: [key, i], message: `a point is [time, value] like [10s, ${quantity(type, key).like.split(' ')[0]}], got ${showValue(p)}` });
    const t = parseDurationText(p[0] as string);
    if ('error' in t) return void issues.push({ path: [key, i], message: t.error });
    const r = checkValue(type, key, p[1]);
    if ('error' in r) return void issues.push({ path: [key, i], message: r.error });
    if (out.length && t.us < out[out.length - 1][0]) return void issues.push({ path: [key, i], message: 'points go in time order' });
    out.push([t.us, r.value]);
  });
  return out;
}

const KEYS: Record<PartType, readonly string[]> = {
  button: ['bounce', 'active'],
  potentiometer: ['position'],
  analog: ['volts'],
  dht11: ['temperature', 'humidity'],
  dht22: ['temperature', 'humidity'],
  neopixel: ['count', 'bpp'],
  ds18b20: ['temperature', 'rom'],
};

/** Defaults of the values a part takes when the scenario gives none. */
const DEFAULTS: Record<string, number> = { position: 0, volts: 0, temperature: 24, humidity: 40 };

const countSchema = z.number().int().min(1).max(1024);

/** Parses one part (`raw`, at devices.<id>.parts.<partId>); issues have paths relative to the part. */
export function parsePart(partId: string, raw: unknown): { part?: PartSpec; issues: PathIssue[] } {
  const issues: PathIssue[] = [];
  if (!deviceId.test(partId)) return { issues: [{ path: [], message: `${showValue(partId)} is not a part id: use letters, digits, _ and - (starting with a letter)` }] };
  if (partId === BOOT_PART) return { issues: [{ path: [], message: '"boot" is the BOOT button every ESP32 has (GPIO 0): choose another id' }] };
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { issues: [{ path: [], message: `a part is a map like { type: button, pin: 14 }, got ${showValue(raw)}` }] };
  const o = raw as Record<string, unknown>;
  const type = o.type;
  if (typeof type !== 'string' || !PART_TYPES.includes(type as PartType)) {
    const guess = typeof type === 'string' ? didYouMean(type, PART_TYPES) : undefined;
    const m = type === undefined ? `missing: which part (one of ${PART_TYPES.join(', ')})` : guess ? `${showValue(type)} is not a part type (did you mean "${guess}"?)` : `${showValue(type)} is not a part type (one of ${PART_TYPES.join(', ')})`;
    return { issues: [{ path: ['type'], message: m }] };
  }
  const t = type as PartType;
  const allowed = ['type', 'pin', 'description', ...KEYS[t]];
  for (const k of Object.keys(o)) {
    if (allowed.includes(k)) continue;
    const guess = didYouMean(k, allowed);
    issues.push({ path: [k], message: `unknown key for ${NAMES[t]}${guess ? ` (did you mean "${guess}"?)` : ` (known keys: ${allowed.join(', ')})`}` });
  }
  const pin = checkPin(t, o.pin, issues);
  const value = (key: string) => signal(t, key, o[key] ?? DEFAULTS[key], issues);
  let part: PartSpec | undefined;
  switch (t) {
    case 'button': {
      let bounceUs = 0;
      if (o.bounce !== undefined) {
        const r = duration.safeParse(o.bounce);
        if (r.success && r.data <= 50_000) bounceUs = r.data;
        else issues.push({ path: ['bounce'], message: r.success ? `${showValue(o.bounce)} is too long for contact bounce (at most 50ms)` : issueMessages(r.error.issues, () => o.bounce, () => [])[0].message });
      }
      if (o.active !== undefined && o.active !== 'low' && o.active !== 'high') issues.push({ path: ['active'], message: `${showValue(o.active)}: a button is active low (to GND, the default) or high (to 3V3)` });
      part = { id: partId, type: t, pin, activeHigh: o.active === 'high', bounceUs };
      break;
    }
    case 'potentiometer':
      part = { id: partId, type: t, pin, position: value('position')! };
      break;
    case 'analog':
      part = { id: partId, type: t, pin, volts: value('volts')! };
      break;
    case 'dht11':
    case 'dht22':
      part = { id: partId, type: t, pin, temperature: value('temperature')!, humidity: value('humidity')! };
      break;
    case 'neopixel': {
      const c = countSchema.safeParse(o.count);
      if (!c.success) issues.push({ path: ['count'], message: o.count === undefined ? 'missing: how many pixels (e.g. count: 8)' : `${showValue(o.count)} is not a pixel count (1 to 1024)` });
      if (o.bpp !== undefined && o.bpp !== 3 && o.bpp !== 4) issues.push({ path: ['bpp'], message: `${showValue(o.bpp)}: bpp is 3 (RGB, WS2812) or 4 (RGBW, SK6812)` });
      part = { id: partId, type: t, pin, count: c.success ? c.data : 1, bpp: o.bpp === 4 ? 4 : 3 };
      break;
    }
    case 'ds18b20': {
      const rom = o.rom === undefined ? undefined : checkRom(o.rom, issues);
      part = { id: partId, type: t, pin, temperature: value('temperature')!, ...(rom ? { rom } : {}) };
      break;
    }
  }
  return issues.length ? { issues } : { part, issues };
}

function checkPin(t: PartType, v: unknown, issues: PathIssue[]): number {
  if (v === undefined) return void issues.push({ path: ['pin'], message: 'missing: the GPIO it is wired to (e.g. pin: 14)' }), 0;
  const n = typeof v === 'string' ? Number(v.replace(/^(GPIO|D)/i, '')) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || !ESP32_GPIOS.includes(n)) return void issues.push({ path: ['pin'], message: `${showValue(v)} is not an ESP32 GPIO (0-19, 21-23, 25-27, 32-39)` }), 0;
  if (FLASH_PINS.includes(n)) issues.push({ path: ['pin'], message: `GPIO ${n} is wired to the module's flash chip (GPIO 6-11): choose another pin` });
  else if ((t === 'potentiometer' || t === 'analog') && !ADC_PINS.includes(n)) issues.push({ path: ['pin'], message: `GPIO ${n} has no ADC: an analog part goes on 32-39 (ADC1) or ${ADC_PINS.filter((p) => p < 32).join(', ')} (ADC2, unusable while WiFi is on)` });
  else if ((t === 'dht11' || t === 'dht22' || t === 'ds18b20' || t === 'neopixel') && n >= FIRST_INPUT_ONLY) issues.push({ path: ['pin'], message: `GPIO ${n} is input only (34-39): ${NAMES[t]} needs a pin that can also drive` });
  return n;
}

function checkRom(v: unknown, issues: PathIssue[]): string | undefined {
  const hex = typeof v === 'string' ? v.replace(/[:\s-]/g, '') : '';
  if (!/^[0-9a-fA-F]{16}$/.test(hex)) return void issues.push({ path: ['rom'], message: `${showValue(v)} is not a ROM code: 16 hex digits as ds.scan() shows them, starting with the family code 28` });
  const b = romBytes(hex);
  if (b[0] !== 0x28) return void issues.push({ path: ['rom'], message: `family code ${hex.slice(0, 2)}: a DS18B20's ROM starts with 28` });
  const crc = crc8(b.subarray(0, 7));
  if (crc !== b[7]) return void issues.push({ path: ['rom'], message: `the ROM's last byte is its CRC: ${hex.slice(0, 14)}${crc.toString(16).padStart(2, '0')}` });
  return hex.toLowerCase();
}

/** Parts of one device: the map `raw` (already checked to be a map of maps). Issues have paths from the device. */
export function parseParts(raw: Record<string, unknown>): { parts: PartSpec[]; issues: PathIssue[] } {
  const parts: PartSpec[] = [];
  const issues: PathIssue[] = [];
  const byPin = new Map<number, PartSpec>();
  for (const [id, v] of Object.entries(raw)) {
    const r = parsePart(id, v);
    for (const i of r.issues) issues.push({ path: ['parts', id, ...i.path] as Path, message: i.message });
    if (!r.part) continue;
    const other = byPin.get(r.part.pin);
    if (other && !(other.type === 'ds18b20' && r.part.type === 'ds18b20')) {
      issues.push({ path: ['parts', id, 'pin'], message: `GPIO ${r.part.pin} already has "${other.id}" (only DS18B20s share a pin: the 1-Wire bus)` });
      continue;
    }
    byPin.set(r.part.pin, r.part);
    parts.push(r.part);
  }
  return { parts, issues };
}
