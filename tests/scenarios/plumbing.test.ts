/**
 * The runner's inputs to the library API, on the fake simulation: watchdog and
 * wall-clock limits from the scenario and the command line, per-board heap,
 * the wall-timeout outcome as exit 43 naming the device, notices, fail texts,
 * Ctrl-C, and one trace record per input.
 */
import { main, type Io } from '../../scenarios/cli/main';
import { EXIT_CODES, runScenario } from '../../scenarios/runner/runner';
import { formatError, parseScenario } from '../../scenarios/schema/index';
import { fakeFactory, type Behaviour } from './fake';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const read = () => 'pass\n';
function scenario(yaml: string) {
  const r = parseScenario(yaml, 'lab/scenario.yaml', { dir: '/lab', readScript: read });
  if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
  return r.scenario;
}

const LAB = `name: plumbing
timeout: 10s
devices:
  esp32: { board: esp32, script: s.py, heap: 160K }
  pc: { board: pc, script: c.py }
steps:
  - wait-serial: ready
`;

const ready: Record<string, Behaviour> = { esp32: (d, sim) => sim.schedule(1000, () => d.print('ready')) };

describe('limits and sizes reach the simulation', () => {
  test('scenario watchdog and wall-timeout become SimulationOptions in ms; heap becomes DeviceSpec.heapBytes', async () => {
    const f = fakeFactory(ready);
    const r = await runScenario(scenario(`watchdog: 60s\nwall-timeout: 10m\n${LAB}`), { createSimulation: f.create });
    expect(r.exitCode).toBe(0);
    expect(f.made[0].options).toMatchObject({ watchdogMs: 60_000, wallTimeoutMs: 600_000 });
    expect(f.made[0].specs().find((d) => d.id === 'esp32')?.heapBytes).toBe(160 * 1024);
    expect(f.made[0].specs().find((d) => d.id === 'pc')?.heapBytes).toBeUndefined();
  });

  test('heap sizes: 96K, 2M, 1.5M, bytes', () => {
    for (const [text, bytes] of [['96K', 98_304], ['2M', 2_097_152], ['1.5M', 1_572_864], ['200000', 200_000]] as const) {
      const s = scenario(LAB.replace('heap: 160K', `heap: ${text}`));
      expect(s.devices[0].heapBytes).toBe(bytes);
    }
  });

  test('without settings nothing is passed (the library defaults apply)', async () => {
    const f = fakeFactory(ready);
    await runScenario(scenario(LAB), { createSimulation: f.create });
    expect(f.made[0].options.watchdogMs).toBeUndefined();
    expect(f.made[0].options.wallTimeoutMs).toBeUndefined();
  });

  test('--watchdog and --wall-timeout override the scenario', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'esp32sim-plumb-'));
    try {
      mkdirSync(path.join(dir, 'lab'));
      writeFileSync(path.join(dir, 'lab', 'scenario.yaml'), `watchdog: 60s\n${LAB}`);
      writeFileSync(path.join(dir, 'lab', 's.py'), 'pass\n');
      writeFileSync(path.join(dir, 'lab', 'c.py'), 'pass\n');
      const f = fakeFactory(ready);
      const io: Io = { out: () => {}, err: () => {}, color: false, createSimulation: f.create };
      expect(await main(['run', path.join(dir, 'lab'), '--watchdog', '2m', '--wall-timeout', '90s'], io)).toBe(0);
      expect(f.made[0].options).toMatchObject({ watchdogMs: 120_000, wallTimeoutMs: 90_000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the wall-clock limit', () => {
  test("run() resolving 'wall-timeout' ends the run with exit 43 and a message naming the device", async () => {
    const f = fakeFactory({
      esp32: (d, sim) => {
        sim.schedule(2_000_000, () => {
          f.made[0].wallHit = { device: 'esp32', wallMs: 600_000 };
        });
      },
    });
    const r = await runScenario(scenario(LAB.replace('ready', 'never')), { createSimulation: f.create });
    expect(r.exitCode).toBe(43);
    expect(r.reason).toMatch(/^wall-clock limit of 10m reached while esp32 was running: the run stopped making virtual progress/);
    expect(r.steps[0]).toMatchObject({ status: 'skipped', message: 'interrupted: the wall-clock limit was reached' });
  });

  test('the limit in the message is the configured one', async () => {
    const f = fakeFactory({ esp32: () => (f.made[0].wallHit = { device: 'esp32', wallMs: 5000 }) });
    const r = await runScenario(scenario(`wall-timeout: 5s\n${LAB}`), { createSimulation: f.create });
    expect(r.reason).toMatch(/^wall-clock limit of 5s reached while esp32 was running/);
  });

  test('exit 43 is documented with the other exit codes', () => {
    expect(EXIT_CODES.map((c) => c[0])).toEqual([0, 1, 2, 42, 43, 130]);
  });
});

describe('notices, fail texts and Ctrl-C', () => {
  test('a notice of the simulation reaches the timeline and the result', async () => {
    const f = fakeFactory({ esp32: (d, sim) => sim.schedule(1000, () => f.made[0].notify('pc', 'pc was refused by the access point "esp32-lab"')) });
    const events: string[] = [];
    const r = await runScenario(scenario(LAB.replace(/steps:[\s\S]*/, '')), {
      createSimulation: f.create,
      onEvent: (e) => e.type === 'notice' && events.push(`${e.device}: ${e.text}`),
    });
    expect(events).toEqual(['pc: pc was refused by the access point "esp32-lab"']);
    expect(r.notices).toEqual([{ t: 1000, device: 'pc', text: 'pc was refused by the access point "esp32-lab"' }]);
  });

  test('a fail text printed by any device fails the run at once', async () => {
    const f = fakeFactory({ pc: (d, sim) => sim.schedule(3_000_000, () => d.print('Traceback (most recent call last):')) });
    const r = await runScenario(scenario(LAB.replace('ready', 'never')), { createSimulation: f.create, failText: ['Traceback'] });
    expect(r.exitCode).toBe(1);
    expect(r.endUs).toBe(3_000_000);
    expect(r.reason).toBe('pc printed the fail text "Traceback" at 3s: "Traceback (most recent call last):"');
  });

  test('an aborted signal stops the run with exit 130 and says when', async () => {
    const ctl = new AbortController();
    const f = fakeFactory({ esp32: (d, sim) => sim.schedule(2_500_000, () => ctl.abort()) });
    const r = await runScenario(scenario(LAB.replace('ready', 'never')), { createSimulation: f.create, signal: ctl.signal });
    expect(r.exitCode).toBe(130);
    expect(r.reason).toMatch(/^interrupted \(Ctrl-C\) at 2\.5s of virtual time during step 1/);
  });

  test('a crash on another device interrupts the step instead of failing it', async () => {
    const f = fakeFactory({ pc: (d, sim) => sim.schedule(1000, () => d.exit(1, 'Traceback\nValueError: bad')) });
    const r = await runScenario(scenario(LAB.replace('ready', 'sensor ready')), { createSimulation: f.create });
    expect(r.exitCode).toBe(1);
    expect(r.steps[0]).toMatchObject({ status: 'skipped', message: 'interrupted: the script on pc crashed (ValueError: bad)' });
    expect(r.reason).toBe('the script on pc crashed at 0.001s during step 1 (wait-serial esp32 "sensor ready"): ValueError: bad');
  });

  test('wait-serial after a reset step only matches what is printed after it', async () => {
    const f = fakeFactory({ esp32: (d, sim) => d.print('booted') });
    const r = await runScenario(scenario(LAB.replace(/steps:[\s\S]*/, 'steps:\n  - wait-serial: booted\n  - reset: esp32\n  - wait-serial: { text: booted, timeout: 1s }\n')), { createSimulation: f.create });
    expect(r.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'failed']);
    expect(r.steps[2].message).toBe('esp32 did not print "booted" within 1s; it printed nothing since the previous check');
  });

  test('a failed wait-serial shows the closest line printed', async () => {
    const f = fakeFactory({ esp32: (d) => ['starting', 'sensor redy', 'loop'].forEach((l) => d.print(l)) });
    const r = await runScenario(scenario(LAB.replace('- wait-serial: ready', '- wait-serial: { text: sensor ready, timeout: 1s }')), { createSimulation: f.create });
    expect(r.steps[0].message).toBe('esp32 did not print "sensor ready" within 1s; the closest line it printed: "sensor redy"');
  });
});

describe('one record per input', () => {
  test('write-serial, set-pin, link, reset and stop each leave exactly one input record', async () => {
    const f = fakeFactory({});
    const r = await runScenario(
      scenario(LAB.replace(/steps:[\s\S]*/, 'steps:\n  - write-serial: { device: pc, text: "a\\nb\\n" }\n  - set-pin: { pin: 0, value: 1 }\n  - link: { device: pc, loss: 10% }\n  - reset: esp32\n  - stop: pc\n')),
      { createSimulation: f.create, recordTrace: true },
    );
    const inputs = r.trace.filter((l) => l.includes('"layer":"input"')).map((l) => JSON.parse(l).kind);
    expect(inputs).toEqual(['stdin', 'stdin', 'set-pin', 'link', 'reset', 'interrupt']);
  });
});
