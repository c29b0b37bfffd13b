/**
 * The wall-clock safety nets: a generous per-call watchdog and a whole-run
 * wall limit. They end runs that stop making progress, naming the device, and
 * never fail a script that merely computes for a while. Small limits here.
 */
import * as path from 'node:path';
import { Simulation } from '../../../devices/simulation/simulation';
import type { DeviceHandle } from '../../../devices/simulation/api';

const py = (source: string) => ({ filename: 'main.py', language: 'micropython' as const, source });
const ended = (...hs: DeviceHandle[]) => () => hs.every((h) => h.scriptState() !== 'running' && h.scriptState() !== 'not-started');

describe('wall-clock safety nets', () => {
  let s: Simulation | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  test('a script computing for a while between kernel calls passes (the watchdog is a safety net)', async () => {
    s = new Simulation({ seed: 1, watchdogMs: 4000 });
    // ~0.5 s of wall time of pure computation between two prints: far under the watchdog.
    const esp = s.addDevice({ id: 'esp32', board: 'esp32', wifi: 'none', script: py('print("start")\nx = 0\nfor i in range(300000):\n    x += i * i % 7\nprint("done", x)\n') });
    await s.run({ stopWhen: ended(esp), forUs: 10_000_000 });
    expect(esp.failure()).toBeUndefined();
    expect(esp.console.lines.map((l) => l.text)).toEqual(['start', `done ${expectedSum(300000)}`]);
  }, 30_000);

  test('a runaway MicroPython loop trips the watchdog; the other board keeps running', async () => {
    s = new Simulation({ seed: 1, watchdogMs: 300 });
    const bad = s.addDevice({ id: 'bad', board: 'esp32', wifi: 'none', script: py('print("spinning")\nwhile True:\n    pass\n') });
    const good = s.addDevice({ id: 'good', board: 'esp32', wifi: 'none', script: py('import time\nfor i in range(3):\n    time.sleep(1)\n    print("tick", i)\n') });
    const outcome = await s.run({ stopWhen: ended(bad, good), forUs: 10_000_000 });
    expect(outcome).toBe('condition');
    expect(bad.failure()).toMatch(/^Watchdog: script ran 0\.3 s of wall time without a kernel call/m);
    expect(good.console.lines.map((l) => l.text)).toEqual(['tick 0', 'tick 1', 'tick 2']);
  }, 30_000);

  test('a loop of cheap kernel calls that never lets virtual time run out ends at the wall limit, naming its device', async () => {
    s = new Simulation({ seed: 1, wallTimeoutMs: 1500 });
    const esp = s.addDevice({ id: 'frozen', board: 'esp32', wifi: 'none', script: py('import time\nwhile True:\n    for i in range(2000):\n        pass\n    time.ticks_ms()\n') });
    const outcome = await s.run({ forUs: 3600_000_000 });
    expect(outcome).toBe('wall-timeout');
    expect(s.wallTimeout()?.device).toBe('frozen');
    expect(s.wallTimeout()!.wallMs).toBeGreaterThanOrEqual(1500);
    expect(esp.scriptState()).not.toBe('exited');
  }, 30_000);

  test('a TypeScript device script that never yields is stopped by the watchdog; the rest runs on', async () => {
    s = new Simulation({ seed: 1, watchdogMs: 300 });
    const ts = s.addDevice({
      id: 'ts',
      board: 'pc',
      script: { filename: 'spin.ts', language: 'typescript', source: '', modulePath: path.join(__dirname, 'fixtures', 'spin.ts') },
    });
    const esp = s.addDevice({ id: 'esp32', board: 'esp32', wifi: 'none', script: py('import time\ntime.sleep(2)\nprint("still here")\n') });
    await s.run({ stopWhen: ended(ts, esp), forUs: 20_000_000 });
    expect(ts.console.lines.map((l) => l.text)).toEqual(['spinning', 'Watchdog: script ran 0.3 s of wall time without a kernel call (runaway loop?)']);
    expect(ts.scriptState()).toBe('crashed');
    expect(esp.console.lines.map((l) => l.text)).toEqual(['still here']);
  }, 30_000);
});

function expectedSum(n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x += (i * i) % 7;
  return x;
}
