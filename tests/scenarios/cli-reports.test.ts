/**
 * What the command leaves for CI and for people: JUnit that validates against
 * the JUnit schema CI services read (tests/scenarios/junit/junit.xsd) with each
 * device's console, --json, --serial-log, --seeds, bare-run --expect-text and
 * exit 42, --version, init, colour rules and one duration format.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { validateXML } from 'xmllint-wasm';
import { colorSupported, commandName, progressSupported } from '../../scenarios/cli/io';
import { main, version, type Io } from '../../scenarios/cli/main';
import { fmtMs, fmtUs } from '../../scenarios/schema/model';
import { fakeFactory, type Behaviour } from './fake';

const dir = mkdtempSync(path.join(tmpdir(), 'esp32sim-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lab(name: string, steps: string, devices = '  esp32: { board: esp32, script: main.py }\n  pc: { board: pc, script: main.py, start: 1s }\n'): string {
  const d = path.join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(path.join(d, 'main.py'), 'print("hi")\n');
  writeFileSync(path.join(d, 'scenario.yaml'), `name: ${name}\ntimeout: 10s\ndevices:\n${devices}steps:\n${steps}`);
  return d;
}

const behaviours: Record<string, Behaviour> = {
  esp32: (d, sim) => {
    d.print('boot <ok> & "fine"');
    sim.schedule(500_000, () => d.print('ready'));
    // A seed-dependent bug: odd seeds never say "done".
    if (sim.seed % 2 === 0) sim.schedule(700_000, () => d.print('done'));
  },
  pc: (d) => d.print('pc up'),
};

function io(b = behaviours) {
  const out: string[] = [];
  const err: string[] = [];
  const fake = fakeFactory(b);
  const x: Io = { out: (l) => out.push(l), err: (l) => err.push(l), color: false, createSimulation: fake.create, wallMs: () => 0 };
  return { io: x, out, err, fake };
}

const SCHEMA = readFileSync(path.join(__dirname, 'junit', 'junit.xsd'), 'utf8');

async function validJunit(xml: string): Promise<string[]> {
  const r = await validateXML({ xml: [{ fileName: 'report.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: SCHEMA }] });
  return r.errors.map((e) => e.rawMessage);
}

const pass = lab('pass', '  - wait-serial: ready\n');
const fail = lab('fail', '  - wait-serial: ready\n  - wait-serial: { text: "dnoe", timeout: 1s }\n  - delay: 1s\n');
const crash = lab('crash', '  - delay: 2s\n', '  esp32: { board: esp32, script: main.py }\n');

describe('JUnit', () => {
  test('the report validates against the JUnit schema and carries consoles, failures and both times', async () => {
    const file = path.join(dir, 'report.xml');
    const t = io();
    const broken = lab('broken', '  - wait-serial: x\n', '  esp32: { board: esp32, script: main.py }\ncolour: red\n');
    expect(await main(['run', pass, fail, broken, '--junit', file, '--quiet', '--seed', '2'], t.io)).toBe(2);
    const xml = readFileSync(file, 'utf8');
    expect(await validJunit(xml)).toEqual([]);
    expect(xml).toMatch(/<testsuites name="esp32sim" tests="\d+" failures="1" errors="1" time="[\d.]+">/);
    expect(xml).toMatch(/<testsuite name="pass" tests="1" failures="0" errors="0" skipped="0" time="[\d.]+" timestamp="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d" hostname="[^"]+" id="0">/);
    expect(xml).toContain('<property name="virtual-time" value="0.5s"/>');
    expect(xml).toContain('<system-out>--- esp32 (esp32, main.py): 2 lines, script running ---\n          0s boot &lt;ok&gt; &amp; &quot;fine&quot;\n        0.5s ready\n--- pc (pc, main.py): 0 lines, script not-started ---</system-out>');
    expect(xml).toContain('failure message="esp32 did not print &quot;dnoe&quot; within 1s; the closest line it printed: &quot;done&quot;" type="step">step 2 (line 8): wait-serial esp32 &quot;dnoe&quot;');
    expect(xml).toContain('last lines of esp32:');
    expect(xml).toMatch(/<skipped message="not run"\/>/);
    expect(xml).toMatch(/<error message="[^"]*colour: unknown key[^"]*" type="input">/);
  });

  test('a crash, a timeout and a seed sweep validate too', async () => {
    const file = path.join(dir, 'crash.xml');
    const t = io({ esp32: (d, sim) => sim.schedule(10, () => d.exit(1, 'Traceback (most recent call last):\n  File "main.py", line 1\nZeroDivisionError: divide by zero')) });
    expect(await main(['run', crash, '--junit', file], t.io)).toBe(1);
    const xml = readFileSync(file, 'utf8');
    expect(await validJunit(xml)).toEqual([]);
    expect(xml).toContain('type="crash">Traceback (most recent call last):');
    const sweep = path.join(dir, 'sweep.xml');
    expect(await main(['run', fail, '--seeds', '1-3', '--junit', sweep], io().io)).toBe(1);
    const sx = readFileSync(sweep, 'utf8');
    expect(await validJunit(sx)).toEqual([]);
    expect(sx).toContain('<testsuite name="fail (seed 2)"');
  });

  test('the schema check is a real one: a report without times or with a bad order fails it', async () => {
    expect(await validJunit('<testsuites tests="1" failures="0" errors="0"><testsuite name="x" tests="1" failures="0" errors="0" time="1"><testcase name="a" classname="c"/></testsuite></testsuites>')).not.toEqual([]);
    expect(
      await validJunit('<testsuites tests="1" failures="0" errors="0"><testsuite name="x" tests="1" failures="0" errors="0" time="1"><system-out/><testcase name="a" classname="c" time="0"/></testsuite></testsuites>'),
    ).not.toEqual([]);
  });
});

describe('--json, --serial-log, --seeds', () => {
  test('--json writes the verdict, steps, timings and counters', async () => {
    const file = path.join(dir, 'result.json');
    expect(await main(['run', fail, '--json', file, '--seed', '1'], io().io)).toBe(1);
    const r = JSON.parse(readFileSync(file, 'utf8'));
    expect(r).toMatchObject({ format: 'esp32sim-result', version: 1, exitCode: 1, verdict: 'fail', passed: 0, total: 1 });
    expect(r.runs[0]).toMatchObject({ scenario: 'fail', seed: 1, exitCode: 1, verdict: 'fail', virtualUs: 1_500_000, timeoutUs: 10_000_000 });
    expect(r.runs[0].steps.map((s: { step: number; status: string }) => `${s.step}:${s.status}`)).toEqual(['1:passed', '2:failed', '3:skipped']);
    expect(r.runs[0].steps[1]).toMatchObject({ line: 8, kind: 'wait-serial', device: 'esp32', startUs: 500_000, endUs: 1_500_000 });
    expect(r.runs[0].devices[0]).toMatchObject({ id: 'esp32', kind: 'esp32', script: 'running', counters: {} });
  });

  test('--json - prints only the JSON on stdout', async () => {
    const t = io();
    expect(await main(['run', pass, '--json', '-'], t.io)).toBe(0);
    expect(JSON.parse(t.out.join('\n'))).toMatchObject({ verdict: 'pass' });
  });

  test("--serial-log writes each device's console, one folder per run when there are several", async () => {
    const logs = path.join(dir, 'logs');
    expect(await main(['run', pass, '--serial-log', logs, '--quiet'], io().io)).toBe(0);
    expect(readFileSync(path.join(logs, 'esp32.log'), 'utf8')).toBe('boot <ok> & "fine"\nready\n');
    expect(readFileSync(path.join(logs, 'pc.log'), 'utf8')).toBe(''); // the run ended before the PC started
    const many = path.join(dir, 'many-logs');
    await main(['run', pass, fail, '--serial-log', many, '--quiet'], io().io);
    expect(readdirSync(many).sort()).toEqual(['fail', 'pass']);
  });

  test('--seeds runs once per seed and reports the pass rate and the failing seeds', async () => {
    const t = io();
    expect(await main(['run', fail.replace('fail', 'fail'), '--seeds', '1-4'], t.io)).toBe(1);
    const text = t.out.join('\n');
    expect(text).toMatch(/^seed 1 +✘ FAIL fail: step 2 failed/m);
    expect(text).toMatch(/^seed 2 +✘ FAIL/m);
    expect(text).toMatch(/2\/4 seeds passed \(50%\)|0\/4 seeds passed/);
  });

  test('a sweep of a lab whose outcome depends on the seed names the failing seeds', async () => {
    const d = lab('flaky', '  - wait-serial: { text: done, timeout: 1s }\n');
    const t = io();
    expect(await main(['run', d, '--seeds', '1-4,7'], t.io)).toBe(1);
    const text = t.out.join('\n');
    expect(text).toMatch(/flaky .*: 2\/5 seeds passed \(40%\)\n {6}failing seeds: 1, 3, 7 \(see one with --seed 1\)\n2\/5 runs passed/);
  });
});

describe('bare runs', () => {
  test('a bare run that reaches its timeout with the ESP32 running exits 42; --expect-text passes; --fail-text fails', async () => {
    const py = path.join(dir, 'bare.py');
    writeFileSync(py, 'print("ready")\n');
    const a = io();
    expect(await main(['run', py, '--timeout', '2s'], a.io)).toBe(42);
    expect(a.out.join('\n')).toMatch(/⧗ TIMEOUT bare\.py: timeout: 2s of virtual time ran out with esp32 still running/);
    const b = io();
    expect(await main(['run', py, '--expect-text', 'ready'], b.io)).toBe(0);
    expect(b.out.join('\n')).toMatch(/✔ PASS bare\.py: the step passed/);
    const c = io();
    expect(await main(['run', py, '--expect-text', 'never', '--timeout', '1s'], c.io)).toBe(42);
    const e = io();
    expect(await main(['run', py, '--fail-text', 'boot', '--timeout', '2s'], e.io)).toBe(1);
    expect(e.out.join('\n')).toMatch(/esp32 printed the fail text "boot" at 0s: "boot <ok> & \\"fine\\""/);
  });
});

describe('Ctrl-C and closed pipes', () => {
  test('Ctrl-C stops the run and prints the summary of what ran, exit 130', async () => {
    let press: () => void = () => {};
    const t = io({ ...behaviours, esp32: (d, sim) => sim.schedule(300_000, () => press()) });
    t.io.onInterrupt = (fn) => {
      press = fn;
      return () => {};
    };
    const slow = lab('slow', '  - wait-serial: never\n');
    expect(await main(['run', pass, slow, pass], t.io)).toBe(130);
    const text = [...t.out, ...t.err].join('\n');
    expect(text).toMatch(/Ctrl-C: stopping the run/);
    expect(text).toMatch(/■ STOPPED pass: interrupted \(Ctrl-C\) at 0\.3s of virtual time during step 1/);
    expect(text).toMatch(/Summary of 1 scenario \(interrupted with Ctrl-C: the runs so far\)/);
    expect(text).toMatch(/0\/1 scenarios passed/);
  });

  test('`esp32sim run --help | head -1` ends quietly (no EPIPE)', () => {
    const bin = path.join(__dirname, '..', '..', 'scenarios', 'cli', 'bin.js');
    const r = spawnSync('sh', ['-c', `node ${JSON.stringify(bin)} run --help | head -1`], { encoding: 'utf8' });
    expect(r.stdout).toBe('Usage: esp32sim run [options] <targets...>\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 30_000);
});

describe('conventions', () => {
  test('--version and -V print the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const t = io();
      expect(await main([flag], t.io)).toBe(0);
      expect(t.out).toEqual([version()]);
    }
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
  });

  test('help and hints say npx esp32sim, every command has examples', async () => {
    for (const c of ['run', 'replay', 'list', 'demo', 'init']) {
      const t = io();
      expect(await main([c, '--help'], t.io)).toBe(0);
      const text = t.out.join('\n');
      expect(text).toMatch(/Examples:\n {2}\$ npx esp32sim /);
    }
    const t = io();
    expect(await main(['--help'], t.io)).toBe(0);
    expect(t.out.join('\n')).toMatch(/ 43 {2}wall-clock limit/);
    const l = io();
    await main(['list'], l.io);
    expect(l.out.at(-1)).toMatch(/^\nRun one with: npx esp32sim run /);
  });

  test('colour as Node CLIs decide it: FORCE_COLOR, NO_COLOR, TERM=dumb, TTY', () => {
    expect(colorSupported({}, true)).toBe(true);
    expect(colorSupported({}, false)).toBe(false);
    expect(colorSupported({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorSupported({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colorSupported({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorSupported({ NO_COLOR: '' }, true)).toBe(true);
    expect(colorSupported({ FORCE_COLOR: '1', NO_COLOR: '1' }, true)).toBe(true);
    expect(colorSupported({ TERM: 'dumb' }, true)).toBe(false);
    expect(progressSupported({ TERM: 'dumb' }, true)).toBe(false);
    expect(progressSupported({}, false)).toBe(false);
    expect(progressSupported({ CI: 'true' }, true)).toBe(false);
    expect(progressSupported({}, true)).toBe(true);
    expect(commandName({})).toBe('npx esp32sim');
    expect(commandName({ ESP32SIM_CMD: 'esp32sim' })).toBe('esp32sim');
  });

  test('--color forces colour, --no-color removes it', async () => {
    const a = io();
    await main(['run', pass, '--color'], a.io);
    expect(a.out.join('\n')).toContain('\x1b[');
    const b = io();
    b.io.color = true;
    await main(['run', pass, '--no-color'], b.io);
    expect(b.out.join('\n')).not.toContain('\x1b[');
  });

  test('one duration format: seconds below a minute, then h/m/s; wall time the same', () => {
    expect([0, 40, 500_000, 1_393_333, 30_000_000, 90_500_000, 600_000_000, 7_200_000_000].map(fmtUs)).toEqual(['0s', '0.00004s', '0.5s', '1.393333s', '30s', '1m30.5s', '10m', '2h']);
    expect(fmtMs(3318.4)).toBe('3.318s');
  });

  test('"the step passed" for one step, "all N steps passed" for more', async () => {
    const t = io();
    await main(['run', pass], t.io);
    expect(t.out.join('\n')).toMatch(/✔ PASS pass: the step passed/);
  });
});
