/**
 * Full-stack TCP benchmark: `bytes` from one simulated host to another through
 * everything a device runs (SocketLayer → TcpLayer → IPv4 → ARP/Ethernet →
 * Nic → WiredSegment and back up), real Ethernet/IPv4/TCP bytes with
 * checksums, no loss, no MicroPython. Reports wall MB/s and wall µs per data
 * segment next to Node's `net` over 127.0.0.1 in the same run (tests/bench/tcp.ts's
 * loopback). Wall time is fine here: this is a benchmark, not simulated code.
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
import { AF_INET, SOCK_STREAM, type SocketApi } from '../../stack/socket/api';
import { parseIp } from '../../stack/wire/types';
import { benchLoopback } from './tcp';

export interface TcpStackBenchResult {
  mbPerS: number;
  usPerSegment: number;
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
function startTransfer(sim: Simulator, a: SocketApi, b: SocketApi, bIp: string, data: Uint8Array) {
  const st = { received: 0, eof: false, error: undefined as string | undefined };
  const lfd = check(b.socket(AF_INET, SOCK_STREAM, 0), 'socket');
  check(b.bind(lfd, { ip: '0.0.0.0', port: PORT }), 'bind');
  check(b.listen(lfd, 1), 'listen');
  b.accept(lfd, (acc) => {
    if (!acc.ok) return void (st.error = `accept ${acc.errno}`);
    const fd = acc.value.fd;
    const loop = (): void =>
      b.recv(fd, CHUNK, 0, (r) => {
        if (!r.ok) return void (st.error = `recv ${r.errno}`);
        if (r.value.length === 0) {
          st.eof = true;
          return;
        }
        st.received += r.value.length;
        loop();
      });
    loop();
  });
  const fd = check(a.socket(AF_INET, SOCK_STREAM, 0), 'socket');
  a.connect(fd, { ip: bIp, port: PORT }, (c) => {
    if (!c.ok) return void (st.error = `connect ${c.errno}`);
    let off = 0;
    const pump = (): void => {
      // close() from the next event: inside a socket callback it would also answer the finished wait.
      if (off >= data.length) return void sim.schedule(0, () => void a.close(fd));
      const chunk = data.subarray(off, Math.min(data.length, off + CHUNK));
      off += chunk.length;
      a.sendall(fd, chunk, (r) => (r.ok ? pump() : void (st.error = `sendall ${r.errno}`)));
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
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 4096) data[i] = i & 255;
  const t0 = performance.now();
  const st = startTransfer(sim, a.sockets, b.sockets, '10.0.0.2', data);
  sim.runSync({ stopWhen: () => st.eof || st.error !== undefined });
  const dt = (performance.now() - t0) / 1000;
  if (st.error || st.received !== bytes) throw new Error(`received ${st.received} of ${bytes} (${st.error ?? 'no error'})`);
  const segments = Math.ceil(bytes / 1460);
  return {
    mbPerS: bytes / 1e6 / dt,
    usPerSegment: (dt * 1e6) / segments,
    segments,
    frames: a.nic.txFrames + b.nic.txFrames,
    virtualUs: sim.now,
  };
}

export async function benchTcpStackVsLoopback(bytes = 64 * 1024 * 1024) {
  const sim = await benchTcpStack(bytes);
  const kernel = await benchLoopback(bytes);
  return { sim, kernel, ratio: sim.mbPerS / kernel.mbPerS };
}

export function formatTcpStackBench(mb: number, r: Awaited<ReturnType<typeof benchTcpStackVsLoopback>>): string {
  return [
    `tcp-stack: ${mb} MB through two full simulated stacks (sockets/TCP/IPv4/Ethernet, checksums): ` +
      `${r.sim.mbPerS.toFixed(1)} MB/s wall, ${r.sim.usPerSegment.toFixed(2)} µs/segment ` +
      `(${r.sim.segments} data segments, ${r.sim.frames} frames, ${(r.sim.virtualUs / 1e6).toFixed(3)} s virtual)`,
    `tcp-stack: same through node:net on 127.0.0.1: ${r.kernel.mbPerS.toFixed(1)} MB/s; ratio ${r.ratio.toFixed(3)}`,
  ].join('\n');
}

if (require.main === module) {
  const mb = Number(process.argv[2] ?? 64);
  if (process.argv[3] === '--only') {
    void benchTcpStack(mb * 1024 * 1024).then((r) => console.log(r));
  } else
    void benchTcpStackVsLoopback(mb * 1024 * 1024).then((r) => console.log(formatTcpStackBench(mb, r)));
}
