/**
 * The bundled classroom labs: every folder under scenarios/labs/ holding a
 * scenario.yaml, and how to turn command-line targets into scenarios
 * (a YAML file, a lab folder, a folder of labs, or a bare .py run on an ESP32).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/** scenarios/labs of the package, from the sources or from the compiled dist/scenarios/runner/. */
export const LABS_DIR = path.join(packageRoot(__dirname), 'scenarios', 'labs');

function packageRoot(dir: string): string {
  for (let d = dir; path.dirname(d) !== d; d = path.dirname(d)) if (existsSync(path.join(d, 'package.json'))) return d;
  return path.resolve(dir, '..', '..');
}

export interface LabInfo {
  id: string;
  dir: string;
  name: string;
  description: string;
}

export function listLabs(root = LABS_DIR): LabInfo[] {
  const out: LabInfo[] = [];
  for (const id of readdirSync(root).sort()) {
    const file = path.join(root, id, 'scenario.yaml');
    if (!existsSync(file)) continue;
    let name = id;
    let description = '';
    try {
      const y = parse(readFileSync(file, 'utf8'), { maxAliasCount: 100 }) as { name?: unknown; description?: unknown };
      if (typeof y?.name === 'string') name = y.name;
      if (typeof y?.description === 'string') description = y.description.trim().split('\n')[0];
    } catch {
      description = '(scenario.yaml does not parse)';
    }
    out.push({ id, dir: path.join(root, id), name, description });
  }
  return out;
}

export type Target =
  | { kind: 'yaml'; file: string }
  | { kind: 'py'; file: string }
  | { kind: 'missing'; file: string; why: string }
  /** A folder without scenarios among other targets (a shell glob like scenarios/*\/): noted, not an error. */
  | { kind: 'skip'; file: string; why: string };

const NO_SCENARIO = 'no scenario.yaml in this folder or its subfolders';

/** Expands command-line targets: yaml files, lab folders, folders of labs, bare .py files. */
export function expandTargets(args: readonly string[]): Target[] {
  const out = expandEach(args);
  // With several targets, a folder holding no scenario is most likely a glob's catch (scenarios/cli/): skip it.
  if (out.some((t) => t.kind === 'yaml' || t.kind === 'py')) {
    return out.map((t) => (t.kind === 'missing' && t.why === NO_SCENARIO ? { kind: 'skip', file: t.file, why: t.why } : t));
  }
  return out;
}

function expandEach(args: readonly string[]): Target[] {
  const out: Target[] = [];
  for (const a of args) {
    if (!existsSync(a)) {
      const lab = path.join(LABS_DIR, a, 'scenario.yaml');
      if (!a.includes('/') && existsSync(lab)) out.push({ kind: 'yaml', file: lab });
      else out.push({ kind: 'missing', file: a, why: 'no such file or folder' });
      continue;
    }
    if (statSync(a).isDirectory()) {
      const own = path.join(a, 'scenario.yaml');
      if (existsSync(own)) {
        out.push({ kind: 'yaml', file: own });
        continue;
      }
      const inner = readdirSync(a)
        .sort()
        .map((d) => path.join(a, d, 'scenario.yaml'))
        .filter((f) => existsSync(f));
      if (!inner.length) out.push({ kind: 'missing', file: a, why: NO_SCENARIO });
      for (const f of inner) out.push({ kind: 'yaml', file: f });
      continue;
    }
    if (/\.py$/i.test(a)) out.push({ kind: 'py', file: a });
    else if (/\.ya?ml$/i.test(a)) out.push({ kind: 'yaml', file: a });
    else out.push({ kind: 'missing', file: a, why: 'expected a scenario .yaml, a lab folder or a .py script' });
  }
  return out;
}

export interface BareRun {
  /** Lines every PC types into input()/raw_input(), as a scenario's `stdin:` list. */
  input?: readonly string[];
  /** The run passes as soon as the ESP32 prints each of these, in order (Wokwi's --expect-text). */
  expectText?: readonly string[];
  timeout?: string;
  /** Script paths are written relative to this folder (the trace keeps no host path). */
  cwd?: string;
}

/**
 * A scenario for a bare .py: an ESP32 on the tutorial's lab network (pinned to
 * 192.168.2.231, already on WiFi) plus a PC per --pc script, starting at 1 s.
 */
export function bareScenarioYaml(esp32Py: string, pcScripts: readonly string[], o: BareRun = {}): string {
  const cwd = o.cwd ?? process.cwd();
  const q = (s: string) => JSON.stringify(path.relative(cwd, path.resolve(cwd, s)).split(path.sep).join('/'));
  const lines = [
    `name: ${JSON.stringify(path.basename(esp32Py))}`,
    `description: ${JSON.stringify(`${path.basename(esp32Py)} on an ESP32${pcScripts.length ? ` with ${pcScripts.length} PC(s)` : ''}`)}`,
    `timeout: ${o.timeout ?? '30s'}`,
    'network:',
    '  subnet: 192.168.2.0/24',
    'devices:',
    '  esp32:',
    '    board: esp32',
    `    script: ${q(esp32Py)}`,
    '    ip: 192.168.2.231',
    '    wifi: auto',
  ];
  pcScripts.forEach((p, i) => {
    lines.push(`  pc${pcScripts.length > 1 ? i + 1 : ''}:`, '    board: pc', `    script: ${q(p)}`, '    start: 1s');
    if (o.input?.length) lines.push(`    stdin: ${JSON.stringify(o.input)}`);
  });
  if (o.expectText?.length) {
    lines.push('steps:');
    for (const t of o.expectText) lines.push(`  - wait-serial: { device: esp32, text: ${JSON.stringify(t)} }`);
  }
  return lines.join('\n') + '\n';
}
