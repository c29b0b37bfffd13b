/**
 * MicroPython VM benchmark: boot time (first VM incl. wasm compile, then each
 * of 20), blocking kernel calls per wall second from 1 and 4 VMs, RSS per VM.
 * Wall time is fine here: this is a benchmark, not simulated code.
 */
import { performance } from 'node:perf_hooks';
import { MicroPythonRuntime } from '../../devices/runtime/micropython/runtime';
import { WallClock } from '../../devices/runtime/wallclock';
import type { Syscall } from '../../devices/runtime/contract';

export interface VmBenchResult {
  firstBootMs: number;
  bootMs: number[];
  meanBootMs: number;
  callsPerS1: number;
  callsPerS4: number;
  rssPerVmMB: number;
}

const CALLS = 20_000;
const LOOP = `import time\ntime.sleep(0)\nfor i in range(${CALLS}):\n    time.ticks_us()\n`;

function vm(source: string): MicroPythonRuntime {
  return new MicroPythonRuntime({ filename: 'bench.py', source, personality: 'esp32', seed: 1, clock: new WallClock(10_000, 3_600_000), memoryCapBytes: 1 << 30 });
}

/** Answers every call at once (no simulator): measures the round trip itself. */
function drive(rt: MicroPythonRuntime, first: Syscall): number {
  let calls = 0;
  let c = first;
  while (c.op !== 'exit') {
    calls++;
    c = rt.resume({ ok: true, value: c.op === 'time.ticks_us' ? calls : null });
  }
  return calls;
}

export async function benchVm(): Promise<VmBenchResult> {
  const boot = (src: string): [MicroPythonRuntime, Syscall, number] => {
    const t0 = performance.now();
    const rt = vm(src);
    const first = rt.start();
    return [rt, first, performance.now() - t0];
  };
  const [r0, , firstBootMs] = boot('import time\ntime.sleep(0)\n');
  r0.kill();

  const rssBefore = process.memoryUsage().rss;
  const vms: MicroPythonRuntime[] = [];
  const bootMs: number[] = [];
  for (let i = 0; i < 20; i++) {
    const [rt, , ms] = boot('import time\ntime.sleep(0)\ntime.sleep(0)\n');
    vms.push(rt);
    bootMs.push(ms);
  }
  const rssPerVmMB = (process.memoryUsage().rss - rssBefore) / 20 / 1e6;
  for (const rt of vms) rt.kill();

  // 1 VM
  const [a, af] = boot(LOOP);
  let t0 = performance.now();
  const n1 = drive(a, af);
  const callsPerS1 = n1 / ((performance.now() - t0) / 1000);
  a.kill();

  // 4 VMs, interleaved one call at a time (the kernel runs one script at a time)
  const four = [0, 1, 2, 3].map(() => boot(LOOP));
  const cur = four.map((f) => f[1]);
  let n4 = 0;
  t0 = performance.now();
  for (let live = 4; live > 0; ) {
    live = 0;
    for (let i = 0; i < 4; i++) {
      if (cur[i].op === 'exit') continue;
      live++;
      n4++;
      cur[i] = four[i][0].resume({ ok: true, value: cur[i].op === 'time.ticks_us' ? n4 : null });
    }
  }
  const callsPerS4 = n4 / ((performance.now() - t0) / 1000);
  for (const f of four) f[0].kill();
  await new Promise((r) => setTimeout(r, 50));
  return { firstBootMs, bootMs, meanBootMs: bootMs.reduce((s, x) => s + x, 0) / bootMs.length, callsPerS1, callsPerS4, rssPerVmMB };
}

if (require.main === module) {
  void benchVm().then((r) => {
    console.log(`vm: first boot ${r.firstBootMs.toFixed(1)} ms (incl. wasm compile); 20 boots mean ${r.meanBootMs.toFixed(1)} ms [${r.bootMs.map((x) => x.toFixed(0)).join(' ')}]`);
    console.log(`vm: blocking calls ${(r.callsPerS1 / 1000).toFixed(1)} k/s (1 VM), ${(r.callsPerS4 / 1000).toFixed(1)} k/s (4 VMs); RSS ${r.rssPerVmMB.toFixed(1)} MB per VM`);
    process.exit(0);
  });
}
