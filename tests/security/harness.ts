/**
 * The security suite's harness: runs an attack (a MicroPython script written
 * as a hostile student would) on a fake board through the real runtime, VM
 * and script OS, then checks that nothing escaped and that the verdict is the
 * one the host decides.
 *
 * An attack file starts with header comments:
 *   # attack: what it tries                        (required)
 *   # family: js | bridge | forge | fs | resources | determinism
 *   # expect: violation [import] | watchdog | exit N | crash /regex/
 *   # out: /regex/                                 (output must match; repeatable)
 *   # only: esp32 | pc                             (default: both personalities)
 *   # watchdog: 300                                (ms; default 5000)
 *   # twice                                        (run twice: byte-identical output)
 * and may use {{CANARY_FILE}}, {{PWNED}}, {{REPO}} (host paths it must not reach).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LAYOUT as L } from '../../devices/runtime/bridge/protocol';
import { runPy, startPy, type PyRun } from '../devices/runtime/micropython/helpers';
import { REPO_ROOT } from '../paths';

export type Kind = 'esp32' | 'pc';

/** Must never reach a VM: in the host's environment, in a host file, in spare SAB header words. */
export const CANARY = 'esp32sim-canary-5af3-c0ffee';
export const SAB_CANARY = 0x5afe5afe | 0;
/** Spare header words (protocol.ts uses 0-29): the memory scan looks for their value in wasm memory. */
export const SAB_SPARE = [30, 31];
process.env.ESP32SIM_SECURITY_CANARY = CANARY;

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'esp32sim-security-'));
export const CANARY_FILE = path.join(DIR, 'canary.txt');
export const PWNED = path.join(DIR, 'PWNED');
fs.writeFileSync(CANARY_FILE, CANARY + '\n');

export const ATTACK_DIR = path.join(__dirname, 'attacks');

export interface Attack {
  file: string;
  name: string;
  what: string;
  family: string;
  expect: { kind: 'violation'; import?: string } | { kind: 'watchdog' } | { kind: 'exit'; code: number } | { kind: 'crash'; re: RegExp };
  out: RegExp[];
  only?: Kind;
  watchdogMs: number;
  twice: boolean;
  source: string;
}

function regex(s: string, where: string): RegExp {
  const m = /^\/(.*)\/([a-z]*)$/.exec(s.trim());
  if (!m) throw new Error(`${where}: expected /regex/, got ${s}`);
  return new RegExp(m[1], m[2]);
}

/** The shared forging prelude (snippets/forge_jsproxy.py without its two comment lines). */
function forgeJsProxy(): string {
  return fs.readFileSync(path.join(__dirname, 'snippets', 'forge_jsproxy.py'), 'utf8').split('\n').slice(2).join('\n');
}

export function parseAttack(file: string): Attack {
  const text = fs.readFileSync(path.join(ATTACK_DIR, file), 'utf8');
  const head: Record<string, string[]> = {};
  for (const line of text.split('\n')) {
    const m = /^#\s*(attack|family|expect|out|only|watchdog|twice)\b:?\s*(.*)$/.exec(line);
    if (!m) {
      if (line.startsWith('#')) continue;
      break;
    }
    (head[m[1]] ??= []).push(m[2].trim());
  }
  const where = `tests/security/attacks/${file}`;
  const e = head.expect?.[0];
  if (!head.attack || !e) throw new Error(`${where}: needs '# attack:' and '# expect:' headers`);
  let expect: Attack['expect'];
  if (e === 'watchdog') expect = { kind: e };
  else if (/^violation( \w+)?$/.test(e)) expect = { kind: 'violation', import: e.split(' ')[1] };
  else if (/^exit \d+$/.test(e)) expect = { kind: 'exit', code: Number(e.slice(5)) };
  else if (e.startsWith('crash ')) expect = { kind: 'crash', re: regex(e.slice(6), where) };
  else throw new Error(`${where}: bad expect: ${e}`);
  const only = head.only?.[0] as Kind | undefined;
  return {
    file,
    name: file.replace(/\.py$/, ''),
    what: head.attack[0],
    family: head.family?.[0] ?? 'other',
    expect,
    out: (head.out ?? []).map((o) => regex(o, where)),
    only,
    watchdogMs: Number(head.watchdog?.[0] ?? 5000),
    twice: Boolean(head.twice),
    source: text
      .replace('{{FORGE_JSPROXY}}\n', forgeJsProxy())
      .replace(/\{\{CANARY_FILE\}\}/g, CANARY_FILE).replace(/\{\{PWNED\}\}/g, PWNED).replace(/\{\{REPO\}\}/g, REPO_ROOT),
  };
}

export function corpus(): Attack[] {
  return fs
    .readdirSync(ATTACK_DIR)
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map(parseAttack);
}

/** Child processes of this process (an escape that spawned one would show here). */
export function childPids(): string[] {
  const out: string[] = [];
  for (const t of fs.readdirSync(`/proc/${process.pid}/task`)) {
    try {
      out.push(...fs.readFileSync(`/proc/${process.pid}/task/${t}/children`, 'utf8').split(/\s+/).filter(Boolean));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out.sort();
}

export interface AttackRun {
  state: string;
  code: number | undefined;
  failure: string;
  out: string;
  run: PyRun;
}

/** Runs one attack on one personality to its end (SAB canaries set before the script runs). */
export async function runAttack(a: Attack, kind: Kind, seed = 1): Promise<AttackRun> {
  const r = startPy(a.source, { kind, seed, watchdogMs: a.watchdogMs });
  const h = (r.runtime as unknown as { peer: { h: Int32Array } }).peer.h;
  for (const w of SAB_SPARE) h[w] = SAB_CANARY;
  await r.board.sim.run({ until: r.board.sim.now + 3600_000_000, stopWhen: () => r.proc.state !== 'running' });
  r.proc.kill();
  return { state: r.proc.state, code: r.proc.exitCode, failure: r.proc.failure ?? '', out: r.out(), run: r };
}

/** What every attack must leave untouched, whatever it printed. */
export function assertNothingEscaped(res: AttackRun): void {
  // A PC traceback quotes the source line under its "File" line: that is the attack's text, not its result.
  const printed = res.out.replace(/^( {2}File "[^"]*", line \d+.*\n) {4}.*$/gm, '$1');
  expect(printed).not.toContain('ESCAPED');
  expect(res.out).not.toContain(CANARY);
  expect(res.failure).not.toContain(CANARY);
  expect(fs.existsSync(PWNED)).toBe(false);
  expect(fs.readFileSync(CANARY_FILE, 'utf8')).toBe(CANARY + '\n');
}

/** The verdict the attack's header announces (the host's, never the script's). */
export function assertVerdict(a: Attack, res: AttackRun): void {
  const got = { state: res.state, code: res.code, failure: res.failure.trimEnd().split('\n').pop() ?? '' };
  switch (a.expect.kind) {
    case 'violation': {
      const name = a.expect.import ?? '\\w+';
      expect(got).toEqual({ state: 'crashed', code: 1, failure: expect.stringMatching(new RegExp(`^sandbox violation: the script reached for JavaScript \\(${name}\\)$`)) });
      break;
    }
    case 'watchdog':
      expect(got).toEqual({ state: 'crashed', code: 1, failure: expect.stringMatching(/^Watchdog: script ran [\d.]+ s of wall time without a kernel call/) });
      break;
    case 'exit':
      expect(got).toEqual({ state: a.expect.code === 0 || a.expect.code === 130 ? 'exited' : 'crashed', code: a.expect.code, failure: expect.any(String) });
      if (a.expect.code === 0) expect(res.failure).toBe('');
      break;
    case 'crash':
      expect(got).toEqual({ state: 'crashed', code: 1, failure: expect.stringMatching(a.expect.re) });
      break;
  }
  for (const re of a.out) expect(res.out).toMatch(re);
}

export { runPy, L };
