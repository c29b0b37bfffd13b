/**
 * `npm run bench`: every benchmark of the project, one after another, with a
 * summary. Benchmarks measure wall time; they are never part of `npm test`.
 *   npm run bench            all of them
 *   npm run bench -- tcp vm  only the named ones (kernel, ping, tcp, tcp-stack, vm, labs, long)
 */
import { benchKernel } from './kernel';
import { benchPing } from './ping';
import { benchTcpVsLoopback } from './tcp';
import { benchTcpStackVsLoopback, formatTcpStackBench } from './tcp-stack';
import { benchVm, formatVmBench } from './vm';
import { benchLabs } from './labs';
import { benchLong, formatLong } from './long';

type Bench = [name: string, run: () => Promise<void>];

const MB64 = 64 * 1024 * 1024;

const benches: Bench[] = [
  [
    'kernel',
    async () => {
      const r = benchKernel();
      console.log(`kernel: ${(r.eventsPerS / 1e6).toFixed(2)} M events per wall second`);
    },
  ],
  [
    'ping',
    async () => {
      const r = await benchPing();
      console.log(`ping: ${Math.round(r.pingsPerS)} ICMP echo round trips per wall second (esp32 ⇄ pc over WiFi, ${r.received} answered)`);
    },
  ],
  [
    'tcp',
    async () => {
      const { sim, kernel, ratio } = await benchTcpVsLoopback(MB64);
      console.log(`tcp (TCP cores over an IP-level pipe): 64 MB at ${sim.mbPerS.toFixed(1)} MB/s wall, ${sim.usPerSegment.toFixed(2)} µs/segment`);
      console.log(`tcp: node:net over 127.0.0.1 ${kernel.mbPerS.toFixed(1)} MB/s → ratio ${ratio.toFixed(3)}`);
    },
  ],
  [
    'tcp-stack',
    async () => {
      console.log(formatTcpStackBench(64, await benchTcpStackVsLoopback(MB64)));
    },
  ],
  ['vm', async () => console.log(formatVmBench(await benchVm()))],
  ['labs', async () => void (await benchLabs())],
  ['long', async () => console.log(formatLong(await benchLong()))],
];

async function main() {
  const only = process.argv.slice(2);
  for (const [name, run] of benches) {
    if (only.length && !only.includes(name)) continue;
    console.log(`\n== ${name}`);
    await run();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
