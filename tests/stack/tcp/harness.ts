/**
 * Test doubles for the TCP core: a fake IpLayer, a pipe joining two of them
 * (latency, loss, duplication, reordering from sim.rng streams, partitions),
 * a single-stack "tap" for smoltcp-style tests, and a bulk-transfer app.
 */
import { Simulator } from '../../../sim/simulator';
import { FRAME_HEADROOM, type IpDatagram, type IpLayer, type IpSendOptions, type IpSendResult } from '../../../stack/contracts';
import type { TcpConfig, TcpError, TcpPcb } from '../../../stack/tcp/api';
import { TcpLayer } from '../../../stack/tcp/index';
import { emitTcp, parseTcp, type TcpRepr } from '../../../stack/wire/tcp';
import { parseIp, type Ipv4Addr } from '../../../stack/wire/types';

export const IP_A = parseIp('192.168.4.2')!;
export const IP_B = parseIp('192.168.4.1')!;

type Sink = (src: Ipv4Addr, dst: Ipv4Addr, proto: number, bytes: Uint8Array) => void;

export class FakeIp implements IpLayer {
  readonly mtu = 1500;
  up = true;
  private handlers = new Map<number, (d: IpDatagram) => void>();
  sink: Sink = () => {};

  constructor(
    readonly sim: Simulator,
    readonly device: string,
    readonly addr: Ipv4Addr,
  ) {}

  address(): Ipv4Addr {
    return this.addr;
  }
  isUp(): boolean {
    return this.up;
  }
  send(proto: number, dst: Ipv4Addr, bytes: Uint8Array, opts?: IpSendOptions): IpSendResult {
    // A segment built in its frame (IpSendOptions.inFrame): the transport bytes follow the headroom.
    const payload = opts?.inFrame ? bytes.subarray(FRAME_HEADROOM) : bytes;
    if (!this.up) return 'link-down';
    this.sink(opts?.src ?? this.addr, dst, proto, payload);
    return 'sent';
  }
  onProtocol(proto: number, handler: (d: IpDatagram) => void): void {
    this.handlers.set(proto, handler);
  }
  sendUnreachable(): void {}

  /** Hands a datagram to the registered transport. */
  deliver(src: Ipv4Addr, dst: Ipv4Addr, proto: number, bytes: Uint8Array): void {
    this.handlers.get(proto)?.({ src, dst, proto, ttl: 64, payload: bytes, packet: bytes });
  }
}

export interface LinkOpts {
  latencyUs?: number;
  loss?: number;
  dup?: number;
  reorder?: number;
}

/** Joins two FakeIps; each direction has its own impairments and RNG stream. */
export class Pipe {
  partitioned = false;
  delivered = 0;

  constructor(
    readonly sim: Simulator,
    a: FakeIp,
    b: FakeIp,
    public ab: LinkOpts = {},
    public ba: LinkOpts = {},
  ) {
    a.sink = this.carrier(b, () => this.ab, `pipe/${a.device}->${b.device}`);
    b.sink = this.carrier(a, () => this.ba, `pipe/${b.device}->${a.device}`);
  }

  private carrier(to: FakeIp, opts: () => LinkOpts, stream: string): Sink {
    const rng = this.sim.rng(stream);
    return (src, dst, proto, bytes) => {
      const o = opts();
      if (this.partitioned || rng.chance(o.loss ?? 0)) return;
      const lat = o.latencyUs ?? 1000;
      const copies = rng.chance(o.dup ?? 0) ? 2 : 1;
      for (let i = 0; i < copies; i++) {
        const extra = rng.chance(o.reorder ?? 0) ? rng.range(1, 3 * lat) : 0;
        this.sim.schedule(lat + extra, () => {
          this.delivered++;
          to.deliver(src, dst, proto, bytes);
        });
      }
    };
  }
}

export interface Pair {
  sim: Simulator;
  ipA: FakeIp;
  ipB: FakeIp;
  a: TcpLayer;
  b: TcpLayer;
  pipe: Pipe;
}

export function makePair(cfgA: TcpConfig, cfgB: TcpConfig, opts: { seed?: number; ab?: LinkOpts; ba?: LinkOpts } = {}): Pair {
  const sim = new Simulator(opts.seed ?? 1);
  sim.trace.keep = false;
  const ipA = new FakeIp(sim, 'a', IP_A);
  const ipB = new FakeIp(sim, 'b', IP_B);
  const pipe = new Pipe(sim, ipA, ipB, opts.ab, opts.ba);
  return { sim, ipA, ipB, a: new TcpLayer(ipA, cfgA), b: new TcpLayer(ipB, cfgB), pipe };
}

/** One stack whose peer is the test: segments it sends are captured, segments are injected. */
export class Tap {
  readonly sim: Simulator;
  readonly ip: FakeIp;
  readonly tcp: TcpLayer;
  readonly sent: TcpRepr[] = [];
  /** Address of the simulated remote end. */
  readonly remote = IP_A;

  constructor(cfg: TcpConfig, seed = 1) {
    this.sim = new Simulator(seed);
    this.sim.trace.keep = false;
    this.ip = new FakeIp(this.sim, 'dut', IP_B);
    this.ip.sink = (src, dst, _proto, bytes) => {
      const r = parseTcp(bytes, src, dst);
      if (!r.ok) throw new Error(`DUT sent a bad segment: ${r.error.detail}`);
      this.sent.push(r.value);
    };
    this.tcp = new TcpLayer(this.ip, cfg);
  }

  /** Feeds one segment from the remote end. */
  send(repr: TcpRepr): void {
    this.ip.deliver(this.remote, this.ip.addr, 6, emitTcp(repr, this.remote, this.ip.addr));
  }

  /** Segments sent since the last call. */
  take(): TcpRepr[] {
    return this.sent.splice(0, this.sent.length);
  }
}

export interface BulkResult {
  received: Uint8Array;
  clientError?: TcpError;
  serverError?: TcpError;
  clientClosed: boolean;
  serverFin: boolean;
}

/**
 * Client on `a` connects to a server on `b` and sends `data`, then closes;
 * the server reads everything (recved at once) and closes on FIN.
 * `echoBack` makes the server also send data back (so both ends have data in flight).
 */
export function startBulk(
  p: Pair,
  data: Uint8Array,
  opts: { port?: number; chunk?: number; echoBack?: Uint8Array; keepClientOpen?: boolean } = {},
) {
  const port = opts.port ?? 10000;
  const chunk = opts.chunk ?? 65536;
  const out: BulkResult = { received: new Uint8Array(data.length), clientClosed: false, serverFin: false };
  let got = 0;
  const lis = p.b.createPcb();
  lis.bind(0, port);
  lis.listen(2);
  lis.events.onAccept = (c: TcpPcb) => {
    c.accepted?.();
    lis.close();
    c.events.onRecv = (d) => {
      if (got + d.length <= out.received.length) out.received.set(d, got);
      got += d.length;
      c.recved(d.length);
    };
    c.events.onFin = () => {
      out.serverFin = true;
      c.close();
    };
    c.events.onError = (e) => (out.serverError = e);
    const back = opts.echoBack;
    if (back) {
      let off = 0;
      const pumpBack = () => {
        off += c.write(back.subarray(off));
        c.output();
      };
      c.events.onSent = pumpBack;
      pumpBack();
    }
  };
  const cl = p.a.createPcb();
  let sent = 0;
  const pump = () => {
    while (sent < data.length) {
      const n = cl.write(data.subarray(sent, Math.min(data.length, sent + chunk)));
      if (n === 0) break;
      sent += n;
    }
    cl.output();
    if (sent === data.length && !out.clientClosed && !opts.keepClientOpen) {
      out.clientClosed = true;
      cl.close();
    }
  };
  cl.events.onConnected = pump;
  cl.events.onSent = pump;
  cl.events.onRecv = (d) => cl.recved(d.length);
  cl.events.onError = (e) => (out.clientError = e);
  cl.connect(IP_B, port);
  return { out, client: cl, listener: lis, bytesReceived: () => got };
}
