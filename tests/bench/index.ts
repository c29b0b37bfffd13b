/**
 * `npm run bench`: every benchmark of the project, one after another. Each
 * records its figures (tests/bench/figures.ts): they are printed next to their
 * goals after each benchmark and written, all of them, to reports/bench.json
 * (name, value, unit, goal, met). Benchmarks measure wall time; they are never
 * part of `npm test`.
 *   npm run bench            all of them
 *   npm run bench -- tcp vm  only the named ones (kernel, ping, handover, tcp, tcp-stack, vm, labs, long, scale)
 *   ESP32SIM_BENCH_JSON=out.json npm run bench   the figures elsewhere
 */
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchKernel } from './kernel';
import { benchPing } from './ping';
import { benchHandover, formatHandoverCase } from './handover';
import { benchTcpVsLoopback } from './tcp';
import { benchTcpStackVsLoopback, formatTcpStackBench, TCP_STACK_GOAL } from './tcp-stack';
import { benchVm, formatVmBench } from './vm';
import { benchLabs, FIRST_LINE_GOAL_MS, LAB_SPEED_GOAL } from './labs';
import { benchLong, formatLong } from './long';
import { benchScale, DEVICE_MS_GOAL, formatScalePoint, RSS_GOAL_MB } from './scale';
import { atLeast, atMost, Figures } from './figures';
import { REPO_ROOT } from '../paths';

type Bench = [name: string, run: (fig: Figures) => Promise<void>];

const MB64 = 64 * 1024 * 1024;

const benches: Bench[] = [
  [
    'kernel',
    async (fig) => {
      const r = benchKernel();
      console.log(`kernel: ${(r.eventsPerS / 1e6).toFixed(2)} M events per wall second`);
      fig.add('events per wall second', r.eventsPerS, 'events/s');
    },
  ],
  [
    'ping',
    async (fig) => {
      const r = await benchPing();
      console.log(`ping: ${Math.round(r.pingsPerS)} ICMP echo round trips per wall second (esp32 ⇄ pc over WiFi, ${r.received} answered)`);
      fig.add('ICMP echo round trips per wall second', r.pingsPerS, 'round trips/s');
    },
  ],
  [
    'handover',
    async (fig) => {
      const r = await benchHandover();
      console.log(`handover: one spin iteration (Atomics.load) ${r.spinNs.toFixed(1)} ns`);
      fig.add('spin iteration (Atomics.load)', r.spinNs, 'ns');
      for (const c of r.cases) {
        console.log(formatHandoverCase(c));
        fig.add(`hand-over between two threads, ${c.name}, median`, c.p50Us, 'µs');
        fig.add(`hand-over between two threads, ${c.name}, 90th percentile`, c.p90Us, 'µs');
      }
    },
  ],
  [
    'tcp',
    async (fig) => {
      const { sim, kernel, ratio } = await benchTcpVsLoopback(MB64);
      console.log(`tcp (TCP cores over an IP-level pipe): 64 MB at ${sim.mbPerS.toFixed(1)} MB/s wall, ${sim.usPerSegment.toFixed(2)} µs/segment`);
      console.log(`tcp: node:net over 127.0.0.1 ${kernel.mbPerS.toFixed(1)} MB/s → ratio ${ratio.toFixed(3)}`);
      fig.add('TCP cores, 64 MB', sim.mbPerS, 'MB/s');
      fig.add('TCP cores, wall per data segment', sim.usPerSegment, 'µs');
      fig.add('node:net over 127.0.0.1 (same run)', kernel.mbPerS, 'MB/s');
      fig.add('TCP cores / node:net', ratio, 'ratio');
    },
  ],
  [
    'tcp-stack',
    async (fig) => {
      const r = await benchTcpStackVsLoopback(MB64);
      console.log(formatTcpStackBench(64, r));
      fig.add('two full stacks, 64 MB', r.sim.mbPerS, 'MB/s');
      fig.add('two full stacks, wall per data segment', r.sim.usPerSegment, 'µs');
      fig.add('two full stacks, CPU per data segment', r.cpuUsPerSegment, 'µs');
      fig.add('node:net over 127.0.0.1 (same run)', r.kernel.mbPerS, 'MB/s');
      fig.add('two full stacks / node:net, wall', r.ratio, 'ratio', atLeast(TCP_STACK_GOAL));
      fig.add('two full stacks / node:net, CPU time', r.cpuRatio, 'ratio', atLeast(TCP_STACK_GOAL));
      fig.add('allocations per data segment', r.alloc.perSegment, 'allocations');
      fig.add('JS heap allocated per data segment', r.alloc.bytesPerSegment, 'B');
    },
  ],
  [
    'vm',
    async (fig) => {
      const r = await benchVm();
      console.log(formatVmBench(r));
      fig.add('blocking kernel calls per wall second, 1 VM', r.callsPerS1, 'calls/s', atLeast(150_000, 'tests/bench/vm.ts'));
      fig.add('CPU time per kernel call, 1 VM (all threads)', r.cpuUsPerCall1, 'µs');
      fig.add('kernel calls per wall second, 4 VMs, 100 calls a turn', r.callsPerS4x100, 'calls/s');
      fig.add('kernel calls per wall second, 4 VMs, 1 call a turn', r.callsPerS4x1, 'calls/s');
      fig.add('a ready VM from the warm pool, 40 in a row', r.readyVmMs, 'ms', atMost(15, 'tests/bench/vm.ts'));
      fig.add('CPU time per ready VM from the warm pool (all threads)', r.readyVmCpuMs, 'ms');
      fig.add('claim to first call', r.claimToFirstCallMs, 'ms');
      fig.add('first boot (compiles the wasm)', r.firstBootMs, 'ms');
      fig.add('RSS per idle VM', r.rssPerVmMB, 'MB');
    },
  ],
  [
    'labs',
    async (fig) => {
      const r = await benchLabs();
      fig.add('cold start after npm install: first timeline line', r.coldStart.firstLineMs, 'ms', atMost(FIRST_LINE_GOAL_MS));
      fig.add('cold start after npm install: exit', r.coldStart.totalMs, 'ms');
      fig.add('cold start without a code cache: first timeline line', r.coldStartNoCache.firstLineMs, 'ms');
      fig.add("Node's own start (node -e 0)", r.nodeStartMs, 'ms');
      if (r.withoutExtraCerts) {
        fig.add('cold start without NODE_EXTRA_CA_CERTS: first timeline line', r.withoutExtraCerts.coldStart.firstLineMs, 'ms', atMost(FIRST_LINE_GOAL_MS));
        fig.add("Node's own start without NODE_EXTRA_CA_CERTS", r.withoutExtraCerts.nodeStartMs, 'ms');
      }
      for (const l of r.labs) {
        fig.add(`lab ${l.lab}, warm process, first run (exit ${l.exitCode})`, l.firstRatio, '× real time');
        fig.add(`lab ${l.lab}, warm process, median of later runs`, l.ratio, '× real time');
        if (l.steady) fig.add(`lab ${l.lab}, warm process, steady state (after ${l.steady.afterRuns} runs)`, l.steady.ratio, '× real time', atLeast(LAB_SPEED_GOAL));
        fig.add(`lab ${l.lab}, warm process, CPU per later run`, l.cpuMsPerRun, 'ms');
        if (l.mainCpuMsPerRun !== undefined) fig.add(`lab ${l.lab}, warm process, main-thread CPU per later run`, l.mainCpuMsPerRun, 'ms');
        if (l.vmCpuMsPerRun !== undefined) fig.add(`lab ${l.lab}, warm process, VM threads' CPU per later run`, l.vmCpuMsPerRun, 'ms');
        if (l.helperCpuMsPerRun !== undefined) fig.add(`lab ${l.lab}, warm process, Node's and V8's helper threads' CPU per later run`, l.helperCpuMsPerRun, 'ms');
      }
    },
  ],
  [
    'long',
    async (fig) => {
      const runs = await benchLong();
      console.log(formatLong(runs));
      for (const r of runs) {
        fig.add(`${r.name}, ${r.hours} h every 10 ms`, r.speed, '× real time');
        fig.add(`${r.name}: VM memory growth`, r.vmEndKB - r.vmStartKB, 'KiB', atMost(0, 'tests/bench/long.ts'));
        fig.add(`${r.name}: peak RSS`, r.peakRssMB, 'MB');
      }
    },
  ],
  [
    'scale',
    async (fig) => {
      await benchScale(undefined, (p) => {
        console.log(formatScalePoint(p));
        const what = `${p.kind} ×${p.n}`;
        fig.add(`${what}: boards joined`, p.joined, 'boards', atLeast(p.n, 'tests/bench/scale.ts'));
        fig.add(`${what}: join (DHCP, boot)`, p.joinWallS, 's wall');
        fig.add(`${what}: first window after the join, wall per device per virtual second`, p.firstWallMsPerDeviceS, 'ms');
        fig.add(`${what}: steady`, p.speed, '× real time');
        fig.add(`${what}: wall per device per virtual second`, p.wallMsPerDeviceS, 'ms', p.kind === 'none' ? undefined : atMost(DEVICE_MS_GOAL));
        fig.add(`${what}: CPU per device per virtual second`, p.cpuMsPerDeviceS, 'ms');
        if (p.mainCpuMsPerDeviceS !== undefined) fig.add(`${what}: main thread CPU per device per virtual second`, p.mainCpuMsPerDeviceS, 'ms');
        if (p.otherCpuMsPerDeviceS !== undefined) fig.add(`${what}: other threads' CPU per device per virtual second`, p.otherCpuMsPerDeviceS, 'ms');
        if (p.kind === 'micropython') fig.add(`${what}: VMs per worker thread`, p.vmsPerThread, 'VMs');
        if (p.kind !== 'none') fig.add(`${what}: datagrams counted / expected`, p.expected ? p.counted / p.expected : 0, 'ratio');
        fig.add(`${what}: RSS`, p.rssMB, 'MB', p.kind === 'micropython' && p.n >= 500 ? atMost(RSS_GOAL_MB) : undefined);
        fig.add(`${what}: RSS per device`, p.rssPerDeviceMB, 'MB');
      });
    },
  ],
];

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

async function main() {
  const only = process.argv.slice(2);
  const unknown = only.filter((n) => !benches.some(([b]) => b === n));
  if (unknown.length) {
    console.error(`npm run bench: no benchmark named ${unknown.join(', ')}; there are: ${benches.map(([b]) => b).join(', ')} (none: all of them)`);
    process.exit(2);
  }
  const fig = new Figures();
  const file = process.env.ESP32SIM_BENCH_JSON ?? path.join(REPO_ROOT, 'reports', 'bench.json');
  const meta = () => ({ date: new Date().toISOString(), commit: gitCommit(), node: process.version, cpus: os.cpus().length, loadavg: os.loadavg(), benches: only.length ? only : benches.map(([b]) => b) });
  try {
    for (const [name, run] of benches) {
      if (only.length && !only.includes(name)) continue;
      console.log(`\n== ${name}`);
      fig.bench = name;
      await run(fig);
      console.log(fig.lines(name).map((l) => `  ${l}`).join('\n'));
    }
  } finally {
    fig.write(file, meta());
    console.log(`\n${fig.all.length} figures (${fig.all.filter((f) => f.met === false).length} goals not met) written to ${path.relative(process.cwd(), file) || file}`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
