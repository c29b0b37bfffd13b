/**
 * DHCP client of one interface: runs the dhcpMachine actor on the kernel
 * clock, builds the lwIP-shaped messages (options 53, 57, 61, 12, 50, 54, 55)
 * and feeds it the replies that match its transaction and MAC.
 */
import { createActor, type Actor } from 'xstate';
import type { Simulator } from '../../sim/simulator';
import { bump, type Counters } from '../contracts';
import type { Ipv4Interface } from '../ipv4/iface';
import type { UdpDatagram } from '../udp/api';
import type { UdpLayer } from '../udp/udp';
import {
  emitDhcp,
  parseDhcp,
  BOOTP_REPLY,
  BOOTP_REQUEST,
  DHCP_ACK,
  DHCP_CLIENT_PORT,
  DHCP_DECLINE,
  DHCP_DISCOVER,
  DHCP_NAK,
  DHCP_OFFER,
  DHCP_REQUEST,
  DHCP_SERVER_PORT,
  type DhcpRepr,
} from '../wire/dhcp';
import { IPV4_BROADCAST, ipToString, writeMac, type Ipv4Addr } from '../wire/types';
import { dhcpMachine, type DhcpContext, type DhcpIo, type DhcpLeaseInfo, type DhcpSendKind } from './machine';

export type DhcpClientEvent =
  | {
      type: 'bound';
      ip: Ipv4Addr;
      mask: Ipv4Addr;
      prefixLen: number;
      router: Ipv4Addr;
      dns: Ipv4Addr[];
      leaseS: number;
      serverId: Ipv4Addr;
      /** True when this confirms a renewal/rebinding of the same address. */
      renewed: boolean;
    }
  | { type: 'lost'; ip: Ipv4Addr };

export interface DhcpClientOptions {
  sim: Simulator;
  udp: UdpLayer;
  device: string;
  iface: Ipv4Interface;
  /** Option 12, read at each message (the device may change it). */
  hostname: () => string;
  onEvent: (e: DhcpClientEvent) => void;
  /** ESP-IDF checks the offered address with two ARP probes (default true). */
  arpCheck?: boolean;
}

/** lwIP's parameter request list: subnet mask, router, broadcast address, DNS servers. */
const PARAMETER_REQUEST_LIST = [1, 3, 28, 6];
/** lwIP DHCP_MAX_MSG_LEN: the interface MTU. */
const MAX_MESSAGE_SIZE = 1500;

export function maskToPrefix(mask: Ipv4Addr): number {
  let n = 0;
  while (n < 32 && (mask >>> (31 - n)) & 1) n++;
  return n;
}

/** Classful fallback when the server sends no mask. */
function defaultPrefix(ip: Ipv4Addr): number {
  const a = ip >>> 24;
  return a < 128 ? 8 : a < 192 ? 16 : 24;
}

export class DhcpClient {
  readonly counters: Counters = {};
  private readonly actor: Actor<typeof dhcpMachine>;
  private readonly handler = (d: UdpDatagram) => this.receive(d);
  private lastState = '';
  private lastBoundIp: Ipv4Addr = 0;
  private running = false;

  constructor(private readonly opts: DhcpClientOptions) {
    const rng = opts.sim.rng(`dhcp/${opts.device}/${opts.iface.name}/xid`);
    const io: DhcpIo = {
      now: () => opts.sim.now,
      newXid: () => rng.u32(),
      send: (kind, ctx) => this.send(kind, ctx),
      probe: (ip) => opts.iface.arp.probe(ip),
      bound: (ctx) => this.reportBound(ctx.lease!),
      lost: (ctx) => this.reportLost(ctx),
      arpCheck: opts.arpCheck ?? true,
    };
    this.actor = createActor(dhcpMachine, { clock: opts.sim.clock, input: { io } });
    this.actor.subscribe((s) => {
      const v = String(s.value);
      if (v === this.lastState) return;
      this.lastState = v;
      this.trace('state', { state: v });
    });
  }

  /** Current machine state: 'stopped' | 'selecting' | 'requesting' | 'checking' | 'backingOff' | 'bound' | 'renewing' | 'rebinding'. */
  get state(): string {
    return String(this.actor.getSnapshot().value);
  }

  get lease(): DhcpLeaseInfo | undefined {
    return this.actor.getSnapshot().context.lease;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.opts.udp.bind(DHCP_CLIENT_PORT, this.handler, { reuseAddr: true });
    this.opts.iface.arp.onPacket = (a) => {
      const lease = this.actor.getSnapshot().context.lease;
      if (this.state === 'checking' && lease && a.senderIp === lease.ip) {
        bump(this.counters, 'conflict');
        this.actor.send({ type: 'arp.conflict' });
      }
    };
    this.actor.start();
    this.actor.send({ type: 'start' });
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.actor.send({ type: 'stop' });
    this.actor.stop();
    this.opts.udp.unbind(DHCP_CLIENT_PORT, this.handler);
    this.opts.iface.arp.onPacket = undefined;
  }

  private receive(d: UdpDatagram): void {
    if (d.ifIndex !== undefined && d.ifIndex !== this.opts.iface.index) return;
    const r = parseDhcp(d.data);
    if (!r.ok) {
      bump(this.counters, 'rxMalformed');
      return;
    }
    const m = r.value;
    const ctx = this.actor.getSnapshot().context;
    if (m.op !== BOOTP_REPLY || m.xid !== ctx.xid || m.chaddr !== this.opts.iface.nic.mac) {
      bump(this.counters, 'rxNotOurs');
      return;
    }
    bump(this.counters, 'rxMessages');
    if (m.messageType === DHCP_OFFER) this.actor.send({ type: 'rx.offer', msg: m });
    else if (m.messageType === DHCP_ACK) this.actor.send({ type: 'rx.ack', msg: m });
    else if (m.messageType === DHCP_NAK) {
      bump(this.counters, 'rxNak');
      this.actor.send({ type: 'rx.nak', msg: m });
    } else bump(this.counters, 'rxUnexpected');
  }

  private send(kind: DhcpSendKind, ctx: DhcpContext): void {
    const mac = this.opts.iface.nic.mac;
    const clientId = new Uint8Array(7);
    clientId[0] = 1;
    writeMac(clientId, 1, mac);
    const lease = ctx.lease;
    const msg: DhcpRepr = {
      op: BOOTP_REQUEST,
      xid: ctx.xid,
      secs: 0,
      broadcast: false,
      ciaddr: kind === 'renew' || kind === 'rebind' ? (lease?.ip ?? 0) : 0,
      yiaddr: 0,
      siaddr: 0,
      giaddr: 0,
      chaddr: mac,
      messageType: kind === 'discover' ? DHCP_DISCOVER : kind === 'decline' ? DHCP_DECLINE : DHCP_REQUEST,
      clientId,
    };
    if (kind !== 'decline') {
      msg.maxMessageSize = MAX_MESSAGE_SIZE;
      msg.hostname = this.opts.hostname() || undefined;
      msg.parameterRequestList = PARAMETER_REQUEST_LIST;
    }
    if (kind === 'select') {
      msg.requestedIp = ctx.offeredIp;
      msg.serverId = ctx.serverId;
    }
    if (kind === 'decline') {
      msg.requestedIp = lease?.ip;
      msg.serverId = lease?.serverId;
    }
    const bytes = emitDhcp(msg);
    bump(this.counters, `tx-${kind}`);
    this.trace('tx', { msg: kind, xid: ctx.xid });
    const udp = this.opts.udp;
    if (kind === 'renew' && lease) {
      udp.sendto(DHCP_CLIENT_PORT, lease.serverId, DHCP_SERVER_PORT, bytes, { src: lease.ip });
    } else {
      const src = kind === 'rebind' && lease ? lease.ip : 0;
      udp.sendto(DHCP_CLIENT_PORT, IPV4_BROADCAST, DHCP_SERVER_PORT, bytes, { src, ifIndex: this.opts.iface.index });
    }
  }

  private reportBound(l: DhcpLeaseInfo): void {
    const renewed = this.lastBoundIp === l.ip;
    this.lastBoundIp = l.ip;
    const prefixLen = l.mask ? maskToPrefix(l.mask) : defaultPrefix(l.ip);
    this.trace('bound', { ip: ipToString(l.ip), prefixLen, router: ipToString(l.router), lease: l.leaseS });
    this.opts.onEvent({ type: 'bound', ip: l.ip, mask: l.mask, prefixLen, router: l.router, dns: l.dns, leaseS: l.leaseS, serverId: l.serverId, renewed });
  }

  private reportLost(ctx: DhcpContext): void {
    const ip = ctx.lease?.ip ?? this.lastBoundIp;
    this.lastBoundIp = 0;
    this.trace('lost', { ip: ipToString(ip) });
    this.opts.onEvent({ type: 'lost', ip });
  }

  private trace(kind: string, fields: Record<string, unknown>): void {
    const t = this.opts.sim.trace;
    if (t.wants('dhcp')) t.emit(this.opts.device, 'dhcp', kind, { if: this.opts.iface.name, ...fields });
  }
}
