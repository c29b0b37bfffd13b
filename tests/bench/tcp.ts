/**
 * TCP benchmark: `bytes` through two simulated TcpLayers over the test pipe
 * (no loss), wall MB/s and wall µs per data segment, next to the same bytes
 * through Node's `net` over 127.0.0.1. Wall time is fine here: this is a
 * benchmark, not simulated code. Run alone: npx ts-node --transpile-only tests/bench/tcp.ts [MB]
 */
import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { LINUX_TCP } from '../../stack/tcp/config';
import { makePair, startBulk } from '../stack/tcp/harness';

export interface TcpBenchResult {
  mbPerS: number;
  usPerSegment: number;
  segments: number;
}

export async function benchTcp(bytes: number): Promise<TcpBenchResult> {
  const p = makePair(LINUX_TCP, LINUX_TCP, { ab: { latencyUs: 50 }, ba: { latencyUs: 50 } });
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 4096) data[i] = i & 255;
  const t0 = performance.now();
  const { out, bytesReceived } = startBulk(p, data, { chunk: 65536 });
  p.sim.runSync({ stopWhen: () => out.serverFin });
  const dt = (performance.now() - t0) / 1000;
  if (bytesReceived() !== bytes) throw new Error(`received ${bytesReceived()} of ${bytes}`);
  const segments = p.a.counters.txSegments ?? 0;
  return { mbPerS: bytes / 1e6 / dt, usPerSegment: (dt * 1e6) / segments, segments };
}

/**
 * The same transfer through the kernel's loopback with Node's net module.
 * `cpuUs`: the process's user + system CPU time during it (the kernel's TCP
 * work is system time of this process).
 */
export function benchLoopback(bytes: number): Promise<{ mbPerS: number; cpuUs: number }> {
  return new Promise((resolve, reject) => {
    let got = 0;
    let t0 = 0;
    let c0 = process.cpuUsage();
    const server = net.createServer((sock) => {
      sock.on('data', (d) => {
        got += d.length;
        if (got >= bytes) {
          const dt = (performance.now() - t0) / 1000;
          const c = process.cpuUsage(c0);
          sock.destroy();
          server.close();
          resolve({ mbPerS: bytes / 1e6 / dt, cpuUs: c.user + c.system });
        }
      });
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      const chunk = Buffer.alloc(65536, 0x61);
      const client = net.connect(port, '127.0.0.1', () => {
        t0 = performance.now();
        c0 = process.cpuUsage();
        let sent = 0;
        const pump = () => {
          while (sent < bytes) {
            const n = Math.min(chunk.length, bytes - sent);
            sent += n;
            if (!client.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return client.once('drain', pump);
          }
          client.end();
        };
        pump();
      });
      client.on('error', reject);
    });
  });
}

export async function benchTcpVsLoopback(bytes = 64 * 1024 * 1024) {
  const sim = await benchTcp(bytes);
  const kernel = await benchLoopback(bytes);
  return { sim, kernel, ratio: sim.mbPerS / kernel.mbPerS };
}

if (require.main === module) {
  const mb = Number(process.argv[2] ?? 64);
  void benchTcpVsLoopback(mb * 1024 * 1024).then(({ sim, kernel, ratio }) => {
    console.log(
      `tcp: ${mb} MB through two simulated stacks: ${sim.mbPerS.toFixed(1)} MB/s wall, ` +
        `${sim.usPerSegment.toFixed(2)} µs/segment (${sim.segments} segments)`,
    );
    console.log(`tcp: same through node:net on 127.0.0.1: ${kernel.mbPerS.toFixed(1)} MB/s; ratio ${ratio.toFixed(3)}`);
  });
}
