/**
 * DHCP server (the access point's, or an ESP32 soft-AP's) on one interface of
 * a NetStack: a pool (default .100 up to the subnet's last host), leases
 * by MAC, reservations by MAC or by hostname (option 12), OFFER/ACK/NAK with
 * options 1/3/6/51/54/58/59; replies broadcast when the client sets the
 * broadcast flag, otherwise unicast to yiaddr at chaddr (RFC 2131 4.1).
 *
 * Reservations outside the subnet (a lab pinning the ESP32 to 192.168.2.231
 * while the LAN is 192.168.1.0/24): we keep ONE subnet and widen it. The
 * server shortens the prefix until the subnet covers every reservation (here
 * 192.168.0.0/22), reconfigures its own interface with that prefix, and
 * offers that mask to every client. The ESP32 and the PCs then see each
 * other on-link, the router (.1 of the original subnet) is on-link for all,
 * and no hairpin routing or secondary addresses are needed. The pool stays in
 * the original subnet. `prefixLen` tells the owner what was chosen.
 */
import { bump, type Counters } from '../contracts';
import type { NetStack, IfaceHandle } from '../netstack';
import type { UdpDatagram } from '../udp/api';
import {
  emitDhcp,
  parseDhcp,
  BOOTP_REPLY,
  BOOTP_REQUEST,
  DHCP_ACK,
  DHCP_CLIENT_PORT,
  DHCP_DECLINE,
  DHCP_DISCOVER,
  DHCP_INFORM,
  DHCP_NAK,
  DHCP_OFFER,
  DHCP_RELEASE,
  DHCP_REQUEST,
  DHCP_SERVER_PORT,
  type DhcpRepr,
} from '../wire/dhcp';
import { inSubnet, IPV4_BROADCAST, ipToString, macToString, prefixToMask, type Ipv4Addr, type MacAddr } from '../wire/types';

export interface DhcpReservation {
  ip: Ipv4Addr;
  mac?: MacAddr;
  /** Matched case-insensitively against option 12 (the device id, e.g. "esp32"). */
  hostname?: string;
}

export interface DhcpServerConfig {
  /** Defaults to the interface address. */
  serverIp?: Ipv4Addr;
  /** Defaults to the server address. */
  router?: Ipv4Addr;
  /** Defaults to [server address] (the AP runs the DNS server). */
  dns?: Ipv4Addr[];
  /** First pool address; default network + 100. */
  poolStart?: Ipv4Addr;
  /**
   * Number of pool addresses; default up to the last host of the original subnet (.254 of a /24;
   * a /22 such as 10.0.0.0/22 pools 10.0.0.100 to 10.0.3.254, 923 addresses).
   */
  poolSize?: number;
  /** Lease time in seconds; default 7200 (ESP-IDF soft-AP: 120 minutes). */
  leaseS?: number;
  reservations?: DhcpReservation[];
}

export interface DhcpLease {
  mac: MacAddr;
  ip: Ipv4Addr;
  hostname?: string;
  expiresAt: number;
}

/** How long an OFFER holds its address for the client. */
const OFFER_HOLD_US = 60_000_000;

/**
 * Addresses held per MAC (leases, or offers), indexed by address too: whether
 * another client holds an address is a lookup, not a scan of every lease (a
 * LAN of thousands of stations joins in linear time).
 */
class Holdings<T extends { ip: Ipv4Addr }> {
  private readonly byMac = new Map<MacAddr, T>();
  private readonly byIp = new Map<Ipv4Addr, Set<MacAddr>>();

  constructor(private readonly until: (h: T) => number) {}

  get(mac: MacAddr): T | undefined {
    return this.byMac.get(mac);
  }

  set(mac: MacAddr, h: T): void {
    this.delete(mac);
    this.byMac.set(mac, h);
    let macs = this.byIp.get(h.ip);
    if (!macs) this.byIp.set(h.ip, (macs = new Set()));
    macs.add(mac);
  }

  delete(mac: MacAddr): void {
    const old = this.byMac.get(mac);
    if (!old) return;
    this.byMac.delete(mac);
    const macs = this.byIp.get(old.ip)!;
    macs.delete(mac);
    if (macs.size === 0) this.byIp.delete(old.ip);
  }

  values(): IterableIterator<T> {
    return this.byMac.values();
  }

  /** Does a MAC other than `mac` hold `ip` beyond `now`? */
  heldByOther(ip: Ipv4Addr, mac: MacAddr, now: number): boolean {
    for (const m of this.byIp.get(ip) ?? []) if (m !== mac && this.until(this.byMac.get(m)!) > now) return true;
    return false;
  }
}

export class DhcpServer {
  readonly counters: Counters = {};
  /** The prefix offered (and configured on the interface): widened to cover reservations. */
  readonly prefixLen: number;
  readonly serverIp: Ipv4Addr;
  /** Told about every ACKed lease (the AP adds DNS names). */
  onLease: ((l: DhcpLease) => void) | undefined;
  private readonly leases = new Holdings<DhcpLease>((l) => l.expiresAt);
  private readonly offers = new Holdings<{ ip: Ipv4Addr; until: number }>((o) => o.until);
  private readonly declined = new Map<Ipv4Addr, number>();
  private readonly poolStart: Ipv4Addr;
  private readonly poolSize: number;
  private readonly leaseS: number;
  private readonly reservations: DhcpReservation[];
  private readonly handler = (d: UdpDatagram) => this.receive(d);

  constructor(
    private readonly stack: NetStack,
    private readonly iface: IfaceHandle,
    private readonly cfg: DhcpServerConfig = {},
  ) {
    this.serverIp = cfg.serverIp ?? iface.ip;
    this.reservations = cfg.reservations ?? [];
    this.leaseS = cfg.leaseS ?? 7200;
    const base = iface.prefixLen || 24;
    const network = (this.serverIp & prefixToMask(base)) >>> 0;
    this.poolStart = cfg.poolStart ?? (network + 100) >>> 0;
    const lastHost = (network | ~prefixToMask(base)) >>> 0;
    this.poolSize = cfg.poolSize ?? Math.max(0, lastHost - 1 - this.poolStart + 1);
    let p = base;
    while (p > 0 && this.reservations.some((r) => !inSubnet(r.ip, this.serverIp, p))) p--;
    this.prefixLen = p;
    if (p !== iface.prefixLen) stack.configure(iface, { ip: iface.ip, prefixLen: p, gateway: iface.gateway || undefined });
    stack.udp.bind(DHCP_SERVER_PORT, this.handler, { reuseAddr: true });
  }

  stop(): void {
    this.stack.udp.unbind(DHCP_SERVER_PORT, this.handler);
  }

  /** Current (unexpired) leases, in address order. */
  leaseTable(): DhcpLease[] {
    const now = this.stack.sim.now;
    return [...this.leases.values()].filter((l) => l.expiresAt > now).sort((a, b) => a.ip - b.ip);
  }

  private receive(d: UdpDatagram): void {
    if (d.ifIndex !== undefined && d.ifIndex !== this.iface.index) return;
    const r = parseDhcp(d.data);
    if (!r.ok) {
      bump(this.counters, 'rxMalformed');
      return;
    }
    const m = r.value;
    if (m.op !== BOOTP_REQUEST || m.giaddr !== 0) {
      bump(this.counters, 'rxIgnored');
      return;
    }
    bump(this.counters, 'rxMessages');
    switch (m.messageType) {
      case DHCP_DISCOVER:
        return this.discover(m);
      case DHCP_REQUEST:
        return this.request(m);
      case DHCP_DECLINE:
        if (m.requestedIp !== undefined) this.declined.set(m.requestedIp, this.stack.sim.now + this.leaseS * 1e6);
        this.leases.delete(m.chaddr);
        this.offers.delete(m.chaddr);
        bump(this.counters, 'rxDecline');
        return;
      case DHCP_RELEASE:
        if (this.leases.get(m.chaddr)?.ip === m.ciaddr) this.leases.delete(m.chaddr);
        return;
      case DHCP_INFORM:
        if (m.ciaddr !== 0) this.reply(m, DHCP_ACK, 0);
        return;
      default:
        bump(this.counters, 'rxUnexpected');
    }
  }

  private discover(m: DhcpRepr): void {
    const ip = this.pick(m);
    if (ip === undefined) {
      bump(this.counters, 'poolExhausted');
      this.trace('exhausted', { mac: macToString(m.chaddr) });
      return;
    }
    this.offers.set(m.chaddr, { ip, until: this.stack.sim.now + OFFER_HOLD_US });
    this.reply(m, DHCP_OFFER, ip);
  }

  private request(m: DhcpRepr): void {
    let want: Ipv4Addr | undefined;
    if (m.serverId !== undefined) {
      // SELECTING: the client answers an OFFER; another server's means ours is released.
      if (m.serverId !== this.serverIp) {
        this.offers.delete(m.chaddr);
        return;
      }
      want = m.requestedIp;
    } else {
      // INIT-REBOOT (option 50) or RENEWING/REBINDING (ciaddr).
      want = m.requestedIp ?? (m.ciaddr || undefined);
    }
    if (want === undefined || !this.allowed(m, want)) {
      this.reply(m, DHCP_NAK, 0);
      return;
    }
    this.offers.delete(m.chaddr);
    const lease: DhcpLease = { mac: m.chaddr, ip: want, hostname: m.hostname, expiresAt: this.stack.sim.now + this.leaseS * 1e6 };
    this.leases.set(m.chaddr, lease);
    this.reply(m, DHCP_ACK, want);
    this.onLease?.(lease);
  }

  private reservationFor(m: DhcpRepr): DhcpReservation | undefined {
    const host = m.hostname?.toLowerCase();
    return (
      this.reservations.find((r) => r.mac !== undefined && r.mac === m.chaddr) ??
      this.reservations.find((r) => r.hostname !== undefined && host !== undefined && r.hostname.toLowerCase() === host)
    );
  }

  /** The address to offer: reservation, current lease, pending offer, requested address, first free. */
  private pick(m: DhcpRepr): Ipv4Addr | undefined {
    const res = this.reservationFor(m);
    if (res) return res.ip;
    const now = this.stack.sim.now;
    const lease = this.leases.get(m.chaddr);
    if (lease && this.isFree(lease.ip, m.chaddr)) return lease.ip;
    const offer = this.offers.get(m.chaddr);
    if (offer && offer.until > now && this.isFree(offer.ip, m.chaddr)) return offer.ip;
    if (m.requestedIp !== undefined && this.inPool(m.requestedIp) && this.isFree(m.requestedIp, m.chaddr)) return m.requestedIp;
    for (let i = 0; i < this.poolSize; i++) {
      const ip = (this.poolStart + i) >>> 0;
      if (this.isFree(ip, m.chaddr)) return ip;
    }
    return undefined;
  }

  /** May this client have `ip`? Its reservation if it has one, else a free pool address. */
  private allowed(m: DhcpRepr, ip: Ipv4Addr): boolean {
    const res = this.reservationFor(m);
    if (res) return res.ip === ip;
    return this.inPool(ip) && this.isFree(ip, m.chaddr);
  }

  private inPool(ip: Ipv4Addr): boolean {
    return ip >= this.poolStart && ip < this.poolStart + this.poolSize;
  }

  /** Not leased/offered to another MAC, not reserved for another client, not declined, not ours. */
  private isFree(ip: Ipv4Addr, mac: MacAddr): boolean {
    const now = this.stack.sim.now;
    if (ip === this.serverIp || this.stack.ip.isOwnAddress(ip)) return false;
    if ((this.declined.get(ip) ?? 0) > now) return false;
    if (this.reservations.some((r) => r.ip === ip && r.mac !== mac)) return false;
    return !this.leases.heldByOther(ip, mac, now) && !this.offers.heldByOther(ip, mac, now);
  }

  private reply(m: DhcpRepr, type: number, yiaddr: Ipv4Addr): void {
    const nak = type === DHCP_NAK;
    const out: DhcpRepr = {
      op: BOOTP_REPLY,
      xid: m.xid,
      secs: 0,
      broadcast: m.broadcast,
      ciaddr: type === DHCP_ACK ? m.ciaddr : 0,
      yiaddr,
      siaddr: 0,
      giaddr: 0,
      chaddr: m.chaddr,
      messageType: type,
      serverId: this.serverIp,
    };
    if (nak) out.message = 'address not available';
    else {
      out.subnetMask = prefixToMask(this.prefixLen);
      out.router = this.cfg.router ?? this.serverIp;
      out.dnsServers = this.cfg.dns ?? [this.serverIp];
      if (m.messageType !== DHCP_INFORM) {
        out.leaseTime = this.leaseS;
        out.renewalTime = Math.floor(this.leaseS / 2);
        out.rebindingTime = Math.floor((this.leaseS * 7) / 8);
      }
    }
    bump(this.counters, nak ? 'txNak' : type === DHCP_OFFER ? 'txOffer' : 'txAck');
    this.trace(nak ? 'nak' : type === DHCP_OFFER ? 'offer' : 'ack', { mac: macToString(m.chaddr), ip: ipToString(yiaddr) });
    const bytes = emitDhcp(out);
    const opts = { src: this.serverIp, ifIndex: this.iface.index };
    const udp = this.stack.udp;
    if (!nak && m.ciaddr !== 0) udp.sendto(DHCP_SERVER_PORT, m.ciaddr, DHCP_CLIENT_PORT, bytes, { src: this.serverIp });
    else if (nak || m.broadcast) udp.sendto(DHCP_SERVER_PORT, IPV4_BROADCAST, DHCP_CLIENT_PORT, bytes, opts);
    else udp.sendto(DHCP_SERVER_PORT, yiaddr, DHCP_CLIENT_PORT, bytes, { ...opts, dstMac: m.chaddr });
  }

  private trace(kind: string, fields: Record<string, unknown>): void {
    const t = this.stack.sim.trace;
    if (t.wants('dhcp')) t.emit(this.stack.device, 'dhcp', `server-${kind}`, fields);
  }
}
