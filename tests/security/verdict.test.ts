/**
 * Verdicts stay the host's: in a scenario with steps run on the real Simulation, with an attacker
 * next to an honest device, and in what the CLI shows a user (a script's text reaches the terminal
 * only as printable characters, so a fake status line cannot paint over the real one).
 */
import * as path from 'node:path';
import { Simulation } from '../../devices/simulation/simulation';
import { runScenario, type RunResult, type TimelineEvent } from '../../scenarios/runner/runner';
import { formatError, parseScenario } from '../../scenarios/schema/index';
import { printSummary } from '../../scenarios/cli/summary';
import { Timeline } from '../../scenarios/cli/timeline';
import type { Io } from '../../scenarios/cli/io';
import { createColors } from 'picocolors';

const HONEST_PC = ['import time', 'for i in range(5):', '    print("pc tick", i)', '    time.sleep(0.2)', 'print("pc done")', ''].join('\n');

/** The attacker: fake status lines, a forged FINAL, an exit patched to 0, then a reach for JavaScript. */
const ATTACKER = [
  'import _kern, array, sys',
  'print("ready")',
  'print("\\u2714 all steps passed (exit 0)")',
  'h = array.array("i", [0] * 16)',
  'h[0] = 0x7F02',
  'try:',
  '    _kern._rd(h)',
  'except OSError:',
  '    print("FINAL refused")',
  'real = _kern.call',
  '_kern.call = lambda op, *a: real("exit", 0, "") if op == "exit" else real(op, *a)',
  'del sys.modules["js"]',
  'import js',
  'js.process.exit(0)',
  '',
].join('\n');

function scenario(yaml: string, scripts: Record<string, string>) {
  const r = parseScenario(yaml, '/lab/scenario.yaml', { dir: '/lab', readScript: (abs) => scripts[path.basename(abs)] });
  if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
  return r.scenario;
}

const LAB = `name: attacker and honest pc
timeout: 20s
devices:
  esp32: { board: esp32, script: attack.py, wifi: none }
  pc: { board: pc, script: honest.py }
`;

describe('a scenario with steps, an attacker and an honest device', () => {
  test('the attacker cannot make the run pass: its crash (a sandbox violation) is the verdict, whatever it printed', async () => {
    const s = scenario(`${LAB}steps:\n  - wait-serial: { device: esp32, text: ready }\n  - wait-serial: { device: pc, text: pc done, timeout: 5s }\n`, { 'attack.py': ATTACKER, 'honest.py': HONEST_PC });
    const r = await runScenario(s);
    expect(r.exitCode).toBe(1);
    expect(r.reason).toMatch(/^the script on esp32 crashed at [\d.]+s during step 2 \(wait-serial pc "pc done"\): sandbox violation: the script reached for JavaScript \(lookup_attr\)$/);
    const esp = r.devices.find((d) => d.id === 'esp32')!;
    expect([esp.state, esp.code]).toEqual(['crashed', 1]);
    expect(esp.console.map((l) => l.text)).toContain('FINAL refused');
  });

  test("excused with expect-exit 1, the attacker's crash leaves the honest device's steps and the verdict alone", async () => {
    const s = scenario(`${LAB}steps:\n  - expect-exit: { device: esp32, code: 1 }\n  - wait-serial: { device: pc, text: pc tick 4, timeout: 5s }\n  - wait-serial: { device: pc, text: pc done, timeout: 1s }\n`, {
      'attack.py': ATTACKER,
      'honest.py': HONEST_PC,
    });
    const r = await runScenario(s);
    expect({ exit: r.exitCode, reason: r.reason }).toEqual({ exit: 0, reason: 'all 3 steps passed' });
    expect(r.devices.find((d) => d.id === 'pc')!.console.map((l) => l.text)).toEqual(['pc tick 0', 'pc tick 1', 'pc tick 2', 'pc tick 3', 'pc tick 4', 'pc done']);
  });

  test('expect-exit 0 on the attacker fails: the forged exit 0 was never recorded', async () => {
    const s = scenario(`${LAB}steps:\n  - expect-exit: { device: esp32, code: 0 }\n`, { 'attack.py': ATTACKER, 'honest.py': HONEST_PC });
    const r = await runScenario(s);
    expect(r.exitCode).toBe(1);
    expect(r.steps[0].status).toBe('failed');
  });
});

describe('one VM dies, the others and the host run on', () => {
  test('an ESP32 that scribbles over its own VM memory crashes alone; a second ESP32 and a PC finish their work', async () => {
    const lab = new Simulation({ seed: 1 });
    const script = (source: string) => ({ filename: 'main.py', language: 'micropython' as const, source });
    const worker = ['import time', 's = 0', 'for i in range(50):', '    s += i', '    time.sleep_ms(10)', 'print("sum", s)', ''].join('\n');
    const bad = lab.addDevice({ id: 'bad', board: 'esp32', wifi: 'none', script: script('import uctypes, time\ntime.sleep_ms(100)\nm = uctypes.bytearray_at(1024, 65536)\nfor i in range(0, 65536, 4):\n    m[i] = 0xFF\ntime.sleep_ms(1)\nprint("ran on")\n') });
    const good = lab.addDevice({ id: 'good', board: 'esp32', wifi: 'none', script: script(worker) });
    const pc = lab.addDevice({ id: 'pc', board: 'pc', script: script(worker) });
    const done = () => [bad, good, pc].every((d) => d.scriptState() !== 'running' && d.scriptState() !== 'not-started');
    await lab.run({ forUs: 5_000_000, stopWhen: done });
    try {
      expect(bad.scriptState()).toBe('crashed');
      expect(bad.failure()).toMatch(/^VM error: the VM (trapped|aborted)|^Watchdog/);
      for (const d of [good, pc]) {
        expect([d.scriptState(), d.exitCode()]).toEqual(['exited', 0]);
        expect(d.console.lines.map((l) => l.text)).toEqual(['sum 1225']);
      }
    } finally {
      await lab.close();
    }
  });
});

describe('what the CLI shows: a script cannot write escape sequences to the terminal', () => {
  const FAKE = '\x1b[1A\x1b[2K\r\x1b[32m\u2714 PASS all steps passed\x1b[0m\x1b]0;owned\x07';
  const SCRIPT = `import _kern\nmsg = "RuntimeError: x${FAKE.replace(/\x1b/g, '\\x1b').replace(/\x07/g, '\\x07').replace(/\r/g, '\\r')}"\nprint(msg)\n_kern.call("exit", 1, msg + "\\n")\n`;

  test('the crash line, the step message, the verdict and the summary carry no control characters', async () => {
    const s = scenario(`name: escapes\ntimeout: 5s\ndevices:\n  esp32: { board: esp32, script: main.py, wifi: none }\nsteps:\n  - expect-exit: { device: esp32, code: 0 }\n`, { 'main.py': SCRIPT });
    const events: TimelineEvent[] = [];
    const r: RunResult = await runScenario(s, { onEvent: (e) => events.push(e) });
    expect(r.exitCode).toBe(1);
    expect(r.devices[0].failure).toContain('\x1b[1A'); // the runner's data holds the script's text as it was
    const written: string[] = [];
    const t = new Timeline({ color: false, write: (l) => written.push(l) });
    t.devices(['esp32']);
    for (const e of events) t.event(e);
    t.summary(r, 100);
    const io = { out: (l: string) => written.push(l) } as unknown as Io;
    printSummary(io, createColors(false), false, [r], [], false);
    const text = written.join('\n');
    expect(text).toContain('PASS all steps passed'); // shown, as visible text
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(text).toMatch(/✘ FAIL escapes: /);
  });
});
