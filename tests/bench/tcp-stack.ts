/**
 * Full-stack TCP benchmark: `bytes` from one simulated host to another through
 * everything a device runs (SocketLayer → TcpLayer → IPv4 → ARP/Ethernet →
 * Nic → WiredSegment and back up), real Ethernet/IPv4/TCP bytes with
 * checksums, no loss, no MicroPython. Reports wall MB/s and wall µs per data
 * segment next to Node's `net` over 127.0.0.1 in the same run (tests/bench/tcp.ts's
 * loopback). Wall time is fine here: this is a benchmark, not simulated code.
 *
 * Both sides are warmed up first (the JIT, Node's first connection), then
 * measured in alternating rounds; the ratio is the median round's. Next to the
 * wall-clock ratio the CPU-time ratio (user + system of the process): on a
 * shared machine another tenant's load moves the first, hardly the second.
 * Then one transfer under V8's sampling heap profiler (bytes and allocations
 * per segment) and one under the CPU profiler (where the time goes).
 *
 *   npx ts-node --transpile-only tests/bench/tcp-stack.ts [MB]
 */
import { performance } from 'node:perf_hooks';
import { LINUX_PERSONALITY } from '../../stack/personality';
import { buildTransport } from '../../stack/transport';
import { WiredSegment } from '../../devices/medium/wired';
import { Nic } from '../../devices/nic';
import { Simulator } from '../../sim/simulator';
import { NetStack } from '../../stack/netstack';
import { AF_INET, SOCK_STREAM, type SockResult, type SocketApi } from '../../stack/socket/api';
import { parseIp } from '../../stack/wire/types';
import { allocationProfile, cpuProfileByArea } from './profile';
import { benchLoopback } from './tcp';

export interface TcpStackBenchResult {
  mbPerS: number;
  usPerSegment: number;
  /** User + system CPU time of the transfer, µs. */
  cpuUs: number;
  /** Data-carrying segments the sender put on the wire. */
  segments: number;
  frames: number;
  virtualUs: number;
}

const PORT = 5001;
const CHUNK = 65536;

function host(sim: Simulator, seg: WiredSegment, id: string, mac: number, ip: string) {
  const net = new NetStack(sim, { device: id });
  const nic = new Nic(id, mac, 'eth0');
  seg.plug(nic, 25);
  nic.attach(seg);
  const iface = net.addInterface(nic, 'eth0');
  net.configure(iface, { ip: parseIp(ip)!, prefixLen: 24 });
  const t = buildTransport(sim, id, net, LINUX_PERSONALITY);
  return { net, nic, ...t };
}

function check<T>(r: { ok: true; value: T } | { ok: false; errno: number }, what: string): T {
  if (!r.ok) throw new Error(`${what}: errno ${r.errno}`);
  return r.value;
}

/** Server: accept, recv(64 KiB) until EOF. Client: connect, sendall 64 KiB chunks, close. */
/** Sends `bytes` as repeated copies of the 64 KiB `chunk` (as the node:net side does with its one chunk). */
function startTransfer(sim: Simulator, a: SocketApi, b: SocketApi, bIp: string, chunk: Uint8Array, bytes: number) {
  const st = { received: 0, eof: false, error: undefined as string | undefined };
  const lfd = check(b.socket(AF_INET, SOCK_STREAM, 0), 'socket');
  check(b.bind(lfd, { ip: '0.0.0.0', port: PORT }), 'bind');
  check(b.listen(lfd, 1), 'listen');
  b.accept(lfd, (acc) => {
    if (!acc.ok) return void (st.error = `accept ${acc.errno}`);
    const fd = acc.value.fd;
    // One callback for every recv, as the node:net side has one 'data' handler.
    const onData = (r: SockResult<Uint8Array>): void => {
      if (!r.ok) return void (st.error = `recv ${r.errno}`);
      if (r.value.length === 0) {
        st.eof = true;
        return;
      }
      st.received += r.value.length;
      loop();
    };
    const loop = (): void => b.recv(fd, CHUNK, 0, onData);
    loop();
  });
  const fd = check(a.socket(AF_INET, SOCK_STREAM, 0), 'socket');
  a.connect(fd, { ip: bIp, port: PORT }, (c) => {
    if (!c.ok) return void (st.error = `connect ${c.errno}`);
    let off = 0;
    const pump = (): void => {
      // close() from the next event: inside a socket callback it would also answer the finished wait.
      if (off >= bytes) return void sim.schedule(0, () => void a.close(fd));
      const piece = bytes - off >= chunk.length ? chunk : chunk.subarray(0, bytes - off);
      off += piece.length;
      a.sendall(fd, piece, (r) => (r.ok ? pump() : void (st.error = `sendall ${r.errno}`)));
    };
    pump();
  });
  return st;
}

/** `trace`: keep the trace records in memory as a Simulation does by default (off: as tests/bench/tcp.ts). */
export async function benchTcpStack(bytes: number, opts: { trace?: boolean } = {}): Promise<TcpStackBenchResult> {
  const sim = new Simulator(1);
  sim.trace.keep = opts.trace ?? false;
  const seg = new WiredSegment(sim, 'bench');
  const a = host(sim, seg, 'a', 0x02_00_00_00_00_01, '10.0.0.1');
  const b = host(sim, seg, 'b', 0x02_00_00_00_00_02, '10.0.0.2');
  // One 64 KiB chunk sent over and over, as the node:net side sends its one chunk: both measure
  // the stack, not streaming the source bytes from main memory.
  const chunk = new Uint8Array(CHUNK);
  for (let i = 0; i < CHUNK; i++) chunk[i] = (i * 7) & 255;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const st = startTransfer(sim, a.sockets, b.sockets, '10.0.0.2', chunk, bytes);
  sim.runSync({ stopWhen: () => st.eof || st.error !== undefined });
  const dt = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  if (st.error || st.received !== bytes) throw new Error(`received ${st.received} of ${bytes} (${st.error ?? 'no error'})`);
  const segments = Math.ceil(bytes / 1460);
  return {
    mbPerS: bytes / 1e6 / dt,
    usPerSegment: (dt * 1e6) / segments,
    cpuUs: c.user + c.system,
    segments,
    frames: a.nic.txFrames + b.nic.txFrames,
    virtualUs: sim.now,
  };
}

/** The source areas of a CPU profile of the bench (by file). */
function areaOf(file: string): string {
  if (file.startsWith('sim/')) return 'kernel (event heap)';
  if (file.startsWith('devices/medium/') || file.startsWith('devices/nic')) return 'medium and NIC';
  if (file.startsWith('stack/wire/checksum') || file.includes('wasm:')) return 'checksums'; // the one WebAssembly module here is the checksum's (checksum-simd.ts)
  if (file.startsWith('stack/wire/')) return 'header parse/emit';
  if (file.startsWith('stack/ipv4/') || file.startsWith('stack/arp/')) return 'IPv4, ARP, Ethernet';
  if (file.startsWith('stack/tcp/') || file.includes('node_modules/xstate')) return 'TCP';
  if (file.startsWith('stack/socket/')) return 'sockets';
  if (file.startsWith('tests/bench/')) return 'the benchmark\'s own sender/receiver';
  return file ? 'other' : 'native code';
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface TcpStackVsLoopback {
  sim: TcpStackBenchResult;
  kernel: { mbPerS: number; cpuUs: number };
  /** Median of the rounds: sim MB/s over node:net MB/s. */
  ratio: number;
  /** Median of the rounds: node:net's CPU time over the simulation's for the same bytes. */
  cpuRatio: number;
  cpuUsPerSegment: number;
  rounds: { ratio: number; cpuRatio: number }[];
  alloc: { bytesPerSegment: number; perSegment: number; sites: { site: string; bytesPerSegment: number }[] };
  time: { area: string; usPerSegment: number; share: number }[];
}

export async function benchTcpStackVsLoopback(bytes = 64 * 1024 * 1024, rounds = 5): Promise<TcpStackVsLoopback> {
  const WARM = 8 * 1024 * 1024;
  // Both sides warm up, with two small transfers and one of the measured size each: after one 8 MB
  // run, the simulated side still ran in V8's baseline tiers (its first measured round came out at
  // 0.13-0.20), and Node's `net` (JavaScript too: streams, buffers) got faster for several rounds
  // (740 -> 1500 MB/s), its first full-size transfer the slowest.
  for (const n of [WARM, WARM, bytes]) {
    await benchTcpStack(n);
    await benchLoopback(n);
  }
  const runs: { sim: TcpStackBenchResult; kernel: { mbPerS: number; cpuUs: number } }[] = [];
  for (let i = 0; i < rounds; i++) runs.push({ sim: await benchTcpStack(bytes), kernel: await benchLoopback(bytes) });
  const rs = runs.map((r) => ({ ratio: r.sim.mbPerS / r.kernel.mbPerS, cpuRatio: r.kernel.cpuUs / r.sim.cpuUs }));
  const mid = runs[rs.indexOf([...rs].sort((a, b) => a.ratio - b.ratio)[Math.floor(rs.length / 2)])];
  let profiled: TcpStackBenchResult | undefined;
  const a = await allocationProfile(async () => (profiled = await benchTcpStack(WARM)));
  const segs = profiled!.segments;
  const t = await cpuProfileByArea(async () => (profiled = await benchTcpStack(WARM)), areaOf);
  return {
    sim: mid.sim,
    kernel: mid.kernel,
    ratio: median(rs.map((r) => r.ratio)),
    cpuRatio: median(rs.map((r) => r.cpuRatio)),
    cpuUsPerSegment: median(runs.map((r) => r.sim.cpuUs / r.sim.segments)),
    rounds: rs,
    alloc: {
      bytesPerSegment: a.bytes / segs,
      perSegment: a.count / segs,
      sites: a.sites.slice(0, 6).map((x) => ({ site: x.site, bytesPerSegment: x.bytes / segs })),
    },
    // The profiler slows the run down: its shares, applied to the measured CPU time per segment.
    time: t.areas.map((x) => ({ area: x.area, usPerSegment: (x.us / t.totalUs) * median(runs.map((r) => r.sim.cpuUs / r.sim.segments)), share: x.us / t.totalUs })),
  };
}

/** The goal of issue #16: two full stacks at least 0.3 of Node's `net` over loopback. */
export const TCP_STACK_GOAL = 0.3;

export function formatTcpStackBench(mb: number, r: TcpStackVsLoopback): string {
  const mark = (x: number) => (x >= TCP_STACK_GOAL ? 'met' : 'NOT met');
  return [
    `tcp-stack: ${mb} MB through two full simulated stacks (sockets/TCP/IPv4/Ethernet, checksums): ` +
      `${r.sim.mbPerS.toFixed(1)} MB/s wall, ${r.sim.usPerSegment.toFixed(2)} µs/segment wall, ${r.cpuUsPerSegment.toFixed(2)} µs/segment CPU ` +
      `(${r.sim.segments} data segments, ${r.sim.frames} frames, ${(r.sim.virtualUs / 1e6).toFixed(3)} s virtual)`,
    `tcp-stack: same through node:net on 127.0.0.1: ${r.kernel.mbPerS.toFixed(1)} MB/s`,
    `tcp-stack: ratio ${r.ratio.toFixed(3)} wall, ${r.cpuRatio.toFixed(3)} CPU time (goal ≥ ${TCP_STACK_GOAL}: ${mark(r.ratio)} wall, ${mark(r.cpuRatio)} CPU; ` +
      `median of ${r.rounds.length} rounds: ${r.rounds.map((x) => `${x.ratio.toFixed(2)}/${x.cpuRatio.toFixed(2)}`).join(' ')})`,
    `tcp-stack: allocations ${r.alloc.perSegment.toFixed(0)} per data segment, ${r.alloc.bytesPerSegment.toFixed(0)} B/segment on the JS heap; ` +
      `largest: ${r.alloc.sites.map((x) => `${x.site} ${x.bytesPerSegment.toFixed(0)} B`).join('; ')}`,
    `tcp-stack: where the time goes (CPU profile): ` +
      r.time
        .filter((x) => x.share >= 0.01)
        .map((x) => `${x.area} ${(x.share * 100).toFixed(0)}% (${x.usPerSegment.toFixed(2)} µs)`)
        .join(', '),
  ].join('\n');
}

if (require.main === module) {
  const mb = Number(process.argv[2] ?? 64);
  if (process.argv[3] === '--only') {
    void benchTcpStack(mb * 1024 * 1024).then((r) => console.log(r));
  } else void benchTcpStackVsLoopback(mb * 1024 * 1024).then((r) => console.log(formatTcpStackBench(mb, r)));
}
