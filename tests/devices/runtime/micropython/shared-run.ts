/**
 * Child of shared.test.ts, run by a Node started with --experimental-wasm-stack-switching: the same
 * scenarios with a thread per VM and with VMs sharing threads; prints one JSON line of what it saw.
 */
import { createHash } from 'node:crypto';
import { Simulation } from '../../../../devices/simulation/simulation';
import { classroom } from '../../../bench/scale';
import { canShareVmThreads } from '../../../../devices/runtime/micropython/vm';

const py = (source: string) => ({ filename: 'main.py', language: 'micropython' as const, source });
const TICK = 'import time\nn = 0\nwhile True:\n    print("tick", n)\n    n += 1\n    time.sleep(1)\n';

async function classroomTrace(): Promise<string> {
  const { s } = classroom('micropython', 5, { seed: 7 });
  s.sim.trace.keep = true;
  await s.run({ forUs: 6_000_000 });
  const text = s.sim.trace.text();
  await s.close();
  return createHash('sha256').update(text).digest('hex');
}

/** A VM that crashes (its recursion runs out of wasm stack) and one that ticks, in one thread. */
async function crashBesideTicker(): Promise<string[]> {
  const s = new Simulation({ seed: 1 });
  const deep = 'd = []\nfor i in range(60000):\n    d = [d]\nd2 = []\nfor i in range(60000):\n    d2 = [d2]\nprint(d == d2)\n';
  const a = s.addDevice({ id: 'a', board: 'pc', script: py(deep) });
  const b = s.addDevice({ id: 'b', board: 'esp32', script: py(TICK) });
  await s.run({ forUs: 3_000_000 });
  const out = [a, b].map((d) => `${d.id} ${d.scriptState()} ${d.failure() ?? ''} ${d.console.lines.length ? d.console.lines[d.console.lines.length - 1].text : ''}`);
  await s.close();
  return out;
}

/** A runaway VM beside a ticking one: the watchdog ends their thread, the ticker is told why. */
async function runawayBesideTicker(): Promise<string[]> {
  const s = new Simulation({ seed: 1, watchdogMs: 300 });
  const b = s.addDevice({ id: 'b', board: 'esp32', script: py(TICK) });
  const a = s.addDevice({ id: 'a', board: 'esp32', script: py('import time\ntime.sleep(1.5)\nwhile True:\n    pass\n') });
  await s.run({ forUs: 4_000_000 });
  const out = [a, b].map((d) => `${d.id} ${d.scriptState()} ${d.failure() ?? ""}`);
  await s.close();
  return out;
}

(async () => {
  process.env.ESP32SIM_VM_POOL = '0'; // every VM where the setting puts it (a pooled VM keeps the thread it was booted in)
  const r: Record<string, unknown> = { jspi: canShareVmThreads() };
  process.env.ESP32SIM_VMS_PER_THREAD = '1';
  r.own = await classroomTrace();
  process.env.ESP32SIM_VMS_PER_THREAD = '3';
  r.shared = await classroomTrace();
  process.env.ESP32SIM_VMS_PER_THREAD = '2';
  r.crash = await crashBesideTicker();
  r.runaway = await runawayBesideTicker();
  console.log(`RESULT ${JSON.stringify(r)}`);
  process.exit(0);
})();
