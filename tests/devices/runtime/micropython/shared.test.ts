/**
 * VMs sharing a worker thread (vm.ts ESP32SIM_VMS_PER_THREAD): their kernel calls suspend with JSPI,
 * which needs a Node started with --experimental-wasm-stack-switching, so the scenarios run in a
 * child process (shared-run.ts). Sharing changes no run; a VM that crashes leaves its neighbours
 * running; a runaway one is stopped with its thread, and its neighbours are told why.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

jest.setTimeout(120_000);

test('shared threads: the same trace as a thread per VM, a crash stays in its VM, a runaway takes its thread', () => {
  const child = path.join(__dirname, 'shared-run.ts');
  const args = ['--experimental-wasm-stack-switching', '-r', require.resolve('ts-node/register/transpile-only'), child];
  const run = () => spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 55_000 });
  let r = run();
  // V8 11.3's JSPI hazard (sharing.ts: a process whose VMs share threads now and then dies in a major
  // GC's stack scan; measured here ~1 run in 10 on a busy machine, on main before and after): one
  // more run, said aloud. Two in a row, or any other failure, fail the test.
  if (r.signal === 'SIGSEGV' || r.signal === 'SIGTRAP') {
    console.warn(`shared-run died by ${r.signal} (the V8 11.3 JSPI hazard, devices/runtime/micropython/sharing.ts): running it once more`);
    r = run();
  }
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`shared-run failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
  const got = JSON.parse(line.slice(7)) as { jspi: boolean; own: string; shared: string; crash: string[]; runaway: string[] };
  expect(got.jspi).toBe(true);
  expect(got.shared).toBe(got.own);
  expect(got.crash[0]).toMatch(/^a crashed VM error: the VM trapped/);
  expect(got.crash[1]).toBe('b running  tick 1');
  expect(got.runaway[0]).toMatch(/^a crashed Watchdog: /);
  expect(got.runaway[1]).toMatch(/^b crashed VM error: another VM of its worker thread ran away, and the thread was stopped with it/);
});
