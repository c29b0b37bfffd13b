/**
 * Steps on parts (schema/parts.ts): press / release a button, set-analog,
 * set-sensor, expect-neopixel, wait-pin-change, and Wokwi's set-control
 * ({ part-id, control, value }) read as one of them. A part is named by `part`
 * (or `part-id`); the device is the one that has it, or `device` when several do.
 *
 *   - press: button                    # or { part: button, for: 200ms }: press, hold, release
 *   - set-analog: { part: knob, position: 75% }
 *   - set-sensor: { part: room, temperature: 30, humidity: 80% }
 *   - expect-neopixel: { part: strip, pixel: 0, color: "#ff0000", timeout: 1s }
 *   - wait-pin-change: { pin: 2, timeout: 2s }
 */
import type { PartType } from '../../devices/esp32/parts/spec';
import { VCC } from '../../devices/esp32/parts/spec';
import type { StepAction } from './model';
import { checkValue, type PartRef } from './parts';
import type { PathIssue } from './steps';
import { parseDurationText } from './values';
import { didYouMean, showValue } from './words';

export type PartStepKind = 'press' | 'release' | 'set-analog' | 'set-sensor' | 'expect-neopixel' | 'wait-pin-change' | 'set-control';
export const PART_STEP_KINDS: readonly PartStepKind[] = ['press', 'release', 'set-analog', 'set-sensor', 'expect-neopixel', 'wait-pin-change', 'set-control'];

export interface PartCtx {
  defaultDevice: string | undefined;
  devices: Set<string>;
  /** Each ESP32's parts by id (the BOOT button "boot" included). */
  parts?: Map<string, Map<string, PartRef>>;
}

type Result = { step: StepAction } | { issues: PathIssue[] };
const fail = (path: (string | number)[], message: string): Result => ({ issues: [{ path, message }] });

const KEYS: Record<PartStepKind, readonly string[]> = {
  press: ['part', 'part-id', 'device', 'for'],
  release: ['part', 'part-id', 'device'],
  'set-analog': ['part', 'part-id', 'device', 'pin', 'volts', 'position'],
  'set-sensor': ['part', 'part-id', 'device', 'temperature', 'humidity'],
  'expect-neopixel': ['part', 'part-id', 'device', 'pixel', 'color', 'pixels', 'timeout'],
  'wait-pin-change': ['device', 'part-id', 'pin', 'name', 'count', 'timeout'],
  'set-control': ['part-id', 'part', 'device', 'control', 'value'],
};

const WANTS: Partial<Record<PartStepKind, readonly PartType[]>> = {
  press: ['button'],
  release: ['button'],
  'set-analog': ['potentiometer', 'analog'],
  'set-sensor': ['dht11', 'dht22', 'ds18b20'],
  'expect-neopixel': ['neopixel'],
};

const TYPE_WORDS: Record<string, string> = { button: 'button', potentiometer: 'potentiometer', analog: 'analog source', dht11: 'DHT11', dht22: 'DHT22', neopixel: 'NeoPixel strip', ds18b20: 'DS18B20' };

/** Which device has part `id` (`device` decides when given). */
function findPart(o: Record<string, unknown>, key: string, ctx: PartCtx, kinds?: readonly PartType[]): { device: string; part: string; ref: PartRef } | { issues: PathIssue[] } {
  const id = o[key];
  if (typeof id !== 'string') return { issues: [{ path: [key], message: id === undefined ? 'missing: which part (its id under parts:)' : `expected a part id, got ${showValue(id)}` }] };
  const all = ctx.parts ?? new Map<string, Map<string, PartRef>>();
  let devices = [...all.keys()].filter((d) => all.get(d)!.has(id));
  if (o.device !== undefined) {
    const d = o.device;
    if (typeof d !== 'string' || !ctx.devices.has(d)) return { issues: [{ path: ['device'], message: `no device ${showValue(d)} (devices: ${[...ctx.devices].join(', ')})` }] };
    if (!all.has(d)) return { issues: [{ path: ['device'], message: `${d} is a PC: parts are wired to an esp32` }] };
    devices = devices.filter((x) => x === d);
    if (!devices.length) {
      const known = [...all.get(d)!.keys()];
      const guess = didYouMean(id, known);
      return { issues: [{ path: [key], message: `${d} has no part "${id}"${guess ? ` (did you mean "${guess}"?)` : ` (its parts: ${known.join(', ')})`}` }] };
    }
  }
  if (!devices.length) {
    const known = [...new Set([...all.values()].flatMap((m) => [...m.keys()]))];
    const guess = didYouMean(id, known);
    return { issues: [{ path: [key], message: `no part "${id}"${guess ? ` (did you mean "${guess}"?)` : ` (parts: ${known.join(', ')})`}` }] };
  }
  if (devices.length > 1) return { issues: [{ path: [key], message: `${devices.join(' and ')} each have a part "${id}": say which with device:` }] };
  const ref = all.get(devices[0])!.get(id)!;
  if (kinds && !kinds.includes(ref.type)) {
    return { issues: [{ path: [key], message: `"${id}" is a ${TYPE_WORDS[ref.type]}; this step takes a ${kinds.map((k) => TYPE_WORDS[k]).join(' or ')}` }] };
  }
  return { device: devices[0], part: id, ref };
}

function unknownKeys(kind: PartStepKind, o: Record<string, unknown>): PathIssue[] {
  const allowed = KEYS[kind];
  return Object.keys(o)
    .filter((k) => !allowed.includes(k))
    .map((k) => {
      const guess = didYouMean(k, allowed);
      return { path: [k], message: `unknown key${guess ? ` (did you mean "${guess}"?)` : ` (known keys: ${allowed.join(', ')})`}` };
    });
}

function timeoutOf(o: Record<string, unknown>, key = 'timeout'): { us?: number } | { issues: PathIssue[] } {
  if (o[key] === undefined) return {};
  const r = parseDurationText(o[key] as string);
  if ('error' in r) return { issues: [{ path: [key], message: r.error }] };
  if (r.us <= 0) return { issues: [{ path: [key], message: 'must be more than 0 (e.g. 1s)' }] };
  return { us: r.us };
}

/** A colour: "#ff8000", [255, 128, 0] (or four values with white), "off". */
export function parseColor(v: unknown, bppHint = 3): number[] | undefined {
  if (v === 'off' || v === 'black') return new Array<number>(bppHint).fill(0);
  if (typeof v === 'string') {
    const m = /^#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/.exec(v.trim());
    if (!m) return undefined;
    return m[1].match(/../g)!.map((x) => parseInt(x, 16));
  }
  if (Array.isArray(v) && (v.length === 3 || v.length === 4) && v.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)) return v as number[];
  return undefined;
}

export function parsePartStep(kind: PartStepKind, v: unknown, ctx: PartCtx): Result {
  // Short forms: press: button, release: button.
  if (typeof v === 'string' && (kind === 'press' || kind === 'release')) v = { part: v };
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    const like = kind === 'press' || kind === 'release' ? 'the button\'s id, or { part: button }' : `a map like { ${KEYS[kind].filter((k) => k !== 'part-id' && k !== 'device').slice(0, 2).map((k) => `${k}: ...`).join(', ')} }`;
    return fail([], `expected ${like}, got ${showValue(v)}`);
  }
  const o = v as Record<string, unknown>;
  const bad = unknownKeys(kind, o);
  if (bad.length) return { issues: bad };
  if (kind === 'set-control') return setControl(o, ctx);
  if (kind === 'wait-pin-change') return waitPinChange(o, ctx);
  const key = o.part !== undefined || o['part-id'] === undefined ? 'part' : 'part-id';
  if (kind === 'set-analog' && o[key] === undefined && o.pin !== undefined) {
    // set-analog by pin: the analog part wired there.
    const dev = typeof o.device === 'string' ? o.device : ctx.defaultDevice;
    const hit = dev ? [...(ctx.parts?.get(dev)?.entries() ?? [])].find(([, r]) => r.pin === o.pin && (r.type === 'analog' || r.type === 'potentiometer')) : undefined;
    if (!hit) return fail(['pin'], `no potentiometer or analog part is wired to pin ${showValue(o.pin)}${dev ? ` of ${dev}` : ''}`);
    o.part = hit[0];
  }
  const f = findPart(o, key, ctx, WANTS[kind]);
  if ('issues' in f) return f;
  const { device, part, ref } = f;
  switch (kind) {
    case 'press': {
      const t = timeoutOf(o, 'for');
      if ('issues' in t) return t;
      return { step: { kind, device, part, ...(t.us !== undefined ? { forUs: t.us } : {}) } };
    }
    case 'release':
      return { step: { kind, device, part } };
    case 'set-analog': {
      if ((o.volts === undefined) === (o.position === undefined)) return fail([], 'give volts (e.g. volts: 1.2V) or, for a potentiometer, position (e.g. position: 50%)');
      if (o.position !== undefined) {
        if (ref.type !== 'potentiometer') return fail(['position'], `"${part}" is an analog source: set its volts`);
        const r = checkValue(ref.type, 'position', o.position);
        if ('error' in r) return fail(['position'], r.error);
        return { step: { kind, device, part, volts: r.value * VCC, position: r.value } };
      }
      const r = checkValue('analog', 'volts', o.volts);
      if ('error' in r) return fail(['volts'], r.error);
      return { step: { kind, device, part, volts: r.value } };
    }
    case 'set-sensor': {
      if (o.temperature === undefined && o.humidity === undefined) return fail([], 'give temperature (°C) and/or humidity (%)');
      const step: StepAction = { kind, device, part };
      for (const k of ['temperature', 'humidity'] as const) {
        if (o[k] === undefined) continue;
        if (k === 'humidity' && ref.type === 'ds18b20') return fail([k], `"${part}" is a DS18B20: it measures no humidity`);
        const r = checkValue(ref.type, k, o[k]);
        if ('error' in r) return fail([k], r.error);
        step[k] = r.value;
      }
      return { step };
    }
    case 'expect-neopixel': {
      const t = timeoutOf(o);
      if ('issues' in t) return t;
      const timeout = t.us !== undefined ? { timeoutUs: t.us } : {};
      if (o.pixels !== undefined) {
        if (o.color !== undefined || o.pixel !== undefined) return fail(['pixels'], 'give pixels (the whole strip) or pixel and color, not both');
        if (!Array.isArray(o.pixels) || !o.pixels.length) return fail(['pixels'], `expected a list of colours like ["#ff0000", off], got ${showValue(o.pixels)}`);
        const pixels: number[][] = [];
        for (let i = 0; i < o.pixels.length; i++) {
          const c = parseColor(o.pixels[i]);
          if (!c) return fail(['pixels', i], `${showValue(o.pixels[i])} is not a colour (write "#ff8000", [255, 128, 0] or off)`);
          pixels.push(c);
        }
        return { step: { kind, device, part, pixels, ...timeout } };
      }
      const pixel = o.pixel ?? 0;
      if (typeof pixel !== 'number' || !Number.isInteger(pixel) || pixel < 0) return fail(['pixel'], `${showValue(pixel)} is not a pixel index (0 is the first)`);
      if (o.color === undefined) return fail(['color'], 'missing: the colour expected (e.g. color: "#ff0000")');
      const color = parseColor(o.color);
      if (!color) return fail(['color'], `${showValue(o.color)} is not a colour (write "#ff8000", [255, 128, 0] or off)`);
      return { step: { kind, device, part, pixel, color, ...timeout } };
    }
  }
  return fail([], `unknown step ${kind}`);
}

function waitPinChange(o: Record<string, unknown>, ctx: PartCtx): Result {
  const id = (o.device ?? o['part-id'] ?? ctx.defaultDevice) as unknown;
  const key = o.device !== undefined ? 'device' : 'part-id';
  if (id === undefined) return fail([], 'no device given and the scenario has no esp32');
  if (typeof id !== 'string' || !ctx.devices.has(id)) return fail([key], `no device ${showValue(id)} (devices: ${[...ctx.devices].join(', ')})`);
  if (ctx.parts && !ctx.parts.has(id)) return fail([key], `${id} is a PC: pins are an esp32's`);
  const raw = o.pin ?? (o.name !== undefined ? String(o.name).replace(/^(GPIO|D)/i, '') : undefined);
  const pin = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof pin !== 'number' || !Number.isInteger(pin) || pin < 0 || pin > 39) return fail(o.pin !== undefined ? ['pin'] : [], raw === undefined ? 'needs a pin number (`pin: 2`)' : `${showValue(raw)} is not a pin number (0-39)`);
  const count = o.count ?? 1;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1_000_000) return fail(['count'], `${showValue(count)} is not a number of changes (1 or more)`);
  const t = timeoutOf(o);
  if ('issues' in t) return t;
  return { step: { kind: 'wait-pin-change', device: id, pin, count, ...(t.us !== undefined ? { timeoutUs: t.us } : {}) } };
}

/** Wokwi's set-control: { part-id, control, value } on a pushbutton, potentiometer, DHT22 or DS18B20. */
function setControl(o: Record<string, unknown>, ctx: PartCtx): Result {
  const key = o['part-id'] !== undefined ? 'part-id' : 'part';
  const f = findPart(o, key, ctx);
  if ('issues' in f) return f;
  const { device, part, ref } = f;
  const controls: Record<PartType, readonly string[]> = {
    button: ['pressed'],
    potentiometer: ['position'],
    analog: ['volts'],
    dht11: ['temperature', 'humidity'],
    dht22: ['temperature', 'humidity'],
    ds18b20: ['temperature'],
    neopixel: [],
  };
  const known = controls[ref.type];
  const c = o.control;
  if (typeof c !== 'string' || !known.includes(c)) {
    if (!known.length) return fail(['control'], `a ${TYPE_WORDS[ref.type]} has no control to set`);
    return fail(['control'], `${c === undefined ? 'missing' : showValue(c) + ' is not a control of'} a ${TYPE_WORDS[ref.type]}${c === undefined ? ': ' : ' ('}${known.join(', ')}${c === undefined ? '' : ')'}`);
  }
  if (o.value === undefined) return fail(['value'], 'missing: the value to set');
  if (c === 'pressed') {
    if (o.value !== 0 && o.value !== 1 && typeof o.value !== 'boolean') return fail(['value'], `${showValue(o.value)}: pressed is 1 (pressed) or 0 (released)`);
    return { step: { kind: o.value === 1 || o.value === true ? 'press' : 'release', device, part } };
  }
  const r = checkValue(ref.type, c, o.value);
  if ('error' in r) return fail(['value'], r.error);
  if (c === 'position') return { step: { kind: 'set-analog', device, part, volts: r.value * VCC, position: r.value } };
  if (c === 'volts') return { step: { kind: 'set-analog', device, part, volts: r.value } };
  return { step: { kind: 'set-sensor', device, part, [c]: r.value } };
}
