/**
 * `esp32sim run --jobs N`: runs on worker threads give what the same command
 * gives one run after the other: byte-identical traces and captures per run,
 * the same timeline in the same order (a bad scenario's message in its turn),
 * the same JUnit and exit code. Real labs, real VMs; only wall times differ.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { jobThreadEnv } from '../../scenarios/cli/jobs';
import { main, type Io } from '../../scenarios/cli/main';
import { parseJobs } from '../../scenarios/cli/options';
import { LABS_DIR } from '../../scenarios/runner/targets';

const dir = mkdtempSync(path.join(tmpdir(), 'esp32sim-jobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const broken = path.join(dir, 'broken');
mkdirSync(broken);
writeFileSync(path.join(broken, 'scenario.yaml'), 'name: broken\ndevices:\n  esp32: { board: esp32, script: missing.py }\nsteps: []\n');

/** The command's own kind of Io (no injected simulation or clock): what it prints, in order, on which stream. */
function capture(): { io: Io; lines: string[] } {
  const lines: string[] = [];
  return { io: { out: (l) => lines.push(`out ${l}`), err: (l) => lines.push(`err ${l}`), color: false, cmd: 'esp32sim' }, lines };
}

/** Wall-clock figures and the run's own folder are the only things allowed to differ. */
function masked(lines: string[], out: string): string[] {
  return lines.map((l) => l.split(out).join('OUT').replace(/in \d+(\.\d+)?s wall, [\d.]+× real time/g, 'in WALL'));
}

async function runWith(jobs: string, name: string): Promise<{ code: number; lines: string[]; files: Map<string, Buffer>; junit: string }> {
  const out = path.join(dir, name);
  mkdirSync(out);
  const targets = [path.join(LABS_DIR, 'udp-echo'), broken, path.join(LABS_DIR, 'echo')];
  const c = capture();
  const code = await main(
    ['run', ...targets, '--seeds', '1-2', '--jobs', jobs, '--trace', path.join(out, 'run.trace'), '--pcap', path.join(out, 'run.pcap'), '--junit', path.join(out, 'junit.xml')],
    c.io,
  );
  const files = new Map<string, Buffer>();
  for (const f of readdirSync(out).sort()) if (f !== 'junit.xml') files.set(f, readFileSync(path.join(out, f)));
  const junit = readFileSync(path.join(out, 'junit.xml'), 'utf8').replace(/ (time|timestamp|hostname)="[^"]*"/g, '');
  return { code, lines: masked(c.lines, out), files, junit };
}

test('--jobs 2 gives the sequential run: identical traces and captures, the same output in the same order, the same JUnit', async () => {
  const one = await runWith('1', 'one');
  const two = await runWith('2', 'two');
  expect(one.code).toBe(2); // the broken scenario
  expect(two.code).toBe(one.code);
  expect([...one.files.keys()]).toEqual(['run-echo-seed1.pcap', 'run-echo-seed1.trace', 'run-echo-seed2.pcap', 'run-echo-seed2.trace', 'run-udp-echo-seed1.pcap', 'run-udp-echo-seed1.trace', 'run-udp-echo-seed2.pcap', 'run-udp-echo-seed2.trace']);
  expect([...two.files.keys()]).toEqual([...one.files.keys()]);
  for (const [f, bytes] of one.files) expect({ f, same: two.files.get(f)?.equals(bytes) }).toEqual({ f, same: true });
  expect(two.lines).toEqual(one.lines);
  // In the order given: udp-echo's runs, then the broken scenario's message, then echo's runs.
  const at = (re: RegExp) => one.lines.findIndex((l) => re.test(l));
  expect(at(/udp-echo-seed2\.trace/)).toBeLessThan(at(/missing\.py/));
  expect(at(/missing\.py/)).toBeLessThan(at(/run-echo-seed1\.trace/));
  expect(two.junit).toBe(one.junit);
}, 240_000);

test('job threads spin in hand-overs only where each run at once has two cores', () => {
  expect(jobThreadEnv(2, 2, { A: '1' })).toEqual({ A: '1', ESP32SIM_SPIN: '0' });
  expect(jobThreadEnv(3, 4, {}).ESP32SIM_SPIN).toBe('0');
  expect(jobThreadEnv(2, 4, {}).ESP32SIM_SPIN).toBeUndefined();
  expect(jobThreadEnv(1, 2, {}).ESP32SIM_SPIN).toBeUndefined();
});

test('--jobs takes a whole number from 1', async () => {
  expect(parseJobs('4')).toEqual({ ok: true, value: 4 });
  for (const bad of ['0', '-1', 'two', '1.5', '']) expect(parseJobs(bad).ok).toBe(false);
  const c = capture();
  expect(await main(['run', path.join(LABS_DIR, 'echo'), '--jobs', '0'], c.io)).toBe(2);
  expect(c.lines.join('\n')).toMatch(/--jobs 0: expected a whole number of parallel runs, at least 1/);
});

test('Ctrl-C stops the runs in flight and hands out no more; the summary shows what ran', async () => {
  const lines: string[] = [];
  let interrupt: () => void = () => {};
  const io: Io = {
    out: (l) => {
      lines.push(l);
      if (/^seed 1 .*✔ PASS/.test(l)) interrupt(); // as the first run's verdict is printed
    },
    err: (l) => lines.push(l),
    color: false,
    onInterrupt: (fn) => {
      interrupt = fn;
      return () => (interrupt = () => {});
    },
  };
  const code = await main(['run', path.join(LABS_DIR, 'udp-echo'), '--seeds', '1-20', '--jobs', '2', '--quiet'], io);
  expect(code).toBe(130);
  const text = lines.join('\n');
  expect(text).toMatch(/Ctrl-C: stopping the run/);
  expect(text).toMatch(/interrupted with Ctrl-C: the runs so far/);
  expect(text).toMatch(/^seed 1 .*✔ PASS/m);
  // Twenty seeds, two threads: what was in flight when seed 1's verdict came finishes, nothing more
  // is handed out (how far the other thread got while seed 1 ran depends on the machine's load).
  const ran = text.match(/^seed \d+ /gm) ?? [];
  expect(ran.length).toBeLessThan(20);
  expect(text).toContain(`Summary of ${ran.length} runs (interrupted with Ctrl-C: the runs so far)`);
  expect(text).not.toMatch(/^seed 20 /m);
}, 120_000);
