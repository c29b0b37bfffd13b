/**
 * Example: an ESP32 and a PC on the lab WiFi. A TCP server on the ESP32 (its
 * BSD socket layer, driven from TypeScript; no MicroPython) receives N bytes
 * the PC sends (random bytes from a named RNG stream). `--loss` applies to the
 * WiFi links of both stations once they have their addresses (so every data
 * frame crosses two lossy hops: PC uplink, ESP32 downlink; ACKs the reverse).
 * Prints bytes received, virtual duration, retransmissions (TCP counters) and
 * the SHA-256 of what was sent and of what arrived.
 *
 *   npx ts-node scenarios/examples/tcp-bulk.ts --bytes 1000000 --loss 0.1 --seed 1 --pcap f.pcap
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Simulation } from '../../devices/simulation/simulation';
import type { Esp32Board } from '../../devices/esp32/board';
import type { PcBoard } from '../../devices/pc/board';
import type { Simulator } from '../../sim/simulator';
import { AF_INET, SOCK_STREAM, type SocketApi, type SockResult } from '../../stack/socket/api';

export const TCP_PORT = 10000;
/** How much the PC hands to sendall() at a time, and the ESP32's recv() size. */
const SEND_CHUNK = 4096;
const RECV_MAX = 1460;

export interface TcpBulkOptions {
  bytes?: number;
  loss?: number;
  seed?: number;
  /** Build the pcap (default true). */
  pcap?: boolean;
}

export interface TcpBulkResult {
  bytesSent: number;
  bytesReceived: number;
  /** Virtual time from connect() to the server seeing EOF, µs. */
  durationUs: number;
  /** Retransmissions (fast + timeout) per side, from the TCP counters. */
  retransmits: { pc: number; esp32: number };
  sentSha256: string;
  receivedSha256: string;
  esp32Ip: string;
  pcIp: string;
  endUs: number;
  error: string | undefined;
  pcap: Uint8Array | undefined;
  summary: string;
}

function must<T>(r: SockResult<T>, what: string): T {
  if (!r.ok) throw new Error(`${what}: errno ${r.errno}`);
  return r.value;
}

/** The ESP32 side: listen, accept one client, recv until b"", hash as it goes. */
/**
 * Socket calls made from inside a socket callback run at once; close() there
 * would also answer the wait whose callback is running (EBADF). Closing from
 * the next event, as a resumed script would, avoids that.
 */
function later(sim: Simulator, fn: () => void): void {
  sim.schedule(0, fn);
}

function startServer(sim: Simulator, sock: SocketApi, onDone: (bytes: number, sha: string, err?: string) => void): void {
  const lfd = must(sock.socket(AF_INET, SOCK_STREAM, 0), 'socket');
  must(sock.bind(lfd, { ip: '0.0.0.0', port: TCP_PORT }), 'bind');
  must(sock.listen(lfd, 1), 'listen');
  sock.accept(lfd, (a) => {
    if (!a.ok) return onDone(0, '', `accept: errno ${a.errno}`);
    const fd = a.value.fd;
    const hash = createHash('sha256');
    let got = 0;
    const loop = (): void =>
      sock.recv(fd, RECV_MAX, 0, (r) => {
        if (!r.ok) return onDone(got, hash.digest('hex'), `recv: errno ${r.errno}`);
        if (r.value.length === 0) {
          later(sim, () => {
            sock.close(fd);
            sock.close(lfd);
          });
          return onDone(got, hash.digest('hex'));
        }
        got += r.value.length;
        hash.update(r.value);
        loop();
      });
    loop();
  });
}

/** The PC side: connect, sendall() the payload in chunks, close. */
function startClient(sim: Simulator, sock: SocketApi, ip: string, data: Uint8Array, onErr: (e: string) => void): void {
  const fd = must(sock.socket(AF_INET, SOCK_STREAM, 0), 'socket');
  sock.connect(fd, { ip, port: TCP_PORT }, (c) => {
    if (!c.ok) return onErr(`connect: errno ${c.errno}`);
    let off = 0;
    const pump = (): void => {
      if (off >= data.length) return later(sim, () => void sock.close(fd));
      const chunk = data.subarray(off, Math.min(data.length, off + SEND_CHUNK));
      off += chunk.length;
      sock.sendall(fd, chunk, (r) => (r.ok ? pump() : onErr(`sendall: errno ${r.errno}`)));
    };
    pump();
  });
}

function retransmits(counters: Record<string, number>): number {
  return (counters['tcp.rtxFast'] ?? 0) + (counters['tcp.rtxTimeouts'] ?? 0);
}

export async function runTcpBulk(opts: TcpBulkOptions = {}): Promise<TcpBulkResult> {
  const bytes = opts.bytes ?? 1_000_000;
  const loss = opts.loss ?? 0;
  const seed = opts.seed ?? 1;
  const s = new Simulation({ seed });
  const pcap = opts.pcap === false ? undefined : s.attachPcap();
  const espH = s.addDevice({ id: 'esp32', board: 'esp32', wifi: 'auto' });
  const pcH = s.addDevice({ id: 'pc', board: 'pc', startUs: 200_000 });
  const esp = espH.board as Esp32Board;
  const pc = pcH.board as PcBoard;

  await s.run({ stopWhen: () => espH.ip() !== '0.0.0.0' && pcH.ip() !== '0.0.0.0', forUs: 30_000_000 });
  if (loss > 0) for (const h of [espH, pcH]) h.setLink({ loss });

  const data = s.sim.rng('example/pc/payload').bytes(bytes);
  const sentSha256 = createHash('sha256').update(data).digest('hex');
  let done = false;
  let error: string | undefined;
  let got = 0;
  let receivedSha256 = '';
  let doneAt = 0;
  startServer(s.sim, esp.sockets, (n, sha, err) => {
    got = n;
    receivedSha256 = sha;
    error ??= err;
    done = true;
    doneAt = s.sim.now;
  });
  const startAt = s.sim.now;
  startClient(s.sim, pc.sockets, espH.ip(), data, (e) => {
    error ??= e;
    done = true;
  });
  // Generous budget: ~19% loss per data segment still finishes well within it.
  await s.run({ stopWhen: () => done, forUs: 3_600_000_000 });
  if (!done) error ??= 'transfer did not finish';
  // Let the closing handshake land.
  await s.run({ forUs: 1_000_000 });
  await s.close();

  const r = { pc: retransmits(pcH.counters()), esp32: retransmits(espH.counters()) };
  const durationUs = (doneAt || s.sim.now) - startAt;
  const secs = durationUs / 1e6;
  const lines = [
    `seed ${seed}, loss ${loss} on both stations, esp32 ${espH.ip()} server :${TCP_PORT}, pc ${pcH.ip()} client`,
    `bytes sent ${bytes}, received ${got}, virtual duration ${secs.toFixed(3)} s (${((got * 8) / Math.max(secs, 1e-9) / 1e6).toFixed(2)} Mbit/s)`,
    `retransmissions: pc ${r.pc}, esp32 ${r.esp32}${pcap ? `; ${pcap.packets} frames captured` : ''}`,
    `sha256 sent     ${sentSha256}`,
    `sha256 received ${receivedSha256}`,
    error ? `error: ${error}` : sentSha256 === receivedSha256 ? 'digests equal' : 'DIGESTS DIFFER',
  ];
  return {
    bytesSent: bytes,
    bytesReceived: got,
    durationUs,
    retransmits: r,
    sentSha256,
    receivedSha256,
    esp32Ip: espH.ip(),
    pcIp: pcH.ip(),
    endUs: s.sim.now,
    error,
    pcap: pcap?.bytes(),
    summary: lines.join('\n'),
  };
}

function parseArgs(argv: string[]): { pcap?: string; seed: number; loss: number; bytes: number } {
  const out = { pcap: undefined as string | undefined, seed: 1, loss: 0, bytes: 1_000_000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--pcap') (out.pcap = v), i++;
    else if (a === '--seed') (out.seed = Number(v)), i++;
    else if (a === '--loss') (out.loss = Number(v)), i++;
    else if (a === '--bytes') (out.bytes = Number(v)), i++;
    else if (a === '--help' || a === '-h') {
      console.log('usage: ts-node scenarios/examples/tcp-bulk.ts [--bytes N] [--loss 0..1] [--seed N] [--pcap FILE]');
      process.exit(0);
    } else {
      console.error(`unknown argument ${a}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(out.seed) || !(out.loss >= 0 && out.loss < 1) || !Number.isInteger(out.bytes) || out.bytes < 0) {
    console.error('--seed takes an integer, --loss a probability 0..1 (below 1), --bytes a count');
    process.exit(2);
  }
  return out;
}

if (require.main === module) {
  const args = parseArgs(process.argv.slice(2));
  runTcpBulk({ bytes: args.bytes, seed: args.seed, loss: args.loss, pcap: args.pcap !== undefined }).then(
    (res) => {
      if (args.pcap && res.pcap) writeFileSync(args.pcap, res.pcap);
      console.log(res.summary);
      if (args.pcap) console.log(`pcap written to ${args.pcap}`);
      if (res.error || res.sentSha256 !== res.receivedSha256) process.exit(1);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
