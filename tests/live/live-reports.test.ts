/**
 * A live session leaves the same reports as a batch run: --junit and --json files (the terminal
 * is the console, so `--json -` is refused before anything starts), and --speed takes `max`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseSpeed } from '../../scenarios/cli/live-options';
import { REPO_ROOT } from '../paths';
import { BIN } from './helpers/session';

const dir = mkdtempSync(path.join(tmpdir(), 'esp32sim-live-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ECHO = path.join(REPO_ROOT, 'scenarios', 'labs', 'echo');

function esp32sim(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000, input: '', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('--speed: a factor (2, 2x, 0.5) or max, whatever its case', () => {
  expect(parseSpeed('max')).toEqual({ ok: true, value: 'max' });
  expect(parseSpeed(' MAX ')).toEqual({ ok: true, value: 'max' });
  expect(parseSpeed('2x')).toEqual({ ok: true, value: 2 });
  expect(parseSpeed('0.5')).toEqual({ ok: true, value: 0.5 });
  expect(parseSpeed('ma').ok).toBe(false);
  expect(parseSpeed('0').ok).toBe(false);
});

test('a live session writes --junit and --json like a batch run', () => {
  const json = path.join(dir, 'live.json');
  const xml = path.join(dir, 'live.xml');
  const r = esp32sim(['run', ECHO, '--live', '--speed', 'max', '--timeout', '3s', '--json', json, '--junit', xml]);
  expect(r.status).toBe(0);
  expect(r.out).toContain(`JSON result written to ${json}`);
  expect(r.out).toContain(`JUnit report written to ${xml}`);
  const report = JSON.parse(readFileSync(json, 'utf8')) as { verdict: string; exitCode: number; runs: { scenario: string; virtualUs: number }[] };
  expect(report).toMatchObject({ verdict: 'pass', exitCode: 0, runs: [{ scenario: 'TCP echo (tutorial)', virtualUs: 3_000_000 }] });
  const junit = readFileSync(xml, 'utf8');
  expect(junit).toContain('<testsuite name="TCP echo (tutorial)" tests="1" failures="0"');
  expect(junit).toContain('tcp waiting...'); // the consoles, as in a batch report
});

test('--json - is refused in a live session, before it starts, with what to do instead', () => {
  const r = esp32sim(['run', ECHO, '--live', '--json', '-']);
  expect(r).toEqual({ status: 2, out: 'esp32sim: --json -: in a live session the terminal is the console; write the JSON to a file (--json result.json)\n' });
});
