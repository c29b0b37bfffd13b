/**
 * IPv4 input and output for one device (lwIP ip4.c behaviour, several
 * interfaces): Ethernet demultiplexing, own-address checks (weak host: any of
 * our addresses on any interface), routing on-link vs default gateway,
 * limited and subnet broadcasts, loopback to our own addresses, optional
 * forwarding (the router), MTU check without fragmentation. Every malformed
 * or undeliverable packet is counted in `counters`, never thrown.
 */
import type { NetDevice } from '../link';
import type { Simulator } from '../../sim/simulator';
import { ArpCache } from '../arp/cache';
import {
  bump,
  HotCount,
  FRAME_HEADROOM,
  IPPROTO_UDP,
  type Counters,
  type IcmpErrorInfo,
  type IpDatagram,
  type IpLayer,
  type IpSendOptions,
  type IpSendResult,
} from '../contracts';
import { internetChecksum } from '../wire/checksum';
import { checkEthernet, emitEthernetHeader, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETH_DST, ETH_HEADER_LEN, ETH_TYPE } from '../wire/ethernet';
import {
  emitIpv4Header,
  newIpv4Header,
  parseIpv4Into,
  type Ipv4Header,
  IPV4_CHECKSUM,
  IPV4_DEFAULT_TTL,
  IPV4_FLAGS_FRAG,
  IPV4_FLAG_MF,
  IPV4_FRAG_OFFSET_MASK,
  IPV4_HEADER_LEN,
  IPV4_MTU,
  IPV4_TTL,
} from '../wire/ipv4';
import { BROADCAST_MAC, EMPTY_BYTES, IPV4_BROADCAST, ipToString, readMac, readU16, writeU16, type Ipv4Addr, type MacAddr } from '../wire/types';
import { Ipv4Interface, type IfaceConfig } from './iface';

/** DHCP client port: accepted on an interface that has no address yet (lwIP LWIP_IP_ACCEPT_UDP_PORT). */
const DHCP_CLIENT_PORT = 68;

interface Route {
  iface: Ipv4Interface;
  /** Next hop for ARP, or undefined for a link-layer broadcast. */
  nextHop: Ipv4Addr | undefined;
}

/** A datagram handed to a transport; `payload` and `packet` (for ICMP quoting) are cut from the frame only when asked for. */

/**
 * A received datagram as the transports see it. The layer reuses one (handlers
 * read it during the call and keep nothing of it: see IpLayer.onProtocol); a
 * datagram handed in while another is being handled gets its own.
 */
class RxDatagram implements IpDatagram {
  src: Ipv4Addr = 0;
  dst: Ipv4Addr = 0;
  proto = 0;
  ttl = 0;
  frame: Uint8Array = EMPTY_BYTES;
  private start = 0;
  payloadStart = 0;
  payloadEnd = 0;
  ifIndex = 0;

  set(p: Ipv4Header, frame: Uint8Array, start: number, ifIndex: number): this {
    this.src = p.src;
    this.dst = p.dst;
    this.proto = p.proto;
    this.ttl = p.ttl;
    this.frame = frame;
    this.start = start;
    this.payloadStart = p.payloadStart;
    this.payloadEnd = p.payloadEnd;
    this.ifIndex = ifIndex;
    return this;
  }

  get payload(): Uint8Array {
    return this.frame.subarray(this.payloadStart, this.payloadEnd);
  }

  get packet(): Uint8Array {
    return this.frame.subarray(this.start, this.payloadEnd);
  }
}

function isMulticast(ip: Ipv4Addr): boolean {
  return ip >>> 28 === 0xe;
}

function isLoopbackNet(ip: Ipv4Addr): boolean {
  return ip >>> 24 === 127;
}

export class Ipv4Layer implements IpLayer {
  readonly mtu = IPV4_MTU;
  /** The counters, the hot three as of their last flush (see `counters`). */
  private readonly counts: Counters = {};
  /** Packets sent, received and handed to a transport: HotCounts (stack/contracts.ts), on every packet. */
  private readonly txPackets = new HotCount(this.counts, 'txPackets');
  private readonly rxPackets = new HotCount(this.counts, 'rxPackets');
  private readonly rxDelivered = new HotCount(this.counts, 'rxDelivered');
  readonly ethCounters: Counters = {};
  /** Shared by the ARP caches of all interfaces. */
  readonly arpCounters: Counters = {};
  /** Router: forward datagrams not addressed to us (TTL decremented, no ICMP time exceeded). */
  forwarding = false;
  readonly interfaces: Ipv4Interface[] = [];
  /** Told when an interface's address changes (after ARP has been flushed/announced). */
  onAddressChange: ((iface: Ipv4Interface) => void) | undefined;
  /** Transport handlers by protocol number (an array: the receive path's lookup is an index). */
  private readonly handlers: Array<((d: IpDatagram) => void) | undefined> = new Array(256).fill(undefined);
  private icmpErrorHandlers = new Map<number, Array<(e: IcmpErrorInfo) => void>>();
  private unreachableSender: ((code: number, d: IpDatagram) => void) | undefined;
  private nextId: number;
  /** The received header being looked at (parseIpv4Into; its fields are copied out before anything else runs). */
  private readonly rx: Ipv4Header = newIpv4Header();
  /** The header buildFrame writes (emitIpv4Header reads it before returning). */
  private readonly txHeader: Ipv4Header = newIpv4Header();
  /** The datagram handed to the transports (reused; see RxDatagram), and whether a handler has it now. */
  private readonly rxd = new RxDatagram();
  private rxdBusy = false;
  /** route()'s answer, one object reused: callers read it before routing again. */
  private readonly hop: Route = { iface: undefined as unknown as Ipv4Interface, nextHop: undefined };

  constructor(
    readonly sim: Simulator,
    readonly device: string,
  ) {
    this.nextId = sim.rng(`ipv4/${device}/id`).u32() & 0xffff;
  }

  /** Every counter, as bumps in place would have left them (keys in the order first counted). */
  get counters(): Counters {
    this.txPackets.flush();
    this.rxPackets.flush();
    this.rxDelivered.flush();
    return this.counts;
  }

  addInterface(nic: NetDevice, name: string): Ipv4Interface {
    const iface = new Ipv4Interface(this.interfaces.length, name, nic);
    iface.arp = new ArpCache(this.sim, this.device, nic, () => iface.ip, this.arpCounters);
    nic.onReceive = (frame) => this.receive(iface, frame);
    this.interfaces.push(iface);
    return iface;
  }

  configure(iface: Ipv4Interface, cfg: IfaceConfig): void {
    const changed = iface.ip !== cfg.ip || iface.prefixLen !== cfg.prefixLen;
    iface.ip = cfg.ip >>> 0;
    iface.prefixLen = cfg.prefixLen;
    iface.gateway = (cfg.gateway ?? 0) >>> 0;
    if (!changed) return;
    iface.arp.flush();
    iface.arp.announce();
    this.trace('address', { if: iface.name, ip: ipToString(iface.ip), prefixLen: iface.prefixLen, gw: ipToString(iface.gateway) });
    this.onAddressChange?.(iface);
  }

  unconfigure(iface: Ipv4Interface): void {
    if (iface.ip === 0 && iface.gateway === 0) return;
    iface.ip = 0;
    iface.prefixLen = 0;
    iface.gateway = 0;
    iface.arp.flush();
    this.trace('address', { if: iface.name, ip: '0.0.0.0' });
    this.onAddressChange?.(iface);
  }

  /** The first configured interface's address (STA before soft-AP on an ESP32), 0 when none. */
  address(): Ipv4Addr {
    for (const i of this.interfaces) if (i.ip !== 0) return i.ip;
    return 0;
  }

  isUp(): boolean {
    return this.interfaces.some((i) => i.up);
  }

  /** True when `ip` is one of our interface addresses. */
  isOwnAddress(ip: Ipv4Addr): boolean {
    if (ip === 0) return false;
    const ifs = this.interfaces;
    for (let k = 0; k < ifs.length; k++) if (ifs[k].ip === ip) return true;
    return false;
  }

  onProtocol(proto: number, handler: (d: IpDatagram) => void): void {
    this.handlers[proto & 0xff] = handler;
  }

  onIcmpError(proto: number, handler: (e: IcmpErrorInfo) => void): void {
    const list = this.icmpErrorHandlers.get(proto) ?? [];
    list.push(handler);
    this.icmpErrorHandlers.set(proto, list);
  }

  /** Called by the ICMP layer with a decoded destination unreachable. */
  deliverIcmpError(e: IcmpErrorInfo): void {
    const list = this.icmpErrorHandlers.get(e.proto);
    if (!list) return;
    for (const h of list) h(e);
  }

  /** The ICMP layer registers how to build destination-unreachable messages. */
  setUnreachableSender(fn: (code: number, d: IpDatagram) => void): void {
    this.unreachableSender = fn;
  }

  sendUnreachable(code: number, d: IpDatagram): void {
    this.unreachableSender?.(code, d);
  }

  sourceFor(dst: Ipv4Addr, opts?: { ifIndex?: number }): Ipv4Addr | undefined {
    // Own and loopback destinations go through the loopback path, which only accepts 127/8 from 127/8.
    if (this.isOwnAddress(dst) || isLoopbackNet(dst)) return dst;
    const r = this.route(dst, opts?.ifIndex, undefined);
    return r && r.iface.ip !== 0 ? r.iface.ip : undefined;
  }

  /** Picks the outgoing interface and next hop (the answer is reused by the next call). */
  route(dst: Ipv4Addr, ifIndex: number | undefined, src: Ipv4Addr | undefined): Route | undefined {
    if (ifIndex !== undefined) {
      const iface = this.interfaces[ifIndex];
      return iface ? this.routeVia(iface, dst) : undefined;
    }
    if (src !== undefined && src !== 0) {
      const ifs = this.interfaces;
      for (let k = 0; k < ifs.length; k++) {
        const own = ifs[k];
        if (own.ip !== src) continue;
        const r = this.routeVia(own, dst);
        if (r) return r;
        break;
      }
    }
    return this.routeByInterfaces(dst);
  }

  /** route() without a given interface or source (apart, so route() itself allocates no closure context). */
  private routeByInterfaces(dst: Ipv4Addr): Route | undefined {
    if (dst === IPV4_BROADCAST) {
      const iface = this.interfaces.find((i) => i.up) ?? this.interfaces.find((i) => i.nic.attached) ?? this.interfaces[0];
      return iface ? this.via(iface, undefined) : undefined;
    }
    const onLink = this.interfaces.find((i) => i.onLink(dst) && i.nic.attached) ?? this.interfaces.find((i) => i.onLink(dst));
    if (onLink) return this.routeVia(onLink, dst);
    const gw = this.interfaces.find((i) => i.gateway !== 0 && i.up) ?? this.interfaces.find((i) => i.gateway !== 0 && i.ip !== 0);
    return gw ? this.via(gw, gw.gateway) : undefined;
  }

  private via(iface: Ipv4Interface, nextHop: Ipv4Addr | undefined): Route {
    const h = this.hop;
    h.iface = iface;
    h.nextHop = nextHop;
    return h;
  }

  private routeVia(iface: Ipv4Interface, dst: Ipv4Addr): Route | undefined {
    if (dst === IPV4_BROADCAST || (iface.ip !== 0 && dst === iface.broadcast)) return this.via(iface, undefined);
    if (iface.onLink(dst)) return this.via(iface, dst);
    if (iface.gateway !== 0 && iface.ip !== 0) return this.via(iface, iface.gateway);
    return undefined;
  }

  send(proto: number, dst: Ipv4Addr, payload: Uint8Array, opts: IpSendOptions = {}): IpSendResult {
    dst = dst >>> 0;
    const total = IPV4_HEADER_LEN + payload.length - (opts.inFrame ? FRAME_HEADROOM : 0);
    if (total > this.mtu) {
      bump(this.counts, 'txTooBig');
      this.trace('drop', { reason: 'too-big', len: total });
      return 'too-big';
    }
    if (this.isOwnAddress(dst) || isLoopbackNet(dst)) return this.loopback(proto, dst, payload, opts);
    const r = opts.dstMac !== undefined && opts.ifIndex !== undefined ? this.directRoute(opts.ifIndex, dst) : this.route(dst, opts.ifIndex, opts.src);
    if (!r) {
      bump(this.counts, 'txNoRoute');
      return 'no-route';
    }
    const src = opts.src ?? r.iface.ip;
    if (src === 0 && opts.src === undefined) {
      bump(this.counts, 'txNoAddress');
      return 'no-address';
    }
    if (!r.iface.nic.attached) {
      bump(this.counts, 'txLinkDown');
      return 'link-down';
    }
    const frame = this.buildFrame(proto, src, dst, payload, opts);
    this.txPackets.add();
    return this.transmit(r, frame, opts.dstMac);
  }

  private directRoute(ifIndex: number, dst: Ipv4Addr): Route | undefined {
    const iface = this.interfaces[ifIndex];
    return iface ? this.via(iface, dst) : undefined;
  }

  private buildFrame(proto: number, src: Ipv4Addr, dst: Ipv4Addr, payload: Uint8Array, opts: IpSendOptions): Uint8Array {
    const hdr = ETH_HEADER_LEN + IPV4_HEADER_LEN;
    // A transport segment built in its frame gets the headers written in front of it: no copy.
    const frame = opts.inFrame ? payload : new Uint8Array(hdr + payload.length);
    const id = this.nextId;
    this.nextId = (this.nextId + 1) & 0xffff;
    const h = this.txHeader;
    h.src = src;
    h.dst = dst;
    h.proto = proto;
    h.ttl = opts.ttl ?? IPV4_DEFAULT_TTL;
    h.id = id;
    h.df = opts.df ?? false;
    emitIpv4Header(frame, ETH_HEADER_LEN, h, frame.length - hdr);
    if (!opts.inFrame) frame.set(payload, hdr);
    return frame;
  }

  private transmit(r: Route, frame: Uint8Array, dstMac: MacAddr | undefined): IpSendResult {
    if (dstMac !== undefined || r.nextHop === undefined) {
      emitEthernetHeader(frame, 0, dstMac ?? BROADCAST_MAC, r.iface.nic.mac, ETHERTYPE_IPV4);
      r.iface.nic.transmit(frame);
      return 'sent';
    }
    return r.iface.arp.output(r.nextHop, frame);
  }

  /** Datagrams to our own addresses (lwIP LWIP_NETIF_LOOPBACK) come back as a separate event. */
  private loopback(proto: number, dst: Ipv4Addr, payload: Uint8Array, opts: IpSendOptions): IpSendResult {
    const iface = this.interfaces.find((i) => i.ip === dst) ?? this.interfaces.find((i) => i.ip !== 0);
    if (!iface) {
      bump(this.counts, 'txNoAddress');
      return 'no-address';
    }
    const frame = this.buildFrame(proto, opts.src ?? (isLoopbackNet(dst) ? dst : iface.ip), dst, payload, opts);
    bump(this.counts, 'txLoopback');
    this.sim.schedule(0, () => this.input(iface, frame, ETH_HEADER_LEN));
    return 'sent';
  }

  /** A frame from the NIC: Ethernet checked and read in place, the IPv4 packet parsed where it lies. */
  private receive(iface: Ipv4Interface, frame: Uint8Array): void {
    if (checkEthernet(frame)) {
      bump(this.ethCounters, 'rxMalformed');
      return;
    }
    const dst = readMac(frame, ETH_DST);
    if (dst !== iface.nic.mac && dst !== BROADCAST_MAC) {
      bump(this.ethCounters, 'rxNotForUs');
      return;
    }
    const ethertype = readU16(frame, ETH_TYPE);
    if (ethertype === ETHERTYPE_IPV4) this.input(iface, frame, ETH_HEADER_LEN);
    else if (ethertype === ETHERTYPE_ARP) iface.arp.input(frame.subarray(ETH_HEADER_LEN));
    else bump(this.ethCounters, 'rxUnknownType');
  }

  /** The IPv4 packet at `off` of `frame`. */
  private input(iface: Ipv4Interface, frame: Uint8Array, off: number): void {
    this.rxPackets.add();
    const p = this.rx;
    const error = parseIpv4Into(frame, off, p);
    if (error) {
      const isFragment = error.kind === 'unsupported' && (readU16(frame, off + IPV4_FLAGS_FRAG) & (IPV4_FLAG_MF | IPV4_FRAG_OFFSET_MASK)) !== 0;
      this.drop(isFragment ? 'rxFragment' : error.kind === 'checksum' ? 'rxChecksum' : 'rxMalformed', error.detail);
      return;
    }
    const end = p.payloadEnd;
    if (p.src === IPV4_BROADCAST || isMulticast(p.src) || (p.src !== 0 && p.src === iface.broadcast)) {
      this.drop('rxBadSource', ipToString(p.src));
      return;
    }
    const forUs =
      this.isOwnAddress(p.dst) ||
      p.dst === IPV4_BROADCAST ||
      (iface.ip !== 0 && p.dst === iface.broadcast) ||
      (isLoopbackNet(p.dst) && isLoopbackNet(p.src)) ||
      (iface.ip === 0 && p.proto === IPPROTO_UDP && end - p.payloadStart >= 4 && readU16(frame, p.payloadStart + 2) === DHCP_CLIENT_PORT);
    if (!forUs) {
      if (this.forwarding && !isMulticast(p.dst) && p.src !== 0) this.forward(frame.subarray(off, end), p.dst, p.ttl);
      else bump(this.counts, isMulticast(p.dst) ? 'rxMulticast' : 'rxNotForUs');
      return;
    }
    const nested = this.rxdBusy;
    const d = (nested ? new RxDatagram() : this.rxd).set(p, frame, off, iface.index);
    this.rxdBusy = true;
    const h = this.handlers[p.proto];
    if (!h) {
      bump(this.counts, 'rxUnknownProto');
      if (p.dst !== IPV4_BROADCAST && p.dst !== iface.broadcast) this.sendUnreachable(2, d);
    } else {
      this.rxDelivered.add();
      h(d);
    }
    this.rxdBusy = nested;
  }

  /** Router path: TTL decremented, header checksum recomputed, no fragmentation. */
  private forward(packet: Uint8Array, dst: Ipv4Addr, ttl: number): void {
    if (ttl <= 1) {
      this.drop('fwdTtlExpired', ipToString(dst));
      return;
    }
    const r = this.route(dst, undefined, undefined);
    if (!r || r.nextHop === undefined) {
      this.drop('fwdNoRoute', ipToString(dst));
      return;
    }
    if (packet.length > this.mtu) {
      this.drop('fwdTooBig', String(packet.length));
      return;
    }
    if (!r.iface.nic.attached) {
      this.drop('fwdLinkDown', r.iface.name);
      return;
    }
    const frame = new Uint8Array(ETH_HEADER_LEN + packet.length);
    frame.set(packet, ETH_HEADER_LEN);
    const hdr = frame.subarray(ETH_HEADER_LEN, ETH_HEADER_LEN + (packet[0] & 0x0f) * 4);
    hdr[IPV4_TTL] = ttl - 1;
    writeU16(hdr, IPV4_CHECKSUM, 0);
    writeU16(hdr, IPV4_CHECKSUM, internetChecksum(hdr));
    bump(this.counts, 'forwarded');
    r.iface.arp.output(r.nextHop, frame);
  }

  private drop(key: string, detail: string): void {
    bump(this.counts, key);
    this.trace('drop', { reason: key, detail });
  }

  private trace(kind: string, fields: Record<string, unknown>): void {
    if (this.sim.trace.wants('ipv4')) this.sim.trace.emit(this.device, 'ipv4', kind, fields);
  }
}
