import { runScenario, type TimelineEvent } from '../../scenarios/runner/runner';
import { formatError, parseScenario } from '../../scenarios/schema/index';
import { compareTraces, parseTrace, traceText } from '../../scenarios/runner/tracefile';
import { fakeFactory, type Behaviour } from './fake';

const read = () => 'pass\n';
function scenario(yaml: string) {
  const r = parseScenario(yaml, 'lab/scenario.yaml', { dir: '/lab', readScript: read });
  if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
  return r.scenario;
}

const DEVICES = `name: fake lab
timeout: 10s
devices:
  esp32: { board: esp32, script: s.py }
  pc: { board: pc, script: c.py, start: 1s }
`;

/** The ESP32 prints a banner, echoes each stdin line of the PC, and blinks GPIO 2 once. */
const echoBehaviours: Record<string, Behaviour> = {
  esp32: (d, sim) => {
    d.print('tcp waiting...');
    sim.schedule(100_000, () => d.print('accepting.....'));
    sim.schedule(2_000_000, () => d.setPin(2, 1));
    sim.schedule(2_500_000, () => d.setPin(2, 0));
  },
  pc: (d, sim) => {
    d.onStdin = (line) => sim.schedule(5000, () => esp(d).print(`b'${line}'`));
  },
};
let fake: ReturnType<typeof fakeFactory>;
const esp = (_d: unknown) => fake.made[0].device('esp32');

async function run(yaml: string, behaviours: Record<string, Behaviour> = echoBehaviours, extra = {}) {
  fake = fakeFactory(behaviours);
  const events: TimelineEvent[] = [];
  const r = await runScenario(scenario(yaml), { createSimulation: fake.create, onEvent: (e) => events.push(e), recordTrace: true, ...extra });
  return { r, events };
}

describe('runner with a fake simulation', () => {
  test('steps all pass in order then the run ends at the last step with exit 0', async () => {
    const { r, events } = await run(`${DEVICES}steps:
  - wait-serial: tcp waiting
  - wait-serial: { device: esp32, text: accepting, timeout: 1s }
  - delay: 1s
  - write-serial: { device: pc, text: "hello\\nworld\\n" }
  - wait-serial: "b'world'"
  - wait-pin: { device: esp32, pin: 2, value: 1, timeout: 2s }
  - expect-pin: { part-id: esp32, name: 2, value: 1 }
  - wait-pin: { device: esp32, pin: 2, value: 0 }
  - expect-serial: { device: esp32, text: "" }
`);
    expect(r.steps.map((s) => s.status)).toEqual(Array(9).fill('passed'));
    expect(r.exitCode).toBe(0);
    expect(r.endUs).toBe(2_500_000);
    expect(fake.made[0].device('pc').stdin).toEqual(['hello', 'world']);
    expect(fake.made[0].closed).toBe(true);
    const kinds = events.map((e) => (e.type === 'console' ? e.text : e.type === 'step' ? `step${e.index}` : e.type));
    expect(kinds.slice(0, 4)).toEqual(['tcp waiting...', 'step0', 'accepting.....', 'step1']);
    expect(events.filter((e) => e.type === 'console').map((e) => e.t)).toEqual([0, 100_000, 1_105_000, 1_105_000]);
  });

  test('waiting twice for the same text waits for its second appearance', async () => {
    const b: Record<string, Behaviour> = {
      esp32: (d, sim) => {
        d.print('accepting.....');
        sim.schedule(3_000_000, () => d.print('accepting.....'));
      },
    };
    const { r } = await run(`${DEVICES}steps:\n  - wait-serial: accepting\n  - wait-serial: accepting\n`, b);
    expect(r.exitCode).toBe(0);
    expect(r.endUs).toBe(3_000_000);
  });

  test('a step timeout fails that step, names it and skips the rest with exit 1', async () => {
    const { r } = await run(`${DEVICES}steps:
  - wait-serial: tcp waiting
  - wait-serial: { text: never printed, timeout: 500ms }
  - delay: 1s
`);
    expect(r.exitCode).toBe(1);
    expect(r.steps.map((s) => s.status)).toEqual(['passed', 'failed', 'skipped']);
    expect(r.steps[1].message).toBe('esp32 did not print "never printed" within 0.5s; the last line it printed: "accepting....."');
    expect(r.reason).toMatch(/^step 2 failed \(line 8\): wait-serial esp32 "never printed"/);
    expect(r.endUs).toBe(500_000);
  });

  test('the scenario timeout during a step exits 42', async () => {
    const { r } = await run(`${DEVICES}steps:\n  - wait-serial: never\n`);
    expect(r.exitCode).toBe(42);
    expect(r.endUs).toBe(10_000_000);
    expect(r.reason).toMatch(/^timeout: 10s/);
  });

  test('a wrong pin expectation fails with the actual level', async () => {
    const { r } = await run(`${DEVICES}steps:\n  - expect-pin: { device: esp32, pin: 2, value: 1 }\n`);
    expect(r.exitCode).toBe(1);
    expect(r.steps[0].message).toBe('pin 2 of esp32 is 0, expected 1');
  });

  test('an unexpected crash aborts the waiting step with exit 1 and keeps the traceback', async () => {
    const tb = 'Traceback (most recent call last):\n  File "main.py", line 3, in <module>\nZeroDivisionError: divide by zero';
    const b: Record<string, Behaviour> = { esp32: (d, sim) => sim.schedule(200_000, () => d.exit(1, tb)) };
    const { r, events } = await run(`${DEVICES}steps:\n  - wait-serial: never\n`, b);
    expect(r.exitCode).toBe(1);
    expect(r.crash).toEqual({ device: 'esp32', failure: tb, t: 200_000 });
    expect(r.steps[0].message).toBe('the script on esp32 crashed: ZeroDivisionError: divide by zero');
    expect(r.reason).toBe('the script on esp32 crashed at 0.2s during step 1 (wait-serial esp32 "never"): ZeroDivisionError: divide by zero');
    expect(events.find((e) => e.type === 'exit')).toMatchObject({ device: 'esp32', state: 'crashed', t: 200_000 });
  });

  test('stop interrupts the device, then expect-exit checks its code', async () => {
    const { r } = await run(`${DEVICES}steps:
  - delay: 2s
  - stop: pc
  - expect-exit: { device: pc, code: 130 }
  - expect-exit: { device: esp32, code: 0, timeout: 1s }
`);
    expect(r.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'failed']);
    expect(r.steps[3].message).toBe('esp32 did not exit within 1s');
    expect(r.trace.some((l) => l.includes('"layer":"input","kind":"interrupt"'))).toBe(true);
  });

  test('link, set-pin and reset reach the device and are traced as inputs', async () => {
    const { r } = await run(`${DEVICES}steps:
  - link: { device: pc, loss: 30%, latency: 5ms }
  - link: { device: pc, down: true }
  - set-pin: { device: esp32, pin: 0, value: 1 }
  - reset: esp32
`);
    expect(r.exitCode).toBe(0);
    const f = fake.made[0];
    expect(f.device('pc').links).toEqual([{ loss: 0.3, latencyUs: 5000 }, { loss: 0.3, latencyUs: 5000, down: true }]);
    expect(f.device('esp32').pin(0)).toBe(1);
    expect(f.device('esp32').resets).toBe(1);
    expect(r.trace.filter((l) => l.includes('"layer":"input"')).length).toBe(4);
  });

  test('without steps the run ends when every script exited', async () => {
    const b: Record<string, Behaviour> = {
      esp32: (d, sim) => sim.schedule(3_000_000, () => d.exit(0)),
      pc: (d, sim) => sim.schedule(1_000_000, () => d.exit(0)),
    };
    const { r } = await run(DEVICES, b);
    expect(r.exitCode).toBe(0);
    expect(r.endUs).toBe(3_000_000);
  });

  test('without steps a script still running at the timeout passes', async () => {
    const { r } = await run(DEVICES);
    expect(r.exitCode).toBe(0);
    expect(r.endUs).toBe(10_000_000);
    expect(r.reason).toMatch(/with esp32, pc still running \(no steps to check/);
  });

  test('same scenario twice gives identical traces; an edit is found at its index', async () => {
    const yaml = `${DEVICES}steps:\n  - wait-serial: accepting\n  - write-serial: { device: pc, text: hi }\n  - wait-serial: "b'hi'"\n`;
    const a = (await run(yaml)).r;
    const b = (await run(yaml)).r;
    expect(compareTraces(a.trace, b.trace)).toEqual({ identical: true, count: a.trace.length });
    const text = traceText(a);
    const parsed = parseTrace(text);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.header).toMatchObject({ seed: 1, name: 'fake lab', scenario: yaml });
    const edited = [...parsed.records];
    edited[3] = edited[3].replace('"t":', '"t":1');
    const d = compareTraces(edited, b.trace);
    expect(d).toMatchObject({ identical: false, index: 3, context: edited.slice(0, 3) });
  });

  test('a simulation that rejects a device gives exit 2', async () => {
    fake = fakeFactory({});
    const s = scenario(DEVICES);
    s.devices.push({ ...s.devices[0] });
    const r = await runScenario(s, { createSimulation: fake.create });
    expect(r.exitCode).toBe(2);
    expect(r.reason).toMatch(/duplicate device esp32/);
  });
});
