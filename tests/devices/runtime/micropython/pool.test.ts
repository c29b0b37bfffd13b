import { MicroPythonRuntime, vmBoot } from '../../../../devices/runtime/micropython/runtime';
import { idleVms as idleVmWorkers, prewarmVms } from '../../../../devices/runtime/micropython/pool';
import { runPy } from './helpers';

// Prints, draws random numbers, sleeps (virtual time), reads errno and crashes: output and trace cover boot, CFG and the script.
const SCRIPT = [
  'import random, time, errno, sys',
  'print(sys.platform, random.getrandbits(30), random.randint(1, 1000))',
  'time.sleep_ms(250)',
  'print(time.ticks_ms(), errno.ETIMEDOUT)',
  'raise ValueError("done")',
  '',
].join('\n');

const ENV = 'ESP32SIM_VM_POOL';

/** Waits (polling, bounded) until the pool holds `n` booted idle workers. */
async function poolBooted(n: number): Promise<void> {
  for (let i = 0; i < 500 && idleVmWorkers().booted < n; i++) await new Promise((r) => setTimeout(r, 10));
}

describe('MicroPython worker pool', () => {
  afterAll(() => {
    delete process.env[ENV];
  });

  test('pool disabled by ESP32SIM_VM_POOL=0: runtime boots a fresh worker and none is kept idle', async () => {
    process.env[ENV] = '0';
    const r = await runPy(SCRIPT, { seed: 3 });
    expect((r.runtime as MicroPythonRuntime).pooled).toBe(false);
    expect(r.out()).toContain('ValueError: done');
    expect(idleVmWorkers().idle).toBe(0);
  });

  test('same script on a fresh and on a pooled (already booted) VM gives identical console output and trace', async () => {
    process.env[ENV] = '0';
    const fresh = await runPy(SCRIPT, { seed: 3 });
    expect((fresh.runtime as MicroPythonRuntime).pooled).toBe(false);
    delete process.env[ENV];
    prewarmVms([vmBoot('esp32'), vmBoot('pc')]);
    await poolBooted(4);
    expect(idleVmWorkers()).toEqual({ idle: 4, booted: 4 });
    const pooled = await runPy(SCRIPT, { seed: 3 });
    expect((pooled.runtime as MicroPythonRuntime).pooled).toBe(true);
    expect(pooled.out()).toBe(fresh.out());
    expect(pooled.board.sim.trace.text()).toBe(fresh.board.sim.trace.text());
    expect(fresh.out()).toMatch(/^\w+ \d+ \d+\n250 116\nTraceback/);
    // The configuration is per claim: a pooled VM given another seed and personality runs with those.
    const other = await runPy(SCRIPT, { seed: 4, kind: 'pc' });
    expect((other.runtime as MicroPythonRuntime).pooled).toBe(true);
    const [line1, line2] = other.out().split('\n');
    expect(line1).not.toBe(fresh.out().split('\n')[0]);
    expect(line2).toBe('250 110'); // Linux errno numbers on the PC personality
  });

  test('a VM that ended gives its thread back: the next VM boots in it', async () => {
    const before = idleVmWorkers().idle;
    await runPy('print("one")\n');
    await poolBooted(before + 1);
    expect(idleVmWorkers().idle).toBeGreaterThanOrEqual(Math.min(before + 1, 2));
  });
});
