/**
 * The host gateway: a simulated host on the router's WAN side that stands for
 * the machine running the simulation. Real clients on the host reach simulated
 * boards through it (`--forward`: each host connection becomes a real TCP
 * connection, or each host datagram a UDP datagram, from the gateway), and
 * simulated scripts reach real host services through it (`--expose`: a name
 * resolving to the gateway, whose listening port relays to the host).
 *
 * Everything that comes from the host is an external input (ExternalInput,
 * applied by the Simulation at a virtual time and traced), so a replay feeds
 * the same bytes at the same times without any host. What the simulation
 * sends back leaves through `onOutput`; nobody listens during a replay.
 */
import type { Simulator } from '../../sim/simulator';
import { NetStack } from '../../stack/netstack';
import { AF_INET, SOCK_DGRAM, SOCK_STREAM, type Fd, type SocketApi } from '../../stack/socket/api';
import { ipToString, parseIp, type Ipv4Addr } from '../../stack/wire/types';
import { LINUX_PERSONALITY } from '../../stack/personality';
import { WAN_IP, type Router } from '../ap/router';
import { deviceMac } from '../medium/mac';
import { Nic } from '../nic';
import { NetNode } from '../node';
import { listenTcp, readLoop, Writer, type Listener } from './conn';

/** The gateway's address: the last one of the carrier-grade NAT block the WAN side uses. */
export const GATEWAY_IP = '100.127.255.254';
export const GATEWAY_ID = 'host';
/** One-way latency between the router and the host gateway (a wire in the same room). */
export const GATEWAY_LATENCY_US = 200;

/** `--forward 8080:esp32:80`: host port → a simulated device (id, DNS name or address) and port. */
export interface ForwardSpec {
  proto: 'tcp' | 'udp';
  hostPort: number;
  target: string;
  port: number;
}

/** `--expose broker.local=127.0.0.1:1883`: a simulated name whose port relays to a host service. */
export interface ExposeSpec {
  name: string;
  hostIp: string;
  port: number;
}

export interface GatewaySpec {
  forwards?: ForwardSpec[];
  exposes?: ExposeSpec[];
}

/** What the host side hears from the gateway (the simulation's answers). */
export type GatewayOutput =
  | { what: 'data'; conn: number; data: Uint8Array }
  /** The simulated side closed (FIN): the host side should end its writing half. */
  | { what: 'close'; conn: number }
  /** The simulated side reset or refused the connection. */
  | { what: 'reset'; conn: number }
  /** --expose: a simulated script connected; the host side should connect to the exposed service. */
  | { what: 'connect'; conn: number; expose: number }
  | { what: 'datagram'; fwd: number; peer: number; data: Uint8Array };

interface Conn {
  fd: Fd;
  writer: Writer | undefined;
  /** Host bytes that arrived before the simulated connect completed. */
  early: Uint8Array[];
  earlyClose: 'close' | 'reset' | undefined;
  done: boolean;
}

export class HostGateway extends NetNode {
  readonly nic: Nic;
  readonly ip: Ipv4Addr;
  protected get mainNic(): Nic {
    return this.nic;
  }
  private readonly conns = new Map<number, Conn>();
  private readonly udpPeers = new Map<string, Fd>();
  private readonly listeners: Listener[] = [];
  private nextConn = 1;
  onOutput: (out: GatewayOutput) => void = () => {};

  constructor(
    sim: Simulator,
    private readonly router: Router,
    readonly spec: GatewaySpec,
  ) {
    super(sim, GATEWAY_ID, new NetStack(sim, { device: GATEWAY_ID, hostname: GATEWAY_ID }), LINUX_PERSONALITY);
    this.ip = parseIp(GATEWAY_IP)!;
    this.nic = new Nic(GATEWAY_ID, deviceMac('internet', GATEWAY_ID), 'eth0');
    const iface = this.net.addInterface(this.nic, 'eth0');
    this.net.configure(iface, { ip: this.ip, prefixLen: 32, gateway: parseIp(WAN_IP)! });
    router.wan.plug(this.nic, GATEWAY_LATENCY_US);
    this.nic.attach(router.wan);
    (spec.exposes ?? []).forEach((e, i) => {
      router.addInternetName(e.name, this.ip);
      this.listeners.push(listenTcp(this.sockets, `${GATEWAY_ID} (${e.name})`, e.port, (fd) => this.exposed(i, fd)));
    });
  }

  private get api(): SocketApi {
    return this.sockets;
  }

  /** A forward's target as an address: an IP literal, or what the router's DNS answers for a device id. */
  private targetIp(f: ForwardSpec): string | undefined {
    if (parseIp(f.target) !== undefined) return f.target;
    const ip = this.router.lookup(f.target);
    return ip === undefined ? undefined : ipToString(ip);
  }

  /** A host client connected to forward `fwd`: opens the simulated connection; returns its number. */
  open(fwd: number): number {
    const id = this.nextConn++;
    const f = this.spec.forwards?.[fwd];
    const ip = f ? this.targetIp(f) : undefined;
    const s = this.api.socket(AF_INET, SOCK_STREAM, 0);
    if (!f || ip === undefined || !s.ok) {
      this.sim.schedule(0, () => this.onOutput({ what: 'reset', conn: id }));
      return id;
    }
    const c: Conn = { fd: s.value, writer: undefined, early: [], earlyClose: undefined, done: false };
    this.conns.set(id, c);
    this.api.connect(c.fd, { ip, port: f.port }, (r) => {
      if (!r.ok) return this.finish(id, 'reset');
      this.attach(id, c);
    });
    return id;
  }

  /** A simulated script connected to an exposed name: the host side is asked to connect. */
  private exposed(expose: number, fd: Fd): void {
    const id = this.nextConn++;
    const c: Conn = { fd, writer: undefined, early: [], earlyClose: undefined, done: false };
    this.conns.set(id, c);
    this.attach(id, c);
    this.onOutput({ what: 'connect', conn: id, expose });
  }

  private attach(id: number, c: Conn): void {
    if (c.done) return;
    c.writer = new Writer(this.api, c.fd, () => this.finish(id, 'reset'));
    for (const b of c.early) c.writer.send(b);
    c.early = [];
    if (c.earlyClose) this.hostEnd(id, c.earlyClose);
    readLoop(
      this.api,
      c.fd,
      (data) => {
        this.onOutput({ what: 'data', conn: id, data });
      },
      (errno) => this.finish(id, errno ? 'reset' : 'close'),
      16384,
    );
  }

  /** The simulated side ended: tell the host once. */
  private finish(id: number, how: 'close' | 'reset'): void {
    const c = this.conns.get(id);
    if (!c || c.done) return;
    if (how === 'reset') {
      c.done = true;
      this.conns.delete(id);
      c.writer?.abort();
      if (!c.writer) this.api.close(c.fd);
    }
    this.onOutput({ what: how, conn: id });
  }

  /** Bytes from the host side of connection `conn`. */
  data(conn: number, data: Uint8Array): void {
    const c = this.conns.get(conn);
    if (!c || c.done) return;
    if (c.writer) c.writer.send(data);
    else c.early.push(data);
  }

  /** The host side closed (FIN) or reset its connection. */
  hostEnd(conn: number, how: 'close' | 'reset'): void {
    const c = this.conns.get(conn);
    if (!c || c.done) return;
    if (!c.writer) {
      c.earlyClose = how;
      return;
    }
    if (how === 'reset') {
      c.done = true;
      this.conns.delete(conn);
      const linger = new Uint8Array(8);
      new DataView(linger.buffer).setInt32(0, 1, true); // l_onoff 1, l_linger 0: close() resets
      this.api.setsockopt(c.fd, 1, 13, linger);
      c.writer.abort();
      return;
    }
    c.writer.close();
  }

  /** A datagram from host peer `peer` to UDP forward `fwd`; answers come back to that peer. */
  datagram(fwd: number, peer: number, data: Uint8Array): void {
    const f = this.spec.forwards?.[fwd];
    const ip = f ? this.targetIp(f) : undefined;
    if (!f || ip === undefined) return;
    const key = `${fwd}/${peer}`;
    let fd = this.udpPeers.get(key);
    if (fd === undefined) {
      const s = this.api.socket(AF_INET, SOCK_DGRAM, 0);
      if (!s.ok) return;
      const sock = s.value;
      fd = sock;
      this.udpPeers.set(key, sock);
      const loop = () =>
        this.api.recvfrom(sock, 65535, 0, (r) => {
          if (!r.ok) return;
          this.onOutput({ what: 'datagram', fwd, peer, data: r.value.data });
          loop();
        });
      loop();
    }
    this.api.sendto(fd, data, { ip, port: f.port }, 0, () => {});
  }

  stop(): void {
    for (const l of this.listeners) l.stop();
  }
}
