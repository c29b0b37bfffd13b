/**
 * Step forms. Wokwi's (`wait-serial: 'text'` = first esp32, `expect-pin:
 * { part-id, name|pin, value }`) and ours (`device`, `pin`, `timeout`). Each
 * step is a map with exactly one action key and an optional `name`.
 */
import { z } from 'zod';
import type { LinkSpec } from '../../devices/simulation/api';
import type { Step, StepAction, StepKind } from './model';
import { duration, fraction, rate, toLinkSpec } from './values';
import { issueMessages, type Path } from './issues';
import { didYouMean, showValue } from './words';
import { PART_STEP_KINDS, parsePartStep, type PartCtx, type PartStepKind } from './part-steps';

export type PathIssue = { path: (string | number)[]; message: string };

const dev = { device: z.string().optional(), 'part-id': z.string().optional() };
const pinKeys = { pin: z.number().int().min(0).max(48).optional(), name: z.union([z.number(), z.string()]).optional() };
const level = z.number().min(0);

const serialObj = z.strictObject({ ...dev, text: z.string(), timeout: duration.optional() });
const pinObj = z.strictObject({ ...dev, ...pinKeys, value: level, timeout: duration.optional() });
const devObj = z.strictObject({ ...dev, timeout: duration.optional() });
const exitObj = z.strictObject({ ...dev, code: z.number().int(), timeout: duration.optional() });
const linkObj = z.strictObject({
  ...dev,
  loss: fraction.optional(),
  duplicate: fraction.optional(),
  reorder: fraction.optional(),
  latency: duration.optional(),
  jitter: duration.optional(),
  rate: rate.optional(),
  down: z.boolean().optional(),
  up: z.boolean().optional(),
});

const fileObj = z.strictObject({
  ...dev,
  path: z.string().min(1),
  contains: z.string().optional(),
  equals: z.string().optional(),
  absent: z.boolean().optional(),
  timeout: duration.optional(),
});

const mqttObj = z.strictObject({
  broker: z.string().optional(),
  topic: z.string().min(1),
  payload: z.union([z.string(), z.number()]).transform(String).optional(),
  contains: z.string().optional(),
  from: z.string().optional(),
  retain: z.boolean().optional(),
  qos: z.number().int().min(0).max(2).optional(),
  timeout: duration.optional(),
});
const httpObj = z.strictObject({
  host: z.string().optional(),
  method: z.string().refine((v) => /^[A-Z]+$/.test(v), { error: (iss) => `${showValue(iss.input)} is not an HTTP method (GET, POST, ... in capitals)` }).optional(),
  path: z.string().refine((v) => v.startsWith('/'), { error: (iss) => `${showValue(iss.input)} is not a path: it starts with /` }),
  status: z.number().int().min(100).max(599).optional(),
  body: z.string().optional(),
  timeout: duration.optional(),
});

export const STEP_KINDS: readonly StepKind[] = [
  'wait-serial',
  'expect-serial',
  'write-serial',
  'delay',
  'expect-pin',
  'wait-pin',
  'set-pin',
  'link',
  'reset',
  'stop',
  'expect-exit',
  'expect-mqtt',
  'wait-mqtt',
  'expect-http-request',
  'wait-http-request',
  'press',
  'release',
  'set-analog',
  'set-sensor',
  'expect-neopixel',
  'wait-pin-change',
  'expect-file',
  'wait-file',
];

/** The step keys a scenario may use: the kinds, and Wokwi's set-control (read as press, release, set-analog or set-sensor). */
export const STEP_KEYS: readonly string[] = [...STEP_KINDS, 'set-control'];

/** Service hosts by id (LAN PCs with a service, internet hosts by name) and what they run. */
type Ctx = PartCtx & { services?: Map<string, string> };

/** The broker or HTTP host a step names, or the scenario's only one. */
function serviceOf(name: string | undefined, want: 'mqtt' | 'http', key: string, ctx: Ctx): { id: string } | { issues: PathIssue[] } {
  const all = [...(ctx.services ?? new Map<string, string>())].filter(([, svc]) => svc === want).map(([id]) => id);
  const what = want === 'mqtt' ? 'an MQTT broker' : 'an HTTP host';
  const add = want === 'mqtt' ? 'a device with board: broker, or an internet host with service: mqtt' : 'a PC or an internet host with service: http';
  if (name === undefined) {
    if (all.length === 1) return { id: all[0] };
    if (!all.length) return { issues: [{ path: [], message: `the scenario has no ${what.slice(what.indexOf(' ') + 1)} to check (add ${add})` }] };
    return { issues: [{ path: [], message: `the scenario has several (${all.join(', ')}): say which with ${key}:` }] };
  }
  const found = all.find((id) => id.toLowerCase() === name.toLowerCase());
  if (found) return { id: found };
  return { issues: [{ path: [key], message: `"${name}" is not ${what} of this scenario (${all.length ? `have: ${all.join(', ')}` : `add ${add}`})` }] };
}

/**
 * Parses one step value (already JS data). Returns the step (without `line`)
 * or issues with paths relative to the step.
 */
export function parseStep(raw: unknown, ctx: Ctx): { step?: Omit<Step, 'line'>; issues: PathIssue[] } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { issues: [{ path: [], message: `a step is a map like { wait-serial: "text" }, got ${showValue(raw)}` }] };
  }
  const obj = raw as Record<string, unknown>;
  const actions = Object.keys(obj).filter((k) => k !== 'name');
  const issues: PathIssue[] = [];
  for (const k of actions) {
    if (!STEP_KEYS.includes(k)) {
      const guess = didYouMean(k, STEP_KEYS);
      issues.push({ path: [k], message: guess ? `unknown step "${k}" (did you mean "${guess}"?)` : `unknown step "${k}" (one of ${STEP_KEYS.join(', ')})` });
    }
  }
  if (issues.length) return { issues };
  if (actions.length !== 1) {
    return { issues: [{ path: [], message: actions.length ? `one action per step, got ${actions.join(' and ')}` : 'a step needs an action' }] };
  }
  if (obj.name !== undefined && typeof obj.name !== 'string') return { issues: [{ path: ['name'], message: `a step's name is a text, got ${showValue(obj.name)}` }] };
  const kind = actions[0] as StepKind;
  const r = parseAction(kind, obj[kind], ctx);
  if ('issues' in r) return { issues: r.issues.map((i) => ({ ...i, path: [kind, ...i.path] })) };
  const step = { ...r.step, ...(obj.name ? { name: obj.name as string } : {}) } as Omit<Step, 'line'>;
  return { step, issues: [] };
}

type ActionResult = { step: StepAction } | { issues: PathIssue[] };

function pick<T>(schema: z.ZodType<T> & { shape?: Record<string, unknown> }, v: unknown): { ok: true; value: T } | { ok: false; issues: PathIssue[] } {
  const r = schema.safeParse(v);
  if (r.success) return { ok: true, value: r.data };
  const at = (p: Path) => p.reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string | number, unknown>)[k] : undefined), v);
  const keys = schema.shape ? Object.keys(schema.shape) : [];
  if (keys.length && (v === null || v === undefined || typeof v !== 'object')) {
    const want = keys.length ? `a map like { ${keys.filter((k) => k !== 'part-id').slice(0, 3).map((k) => `${k}: ...`).join(', ')} }` : 'a value';
    if (r.error.issues.some((i) => i.path.length === 0)) return { ok: false, issues: [{ path: [], message: `expected ${want}, got ${showValue(v)}` }] };
  }
  return { ok: false, issues: issueMessages(r.error.issues, at, (p) => (p.length ? [] : keys)) };
}

function deviceOf(o: { device?: string; 'part-id'?: string }, ctx: Ctx): { device: string } | { issues: PathIssue[] } {
  const id = o.device ?? o['part-id'] ?? ctx.defaultDevice;
  const key = o.device !== undefined ? 'device' : 'part-id';
  if (id === undefined) return { issues: [{ path: [], message: 'no device given and the scenario has no esp32' }] };
  if (!ctx.devices.has(id)) return { issues: [{ path: [key], message: `no device "${id}" (devices: ${[...ctx.devices].join(', ')})` }] };
  return { device: id };
}

function parseAction(kind: StepKind | PartStepKind, v: unknown, ctx: Ctx): ActionResult {
  if ((PART_STEP_KINDS as readonly string[]).includes(kind)) return parsePartStep(kind as PartStepKind, v, ctx);
  // Short forms: a scalar value.
  if (kind === 'delay') {
    const r = pick(duration, v);
    return r.ok ? { step: { kind, us: r.value } } : { issues: r.issues };
  }
  if (typeof v === 'string' && (kind === 'wait-serial' || kind === 'expect-serial' || kind === 'write-serial')) {
    v = { text: v };
  } else if (typeof v === 'string' && (kind === 'reset' || kind === 'stop')) {
    v = { device: v };
  }
  switch (kind) {
    case 'wait-serial':
    case 'expect-serial':
    case 'write-serial': {
      const r = pick(serialObj, v);
      if (!r.ok) return { issues: r.issues };
      const d = deviceOf(r.value, ctx);
      if ('issues' in d) return d;
      if (kind === 'wait-serial') return { step: { kind, device: d.device, text: r.value.text, timeoutUs: r.value.timeout } };
      if (r.value.timeout !== undefined) return { issues: [{ path: ['timeout'], message: `${kind} takes no timeout` }] };
      return { step: { kind, device: d.device, text: r.value.text } };
    }
    case 'expect-pin':
    case 'wait-pin':
    case 'set-pin': {
      const r = pick(pinObj, v);
      if (!r.ok) return { issues: r.issues };
      const d = deviceOf(r.value, ctx);
      if ('issues' in d) return d;
      const pin = r.value.pin ?? (r.value.name !== undefined ? Number(String(r.value.name).replace(/^(GPIO|D)/i, '')) : NaN);
      if (!Number.isInteger(pin) || pin < 0) return { issues: [{ path: [], message: 'needs a pin number (`pin: 2`)' }] };
      const { value } = r.value;
      if (kind === 'wait-pin') return { step: { kind, device: d.device, pin, value, timeoutUs: r.value.timeout } };
      if (r.value.timeout !== undefined) return { issues: [{ path: ['timeout'], message: `${kind} takes no timeout` }] };
      return { step: { kind, device: d.device, pin, value } };
    }
    case 'link': {
      const r = pick(linkObj, v);
      if (!r.ok) return { issues: r.issues };
      const d = deviceOf(r.value, ctx);
      if ('issues' in d) return d;
      const { up, device: _d, 'part-id': _p, ...o } = r.value;
      const link: LinkSpec = toLinkSpec(o);
      if (up !== undefined) link.down = !up;
      if (!Object.keys(link).length) return { issues: [{ path: [], message: 'link needs loss, latency, jitter, rate, down or up' }] };
      return { step: { kind, device: d.device, link } };
    }
    case 'reset':
    case 'stop': {
      const r = pick(devObj, v ?? {});
      if (!r.ok) return { issues: r.issues };
      const d = deviceOf(r.value, ctx);
      if ('issues' in d) return d;
      if (kind === 'stop') return { step: { kind, device: d.device, timeoutUs: r.value.timeout } };
      return { step: { kind, device: d.device } };
    }
    case 'expect-mqtt':
    case 'wait-mqtt': {
      if (typeof v === 'string') v = { topic: v };
      const r = pick(mqttObj, v);
      if (!r.ok) return { issues: r.issues };
      const b = serviceOf(r.value.broker, 'mqtt', 'broker', ctx);
      if ('issues' in b) return b;
      const { broker: _b, timeout, ...m } = r.value;
      if (m.payload !== undefined && m.contains !== undefined) return { issues: [{ path: ['contains'], message: 'give payload (the whole text) or contains (a part), not both' }] };
      if (kind === 'expect-mqtt' && timeout !== undefined) return { issues: [{ path: ['timeout'], message: 'expect-mqtt takes no timeout (wait-mqtt waits)' }] };
      return { step: { kind, broker: b.id, ...m, ...(timeout !== undefined ? { timeoutUs: timeout } : {}) } };
    }
    case 'expect-http-request':
    case 'wait-http-request': {
      if (typeof v === 'string') v = { path: v };
      const r = pick(httpObj, v);
      if (!r.ok) return { issues: r.issues };
      const h = serviceOf(r.value.host, 'http', 'host', ctx);
      if ('issues' in h) return h;
      const { host: _h, timeout, ...m } = r.value;
      if (kind === 'expect-http-request' && timeout !== undefined) return { issues: [{ path: ['timeout'], message: 'expect-http-request takes no timeout (wait-http-request waits)' }] };
      return { step: { kind, host: h.id, ...m, ...(timeout !== undefined ? { timeoutUs: timeout } : {}) } };
    }
    case 'expect-file':
    case 'wait-file': {
      if (typeof v === 'string') v = { path: v };
      const r = pick(fileObj, v);
      if (!r.ok) return { issues: r.issues };
      const d = deviceOf(r.value, ctx);
      if ('issues' in d) return d;
      const { path, contains, equals, absent, timeout } = r.value;
      const given = (['contains', 'equals', 'absent'] as const).filter((k) => r.value[k] !== undefined);
      if (given.length > 1) return { issues: [{ path: [given[1]], message: `a file step checks one of contains, equals or absent (it has ${given.join(' and ')})` }] };
      if (absent === false) return { issues: [{ path: ['absent'], message: 'absent: true checks that there is no such file; to check that it exists, leave absent out' }] };
      if (kind === 'expect-file' && timeout !== undefined) return { issues: [{ path: ['timeout'], message: 'expect-file takes no timeout (wait-file waits)' }] };
      const p = path.startsWith('/') ? path : '/' + path;
      return { step: { kind, device: d.device, path: p, ...(contains !== undefined ? { contains } : {}), ...(equals !== undefined ? { equals } : {}), ...(absent ? { absent } : {}), ...(timeout !== undefined ? { timeoutUs: timeout } : {}) } };
    }
    case 'expect-exit': {
      const r = pick(exitObj, v);
      if (!r.ok) return { issues: r.issues };
      const d = deviceOf(r.value, ctx);
      if ('issues' in d) return d;
      return { step: { kind, device: d.device, code: r.value.code, timeoutUs: r.value.timeout } };
    }
  }
  return { issues: [{ path: [], message: `unknown step ${kind}` }] };
}
