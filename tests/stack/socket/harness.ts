/**
 * Two (or more) devices joined by fake IpLayers that hand datagrams to each
 * other through sim.schedule after a fixed latency: enough for the real
 * TcpLayer and UdpLayer under the socket layer, without ARP or a medium.
 */
import { Simulator } from '../../../sim/simulator';
import { FRAME_HEADROOM, type IpDatagram, type IpLayer, type IpSendOptions, type IpSendResult } from '../../../stack/contracts';
import type { Personality } from '../../../stack/personality';
import { SocketLayer } from '../../../stack/socket';
import type { TcpLayerApi } from '../../../stack/tcp/api';
import type { UdpLayerApi } from '../../../stack/udp/api';
import { IPV4_BROADCAST, parseIp, type Ipv4Addr } from '../../../stack/wire/types';

export class FakeLan {
  readonly hosts = new Map<Ipv4Addr, FakeIp>();
  /** Return false to drop a datagram (partition, a silent host). */
  filter: ((d: IpDatagram, from: FakeIp) => boolean) | undefined;
  sent = 0;

  constructor(
    readonly sim: Simulator,
    readonly latencyUs = 1000,
  ) {}

  deliver(from: FakeIp, d: IpDatagram): IpSendResult {
    this.sent++;
    const targets = d.dst === IPV4_BROADCAST ? [...this.hosts.values()].filter((h) => h !== from) : [this.hosts.get(d.dst)];
    for (const t of targets) {
      if (!t || (this.filter && !this.filter(d, from))) continue;
      const copy: IpDatagram = { ...d, payload: d.payload.slice(), packet: d.packet.slice() };
      this.sim.schedule(this.latencyUs, () => t.input(copy));
    }
    return 'sent';
  }
}

export class FakeIp implements IpLayer {
  readonly mtu = 1500;
  private handlers = new Map<number, (d: IpDatagram) => void>();
  unreachables = 0;

  constructor(
    readonly sim: Simulator,
    readonly device: string,
    public addr: Ipv4Addr,
    private readonly lan: FakeLan,
  ) {
    lan.hosts.set(addr, this);
  }

  address(): Ipv4Addr {
    return this.addr;
  }

  isUp(): boolean {
    return this.addr !== 0;
  }

  send(proto: number, dst: Ipv4Addr, bytes: Uint8Array, opts?: IpSendOptions): IpSendResult {
    // A segment built in its frame (IpSendOptions.inFrame): the transport bytes follow the headroom.
    const payload = opts?.inFrame ? bytes.subarray(FRAME_HEADROOM) : bytes;
    if (!this.isUp()) return 'no-address';
    const src = opts?.src ?? this.addr;
    return this.lan.deliver(this, { src, dst, proto, ttl: opts?.ttl ?? 64, payload, packet: payload });
  }

  sourceFor(): Ipv4Addr | undefined {
    return this.isUp() ? this.addr : undefined;
  }

  onProtocol(proto: number, handler: (d: IpDatagram) => void): void {
    this.handlers.set(proto, handler);
  }

  sendUnreachable(): void {
    this.unreachables++;
  }

  input(d: IpDatagram): void {
    this.handlers.get(d.proto)?.(d);
  }
}

export interface Device {
  id: string;
  ipText: string;
  ip: FakeIp;
  tcp: TcpLayerApi;
  udp: UdpLayerApi;
  sock: SocketLayer;
}

export type StackFactory = {
  tcp(ip: IpLayer, p: Personality): TcpLayerApi;
  udp(ip: IpLayer): UdpLayerApi;
};

export function addr(text: string): Ipv4Addr {
  const v = parseIp(text);
  if (v === undefined) throw new Error(`bad ip ${text}`);
  return v;
}

export function device(sim: Simulator, lan: FakeLan, id: string, ipText: string, p: Personality, f: StackFactory): Device {
  const ip = new FakeIp(sim, id, addr(ipText), lan);
  const tcp = f.tcp(ip, p);
  const udp = f.udp(ip);
  const sock = new SocketLayer({ sim, device: id, ip, tcp, udp, personality: p });
  return { id, ipText, ip, tcp, udp, sock };
}

/**
 * Calls a callback-style socket operation and records its answer and the
 * virtual time it came, so a test can run the simulator and then look.
 */
export class Call<T> {
  result: { ok: true; value: T } | { ok: false; errno: number } | undefined;
  at: number | undefined;
  constructor(private readonly sim: Simulator) {}
  readonly cb = (r: { ok: true; value: T } | { ok: false; errno: number }): void => {
    if (this.result) throw new Error('callback answered twice');
    this.result = r;
    this.at = this.sim.now;
  };
  get done(): boolean {
    return this.result !== undefined;
  }
  value(): T {
    if (!this.result) throw new Error('no answer yet');
    if (!this.result.ok) throw new Error(`failed with errno ${this.result.errno}`);
    return this.result.value;
  }
  errno(): number | undefined {
    return this.result && !this.result.ok ? this.result.errno : undefined;
  }
}

export function call<T>(sim: Simulator, start: (cb: Call<T>['cb']) => void): Call<T> {
  const c = new Call<T>(sim);
  start(c.cb);
  return c;
}

/** Runs until `c` is answered (or `maxUs` of virtual time passes). */
export function runUntil(sim: Simulator, c: { done: boolean }, maxUs = 600_000_000): void {
  sim.runSync({ for: maxUs, stopWhen: () => c.done });
}

export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function text(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}
