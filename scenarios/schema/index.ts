/**
 * The scenario file: YAML parsed with `yaml` (node ranges → line numbers) and
 * validated with `zod` (strict objects: unknown keys are errors). Every error
 * reads `file:line: path: what is wrong`. Scripts are resolved relative to the
 * YAML and hashed (SHA-256) for replay.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isMap, isPair, isScalar, type Document } from 'yaml';
import { z } from 'zod';
import type { DeviceSpec, LinkSpec, NetworkSpec, ScriptSpec } from '../../devices/simulation/api';
import type { Scenario, ScenarioError, ScriptInfo, Step } from './model';
import { BOOT_PART, parseParts, type PartRef } from './parts';
import { parseStep, type PathIssue } from './steps';
import { clock, deviceId, duration, fraction, heapSize, ipv4, port, positiveDuration, rate, subnet, toLinkSpec, wallDuration } from './values';
import { MAX_SCENARIO_BYTES, MAX_SCRIPT_BYTES, readInputFile } from './files';
import { issueMessages, withPath } from './issues';
import { checkNetwork } from './network';
import { typescriptSyntax } from './typescript';
import { showValue } from './words';
import { route, SERVICES, serviceKeys, serviceSpec, type DataFile } from './services';
import { projectFiles } from './project';
import { parseYaml } from './yaml';

export { formatError } from './model';
export type { Scenario, ScenarioError, Step } from './model';

export const DEFAULT_TIMEOUT_US = 60_000_000;
/** 802.11 association IDs go up to 2007: no access point admits more. */
export const MAX_AP_CLIENTS = 2007;

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
  ...serviceKeys,
  latency: duration.optional(),
});

const network = z.strictObject({
  ssid: z.string().min(1).max(32).optional(),
  password: z.string().optional(),
  subnet: subnet.optional(),
  wifi: link.optional(),
  internet: z.array(internetHost).optional(),
  /** How many stations the lab's access point admits (a home router's association table). */
  'max-clients': z.number().int().min(1).max(MAX_AP_CLIENTS).optional(),
  /** Enterprise AP broadcast control: ARP requests to the address holder, DHCP broadcasts not relayed. */
  'broadcast-filter': z.boolean().optional(),
});

/** A line for input(): a text, or a number written bare (stdin: [hello, 42]). */
const stdinLine = z.unknown().transform((v, ctx) => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  ctx.addIssue({ code: 'custom', message: `a stdin line is a text (put it in quotes), got ${showValue(v)}` });
  return z.NEVER;
});

const device = z.strictObject({
  /** broker: a PC on the LAN running the MQTT broker (service: mqtt). */
  board: z.enum(['esp32', 'pc', 'broker']),
  /** PC: a built-in service it runs (mqtt, http, ...), with its keys. */
  service: z.enum(SERVICES).optional(),
  ...serviceKeys,
  script: z.string().min(1).optional(),
  /** The flash's files at power-on: a folder, or a list (schema/project.ts). */
  files: z.unknown().optional(),
  ip: ipv4.optional(),
  static: z.boolean().optional(),
  wifi: z.enum(['auto', 'none']).optional(),
  start: duration.optional(),
  stdin: z.array(stdinLine).optional(),
  link: link.optional(),
  description: z.string().optional(),
  /** ESP32 only: the MicroPython heap (96K, 160K, 2M). */
  heap: heapSize.optional(),
  /** ESP32 only: parts wired to its pins (schema/parts.ts). */
  parts: z.record(z.string(), z.unknown()).optional(),
});

const top = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  author: z.string().optional(),
  version: z.literal(1, { error: (iss) => `${showValue(iss.input)} is not supported: this esp32sim reads version 1 scenarios (write version: 1)` }).optional(),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  timeout: positiveDuration.optional(),
  /** Wall time a script may compute between two kernel calls before the watchdog stops it. */
  watchdog: wallDuration.optional(),
  /** Wall time the whole run may take (a run that stops making virtual progress ends there, exit 43). */
  'wall-timeout': wallDuration.optional(),
  clock: clock.optional(),
  network: network.optional(),
  devices: z
    .record(z.string().regex(deviceId, { error: (iss) => `${showValue(iss.input)} is not a device id: use letters, digits, _ and - (starting with a letter)` }), device)
    .refine((d) => Object.keys(d).length > 0, { error: 'needs at least one device (e.g. esp32: { board: esp32, script: main.py })' }),
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
  /** Scripts by their path as written in the YAML (a trace's content): nothing is read from disk. */
  files?: Readonly<Record<string, string>>;
}

/** Reads and parses a scenario file (or a lab folder holding scenario.yaml). */
export function loadScenario(file: string, opts: ParseOptions = {}): ParseResult {
  let target = file;
  if (existsSync(target) && statSync(target).isDirectory()) target = path.join(file, 'scenario.yaml');
  const r = readInputFile(target, MAX_SCENARIO_BYTES);
  if (!r.ok) return { ok: false, errors: [{ file: target, line: 1, message: `cannot read the scenario: ${r.why}` }] };
  return parseScenario(r.text, target, opts);
}

/** Parses scenario text; `file` is used in messages and to resolve scripts. */
export function parseScenario(text: string, file: string, opts: ParseOptions = {}): ParseResult {
  if (text.length > MAX_SCENARIO_BYTES) return { ok: false, errors: [{ file, line: 1, message: `the scenario is too large (at most ${MAX_SCENARIO_BYTES} bytes)` }] };
  const y = parseYaml(text, file);
  if (!y.ok) return y;
  const { doc, data, lineAt } = y;
  const lines = text.split(/\r?\n/);
  const err = (p: (string | number)[], message: string): ScenarioError => {
    const line = lineOf(doc, p, lineAt);
    return { file, line, message: withPath(p, message), source: lines[line - 1] };
  };
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, errors: [err([], 'a scenario is a YAML map with name, devices and steps (see esp32sim run --help)')] };
  }
  const r = top.safeParse(data);
  if (!r.success) {
    const msgs = issueMessages(r.error.issues, (p) => valueAt(data, p), keysAt);
    return { ok: false, errors: msgs.map((m) => err(m.path, m.message)).sort((a, b) => a.line - b.line) };
  }
  return build(r.data, doc, text, file, opts, err, lineAt);
}

/** The keys allowed at a path of the scenario (for "did you mean"). */
function keysAt(p: (string | number)[]): readonly string[] {
  const k = p.filter((x) => typeof x === 'string') as string[];
  const last = k[k.length - 1];
  if (!p.length) return Object.keys(top.shape);
  if (k.length === 1 && last === 'network') return Object.keys(network.shape);
  if (last === 'wifi' || last === 'link') return Object.keys(link.shape);
  if (last === 'routes') return Object.keys(route.shape);
  if (k[0] === 'network' && k[1] === 'internet') return Object.keys(internetHost.shape);
  if (k[0] === 'devices' && k.length === 2) return Object.keys(device.shape);
  return [];
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
  const net: NetworkSpec = {};
  if (t.network?.ssid !== undefined) net.ssid = t.network.ssid;
  if (t.network?.password !== undefined) net.password = t.network.password;
  if (t.network?.subnet !== undefined) net.subnet = t.network.subnet;
  if (t.network?.['max-clients'] !== undefined) net.maxClients = t.network['max-clients'];
  if (t.network?.['broadcast-filter'] !== undefined) net.broadcastFilter = t.network['broadcast-filter'];
  const wifi = toLink(t.network?.wifi);
  if (wifi) net.wifi = wifi;
  const data: DataFile[] = [];
  const svcOpts = { dir, ...(opts.files ? { files: opts.files } : {}) };
  if (t.network?.internet) {
    net.internet = t.network.internet.map((h, i) => {
      const r = serviceSpec(['network', 'internet', i], h.service, h, svcOpts, data);
      for (const is of r.issues) errors.push(err(is.path, is.message));
      return { name: h.name, ip: h.ip, ...r.spec, ...(h.latency !== undefined ? { latencyUs: h.latency } : {}) };
    });
  }

  const devices: DeviceSpec[] = [];
  const scripts: ScriptInfo[] = [];
  const ips = new Map<string, string>();
  for (const [id, d] of Object.entries(t.devices)) {
    const spec: DeviceSpec = { id, board: d.board === 'broker' ? 'pc' : d.board };
    const service = d.board === 'broker' ? 'mqtt' : d.service;
    if (d.board === 'broker' && d.service !== undefined && d.service !== 'mqtt') errors.push(err(['devices', id, 'service'], `a broker runs service: mqtt; for ${d.service} write board: pc, service: ${d.service}`));
    if (d.board === 'esp32' && d.service !== undefined) errors.push(err(['devices', id, 'service'], 'an esp32 runs its script; a built-in service runs on a PC (board: pc) or an internet host'));
    if (service === undefined) {
      for (const k of ['port', 'routes', 'users'] as const) if (d[k] !== undefined) errors.push(err(['devices', id, k], `${k} belongs to a service: add service: (e.g. service: ${k === 'users' ? 'mqtt' : 'http'})`));
    } else if (d.board !== 'esp32') {
      const r = serviceSpec(['devices', id], service, d, svcOpts, data);
      for (const is of r.issues) errors.push(err(is.path, is.message));
      spec.service = r.spec;
    }
    if (d.ip !== undefined) {
      const other = ips.get(d.ip);
      if (other) errors.push(err(['devices', id, 'ip'], `${d.ip} is already used by ${other}`));
      ips.set(d.ip, id);
      spec.ip = d.ip;
    }
    if (d.static !== undefined) {
      if (d.board === 'esp32') errors.push(err(['devices', id, 'static'], 'static is for a PC; an ESP32 gets its ip as a DHCP reservation (drop static)'));
      else if (d.static && d.ip === undefined) errors.push(err(['devices', id, 'static'], 'static: true needs an ip (e.g. ip: 192.168.1.20)'));
      spec.static = d.static;
    }
    if (d.wifi !== undefined) {
      if (d.board === 'pc') errors.push(err(['devices', id, 'wifi'], 'only an esp32 has a wifi setting (PCs always join)'));
      spec.wifi = d.wifi;
    } else if (d.board === 'esp32') spec.wifi = 'auto';
    if (d.heap !== undefined) {
      if (d.board !== 'esp32') errors.push(err(['devices', id, 'heap'], 'only an esp32 has a MicroPython heap setting (a PC has no such limit)'));
      else spec.heapBytes = d.heap;
    }
    if (d.parts !== undefined) {
      if (d.board !== 'esp32') errors.push(err(['devices', id, 'parts'], 'parts are wired to an esp32 (a PC has no GPIO)'));
      else {
        const r = parseParts(d.parts);
        for (const i of r.issues) errors.push(err(['devices', id, ...i.path], i.message));
        if (r.parts.length) spec.parts = r.parts;
      }
    }
    if (d.start !== undefined) spec.startUs = d.start;
    if (d.stdin !== undefined) spec.stdin = d.stdin;
    const l = toLink(d.link);
    if (l) spec.link = l;
    if (d.script !== undefined) {
      const s = readScript(d.script, dir, opts);
      const ext = path.extname(d.script).toLowerCase();
      if (!['.py', '.ts', '.js'].includes(ext)) {
        errors.push(err(['devices', id, 'script'], `${d.script}: a script is a .py (MicroPython) or .ts/.js file`));
      } else if (!s.ok) {
        errors.push(err(['devices', id, 'script'], s.why));
      } else {
        const language = ext === '.py' ? 'micropython' : 'typescript';
        const script: ScriptSpec = { filename: path.basename(d.script), source: s.text, language };
        if (language === 'typescript') {
          script.modulePath = s.path;
          for (const e of typescriptSyntax(s.text, script.filename)) errors.push({ file: path.join(path.dirname(file), d.script), line: e.line, message: `syntax error: ${e.message}`, source: s.text.split(/\r?\n/)[e.line - 1] });
        }
        spec.script = script;
        scripts.push({ device: id, ref: d.script, path: s.path, sha256: sha256(s.text), source: s.text, language });
      }
    }
    if (d.files !== undefined) {
      if (service !== undefined) errors.push(err(['devices', id, 'files'], 'a PC running a built-in service has no project files'));
      else if (spec.script?.language === 'typescript') errors.push(err(['devices', id, 'files'], 'project files are for MicroPython: a TypeScript script reads no flash'));
      else {
        const r = projectFiles(['devices', id, 'files'], d.files, { dir, ...(opts.files ? { files: opts.files } : {}) }, data);
        for (const is of r.issues) errors.push(err(is.path, is.message));
        if (r.files) spec.files = r.files;
      }
    }
    devices.push(spec);
  }
  for (const i of checkNetwork(t.network, devices)) errors.push(err(i.path, i.message));

  const ids = new Set(devices.map((d) => d.id));
  const parts = new Map<string, Map<string, PartRef>>();
  for (const d of devices) {
    if (d.board !== 'esp32') continue;
    const m = new Map<string, PartRef>([[BOOT_PART, { type: 'button', pin: 0 }]]);
    for (const p of d.parts ?? []) m.set(p.id, { type: p.type, pin: p.pin });
    parts.set(d.id, m);
  }
  const services = new Map<string, string>();
  for (const d of devices) if (d.service) services.set(d.id, d.service.service);
  for (const h of net.internet ?? []) services.set(h.name, h.service);
  const ctx = { defaultDevice: devices.find((d) => d.board === 'esp32')?.id, devices: ids, services, parts };
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
      ...(t.watchdog !== undefined ? { watchdogMs: t.watchdog } : {}),
      ...(t['wall-timeout'] !== undefined ? { wallTimeoutMs: t['wall-timeout'] } : {}),
      network: net,
      devices,
      steps,
      file,
      dir,
      text,
      scripts,
      ...(data.length ? { dataFiles: data } : {}),
    },
  };
}

/** A device's script: from the trace's files when given (nothing read from disk), else from disk next to the YAML. */
function readScript(ref: string, dir: string, opts: ParseOptions): { ok: true; text: string; path: string } | { ok: false; why: string } {
  const abs = path.resolve(dir, ref);
  if (opts.files) {
    const text = opts.files[ref];
    return text === undefined ? { ok: false, why: `${ref} is not among the files of the trace` } : { ok: true, text, path: abs };
  }
  if (opts.readScript) {
    const text = opts.readScript(abs);
    return text === undefined ? { ok: false, why: `${ref} not found (looked for ${abs})` } : { ok: true, text, path: abs };
  }
  const r = readInputFile(abs, MAX_SCRIPT_BYTES);
  if (r.ok) return { ok: true, text: r.text, path: abs };
  return { ok: false, why: r.why === 'no such file' ? `${ref} not found (looked for ${abs})` : `${ref} ${r.why}` };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
