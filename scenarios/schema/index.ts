/**
 * The scenario file: YAML parsed with `yaml` (node ranges → line numbers) and
 * validated with `zod` (strict objects: unknown keys are errors). Every error
 * reads `file:line: path: what is wrong`. Scripts are resolved relative to the
 * YAML and hashed (SHA-256) for replay.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import type { DeviceSpec, InternetService, LinkSpec, NetworkSpec, ScriptSpec } from '../../devices/simulation/api';
import type { Scenario, ScenarioError, ScriptInfo, Step } from './model';
import { parseStep, type PathIssue } from './steps';
import { clock, deviceId, duration, fraction, ipv4, port, rate, subnet, toLinkSpec } from './values';

export { formatError } from './model';
export type { Scenario, ScenarioError, Step } from './model';

const SERVICES: [InternetService, ...InternetService[]] = ['starwars', 'echo', 'discard', 'http', 'daytime', 'ntp'];
export const DEFAULT_TIMEOUT_US = 60_000_000;

const link = z.strictObject({
  latency: duration.optional(),
  jitter: duration.optional(),
  loss: fraction.optional(),
  duplicate: fraction.optional(),
  reorder: fraction.optional(),
  rate: rate.optional(),
  down: z.boolean().optional(),
});

const internetHost = z.strictObject({
  name: z.string().min(1),
  ip: ipv4,
  service: z.enum(SERVICES),
  port,
  latency: duration.optional(),
});

const network = z.strictObject({
  ssid: z.string().min(1).max(32).optional(),
  password: z.string().optional(),
  subnet: subnet.optional(),
  wifi: link.optional(),
  internet: z.array(internetHost).optional(),
});

const device = z.strictObject({
  board: z.enum(['esp32', 'pc']),
  script: z.string().min(1).optional(),
  ip: ipv4.optional(),
  static: z.boolean().optional(),
  wifi: z.enum(['auto', 'none']).optional(),
  start: duration.optional(),
  stdin: z.array(z.union([z.string(), z.number()]).transform(String)).optional(),
  link: link.optional(),
  description: z.string().optional(),
});

const top = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  author: z.string().optional(),
  version: z.number().int().min(1).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  timeout: duration.optional(),
  clock: clock.optional(),
  network: network.optional(),
  devices: z
    .record(z.string().regex(deviceId, { error: 'device ids are letters, digits, _ and - (starting with a letter)' }), device)
    .refine((d) => Object.keys(d).length > 0, { error: 'needs at least one device' }),
  steps: z.array(z.unknown()).nullish(),
});

type Top = z.infer<typeof top>;
type LinkIn = z.infer<typeof link>;

export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; errors: ScenarioError[] };

export interface ParseOptions {
  /** Directory that script paths are relative to (default: the YAML's directory). */
  dir?: string;
  /** Reads a script (default: fs). Returns undefined when missing. */
  readScript?: (absPath: string) => string | undefined;
}

/** Reads and parses a scenario file (or a lab folder holding scenario.yaml). */
export function loadScenario(file: string, opts: ParseOptions = {}): ParseResult {
  let target = file;
  if (existsSync(target) && statSync(target).isDirectory()) target = path.join(file, 'scenario.yaml');
  let text: string;
  try {
    text = readFileSync(target, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String((e as Error).message);
    return { ok: false, errors: [{ file: target, line: 1, message: `cannot read scenario: ${why}` }] };
  }
  return parseScenario(text, target, opts);
}

/** Parses scenario text; `file` is used in messages and to resolve scripts. */
export function parseScenario(text: string, file: string, opts: ParseOptions = {}): ParseResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lc.linePos(offset).line);
  if (doc.errors.length) {
    return { ok: false, errors: doc.errors.map((e) => ({ file, line: lineAt(e.pos[0]), message: `YAML: ${firstLine(e.message)}` })) };
  }
  const data = doc.toJS() as unknown;
  const err = (p: (string | number)[], message: string): ScenarioError => ({
    file,
    line: lineOf(doc, p, lineAt),
    message: p.length ? `${p.join('.')}: ${message}` : message,
  });
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, errors: [err([], 'a scenario is a YAML map with name, devices and steps')] };
  }
  const r = top.safeParse(data);
  if (!r.success) return { ok: false, errors: issuesToErrors(r.error, data, err) };
  return build(r.data, doc, text, file, opts, err, lineAt);
}

function issuesToErrors(e: z.ZodError, data: unknown, err: (p: (string | number)[], m: string) => ScenarioError): ScenarioError[] {
  const out: ScenarioError[] = [];
  for (const i of e.issues) {
    const p = i.path as (string | number)[];
    if (i.code === 'unrecognized_keys') {
      for (const k of i.keys) out.push(err([...p, k], 'unknown key'));
    } else if (i.code === 'invalid_type' && valueAt(data, p) === undefined) {
      out.push(err(p, `missing (expected ${i.expected})`));
    } else if (i.code === 'invalid_type') {
      out.push(err(p, `expected ${i.expected}, got ${JSON.stringify(valueAt(data, p))}`));
    } else if (i.code === 'invalid_value') {
      out.push(err(p, `${JSON.stringify(valueAt(data, p))} is not one of ${i.values.map((v) => JSON.stringify(v)).join(', ')}`));
    } else if (i.code === 'invalid_key') {
      out.push(err(p, i.issues[0]?.message ?? i.message));
    } else {
      out.push(err(p, i.message));
    }
  }
  return out.sort((a, b) => a.line - b.line);
}

function valueAt(data: unknown, p: (string | number)[]): unknown {
  let v: unknown = data;
  for (const k of p) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** Line of the node at `p`; for a missing key, its parent; for a map key, the key itself. */
function lineOf(doc: Document, p: (string | number)[], lineAt: (o: number | undefined) => number): number {
  for (let n = p.length; n >= 0; n--) {
    const parent = n === 0 ? doc.contents : doc.getIn(p.slice(0, n - 1), true);
    if (n > 0 && isMap(parent)) {
      const pair = parent.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(p[n - 1]));
      if (pair && isScalar(pair.key)) return lineAt(pair.key.range?.[0]);
    }
    const node = n === 0 ? doc.contents : doc.getIn(p.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null)?.range;
    if (range) return lineAt(range[0]);
  }
  return 1;
}

function toLink(l: LinkIn | undefined): LinkSpec | undefined {
  return l ? toLinkSpec(l) : undefined;
}

function build(
  t: Top,
  doc: Document,
  text: string,
  file: string,
  opts: ParseOptions,
  err: (p: (string | number)[], m: string) => ScenarioError,
  lineAt: (o: number | undefined) => number,
): ParseResult {
  const errors: ScenarioError[] = [];
  const dir = path.resolve(opts.dir ?? path.dirname(file));
  const read = opts.readScript ?? ((p: string) => (existsSync(p) && statSync(p).isFile() ? readFileSync(p, 'utf8') : undefined));
  const net: NetworkSpec = {};
  if (t.network?.ssid !== undefined) net.ssid = t.network.ssid;
  if (t.network?.password !== undefined) net.password = t.network.password;
  if (t.network?.subnet !== undefined) net.subnet = t.network.subnet;
  const wifi = toLink(t.network?.wifi);
  if (wifi) net.wifi = wifi;
  if (t.network?.internet) {
    net.internet = t.network.internet.map((h) => ({ name: h.name, ip: h.ip, service: h.service, port: h.port, ...(h.latency !== undefined ? { latencyUs: h.latency } : {}) }));
  }

  const devices: DeviceSpec[] = [];
  const scripts: ScriptInfo[] = [];
  const ips = new Map<string, string>();
  for (const [id, d] of Object.entries(t.devices)) {
    const spec: DeviceSpec = { id, board: d.board };
    if (d.ip !== undefined) {
      const other = ips.get(d.ip);
      if (other) errors.push(err(['devices', id, 'ip'], `${d.ip} is already used by ${other}`));
      ips.set(d.ip, id);
      spec.ip = d.ip;
    }
    if (d.static !== undefined) spec.static = d.static;
    if (d.wifi !== undefined) {
      if (d.board === 'pc') errors.push(err(['devices', id, 'wifi'], 'only an esp32 has a wifi setting (PCs always join)'));
      spec.wifi = d.wifi;
    } else if (d.board === 'esp32') spec.wifi = 'auto';
    if (d.start !== undefined) spec.startUs = d.start;
    if (d.stdin !== undefined) spec.stdin = d.stdin;
    const l = toLink(d.link);
    if (l) spec.link = l;
    if (d.script !== undefined) {
      const abs = path.resolve(dir, d.script);
      const source = read(abs);
      const ext = path.extname(abs).toLowerCase();
      if (!['.py', '.ts', '.js'].includes(ext)) {
        errors.push(err(['devices', id, 'script'], `${d.script}: a script is a .py (MicroPython) or .ts/.js file`));
      } else if (source === undefined) {
        errors.push(err(['devices', id, 'script'], `${d.script} not found (looked for ${abs})`));
      } else {
        const script: ScriptSpec = { filename: path.basename(abs), source, language: ext === '.py' ? 'micropython' : 'typescript' };
        if (ext !== '.py') script.modulePath = abs;
        spec.script = script;
        scripts.push({ device: id, ref: d.script, path: abs, sha256: sha256(source) });
      }
    }
    devices.push(spec);
  }

  const ids = new Set(devices.map((d) => d.id));
  const ctx = { defaultDevice: devices.find((d) => d.board === 'esp32')?.id, devices: ids };
  const steps: Step[] = [];
  (t.steps ?? []).forEach((raw, i) => {
    const r = parseStep(raw, ctx);
    const line = lineOf(doc, ['steps', i], lineAt);
    if (r.step) steps.push({ ...r.step, line } as Step);
    for (const is of r.issues as PathIssue[]) errors.push(err(['steps', i, ...is.path], is.message));
  });
  if (errors.length) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) };
  return {
    ok: true,
    scenario: {
      name: t.name,
      ...(t.description !== undefined ? { description: t.description } : {}),
      version: t.version ?? 1,
      seed: t.seed ?? 1,
      timeoutUs: t.timeout ?? DEFAULT_TIMEOUT_US,
      ...(t.clock !== undefined ? { clock: t.clock } : {}),
      network: net,
      devices,
      steps,
      file,
      dir,
      text,
      scripts,
    },
  };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
