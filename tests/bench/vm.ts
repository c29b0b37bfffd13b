/**
 * MicroPython VM benchmark (wall time is fine here: a benchmark, not simulated code):
 * - blocking kernel calls per wall second from a Python loop, the host answering at once:
 *   1 VM; 4 VMs taking turns one call each (a thread wake per call: the worst case) and
 *   100 calls each (goal: ≥ 150,000/s with one VM, no loss with four);
 * - a ready VM from the warm pool: scripts run back to back, each VM rewound in place for
 *   the next (or its thread recycled into a new one; goal ≤ 15 ms each), and the claim-to-first-call time;
 * - RSS per idle VM, the first boot (compiles the wasm).
 */
import { performance } from 'node:perf_hooks';
import { MicroPythonRuntime, vmBoot } from '../../devices/runtime/micropython/runtime';
import { idleVms, prewarmVms } from '../../devices/runtime/micropython/pool';
import { WallClock } from '../../devices/runtime/wallclock';
import type { Syscall } from '../../devices/runtime/contract';

export interface VmBenchResult {
  firstBootMs: number;
  callsPerS1: number;
  /** CPU time (every thread of the process: host, VM, V8's helpers) per call with 1 VM, µs. */
  cpuUsPerCall1: number;
  callsPerS4x1: number;
  callsPerS4x100: number;
  readyVmMs: number;
  /** CPU time per ready VM (boot in the pool, claim, run, recycling), ms. */
  readyVmCpuMs: number;
  claimToFirstCallMs: number;
  rssPerVmMB: number;
}

const CALLS = 100_000;
const loop = (n: number) => `import _kern\nc = _kern.call\nfor i in range(${n}):\n    c('time.ticks_us')\n`;

function vm(source: string): MicroPythonRuntime {
  return new MicroPythonRuntime({ filename: 'bench.py', source, personality: 'esp32', seed: 1, clock: new WallClock(30_000, 3_600_000) });
}

function drive(rt: MicroPythonRuntime, first: Syscall): number {
  let calls = 0;
  for (let c = first; c.op !== 'exit'; c = rt.resume({ ok: true, value: calls })) calls++;
  return calls;
}

async function settle(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function pooled(n: number): Promise<void> {
  for (let i = 0; i < 1000 && idleVms().booted < n; i++) await settle(5);
}

/** Calls per second with `vms` VMs taking turns of `turn` calls each. */
function turns(vms: number, turn: number, perVm: number): number {
  const rts = Array.from({ length: vms }, () => vm(loop(perVm)));
  const cur = rts.map((r) => r.start());
  let n = 0;
  const t0 = performance.now();
  for (let live = vms; live > 0; ) {
    live = 0;
    for (let i = 0; i < vms; i++) {
      for (let k = 0; k < turn && cur[i].op !== 'exit'; k++) {
        n++;
        cur[i] = rts[i].resume({ ok: true, value: n });
      }
      if (cur[i].op !== 'exit') live++;
    }
  }
  const perS = n / ((performance.now() - t0) / 1000);
  for (const r of rts) r.kill();
  return perS;
}

export async function benchVm(): Promise<VmBenchResult> {
  let t0 = performance.now();
  const r0 = vm('pass\n');
  drive(r0, r0.start());
  const firstBootMs = performance.now() - t0;
  r0.kill();

  const a = vm(loop(CALLS));
  const af = a.start();
  t0 = performance.now();
  let cpu0 = process.cpuUsage();
  const n1 = drive(a, af);
  const callsPerS1 = n1 / ((performance.now() - t0) / 1000);
  let cpu = process.cpuUsage(cpu0);
  const cpuUsPerCall1 = (cpu.user + cpu.system) / n1;
  a.kill();
  const callsPerS4x1 = turns(4, 1, 5_000);
  const callsPerS4x100 = turns(4, 100, 25_000);

  // Ready VMs from the warm pool: 40 scripts back to back, each VM's thread boots the next.
  prewarmVms([vmBoot('esp32')], 2);
  await pooled(2);
  const runs = 40;
  let claim = 0;
  t0 = performance.now();
  cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const c0 = performance.now();
    const rt = vm('pass\n');
    const first = rt.start();
    claim += performance.now() - c0;
    drive(rt, first);
    rt.kill();
    await pooled(1);
  }
  const readyVmMs = (performance.now() - t0) / runs;
  cpu = process.cpuUsage(cpu0);
  const readyVmCpuMs = (cpu.user + cpu.system) / 1000 / runs;
  const claimToFirstCallMs = claim / runs;

  await settle(200);
  const rssBefore = process.memoryUsage().rss;
  const idle = Array.from({ length: 20 }, () => vm('import time\ntime.sleep(0)\n'));
  for (const rt of idle) rt.start();
  const rssPerVmMB = (process.memoryUsage().rss - rssBefore) / 20 / 1e6;
  for (const rt of idle) rt.kill();
  return { firstBootMs, callsPerS1, cpuUsPerCall1, callsPerS4x1, callsPerS4x100, readyVmMs, readyVmCpuMs, claimToFirstCallMs, rssPerVmMB };
}

export function formatVmBench(r: VmBenchResult): string {
  const k = (x: number) => `${(x / 1000).toFixed(0)}k`;
  return [
    `vm: blocking kernel calls per wall second: ${k(r.callsPerS1)} with 1 VM (goal ≥ 150k; ${r.cpuUsPerCall1.toFixed(1)} µs CPU per call, both threads); 4 VMs taking turns: ${k(r.callsPerS4x100)} at 100 calls a turn, ${k(r.callsPerS4x1)} at 1 call a turn (a thread wake per call)`,
    `vm: a ready VM from the warm pool: ${r.readyVmMs.toFixed(1)} ms each, 40 in a row (goal ≤ 15 ms; ${r.readyVmCpuMs.toFixed(1)} ms CPU each); claim to first call ${r.claimToFirstCallMs.toFixed(1)} ms; first boot ${r.firstBootMs.toFixed(0)} ms (compiles the wasm)`,
    `vm: RSS ${r.rssPerVmMB.toFixed(1)} MB per idle VM (worker thread + sealed realm + wasm memory)`,
  ].join('\n');
}

if (require.main === module) {
  void benchVm().then((r) => {
    console.log(formatVmBench(r));
    process.exit(0);
  });
}
