/**
 * ARP for one interface (lwIP etharp.c behaviour): a cache of IPv4 → MAC,
 * requests with retries while frames wait in a small per-address queue,
 * replies to requests for our own address, learning from requests addressed
 * to us, gratuitous ARP when the address changes, and entry expiry.
 *
 * Frames handed to output() are complete Ethernet frames whose 14-byte header
 * is still blank: the destination MAC is written once it is known.
 */
import type { Simulator, TimerId } from '../../sim/simulator';
import type { NetDevice } from '../link';
import { bump, type Counters } from '../contracts';
import { emitArpInto, parseArp, ARP_LEN, ARP_OP_REPLY, ARP_OP_REQUEST, type ArpRepr } from '../wire/arp';
import { emitEthernetHeader, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETH_HEADER_LEN } from '../wire/ethernet';
import { BROADCAST_MAC, ipToString, macToString, type Ipv4Addr, type MacAddr } from '../wire/types';

/** lwIP ARP_MAXAGE: 300 one-second ticks. */
export const ARP_MAX_AGE_US = 300_000_000;
/** lwIP ARP_TMR_INTERVAL: pending entries are re-requested once a second. */
export const ARP_RETRY_US = 1_000_000;
/** lwIP ARP_MAXPENDING: a pending entry lives 5 ticks, i.e. 5 requests, then its queue is dropped. */
export const ARP_MAX_REQUESTS = 5;
/** lwIP ARP_QUEUE_LEN: frames kept per unresolved address (the oldest is dropped beyond it). */
export const ARP_QUEUE_LEN = 3;

export interface ArpEntry {
  mac: MacAddr;
  /** Virtual time after which the entry is stale (Infinity for static entries). */
  expiresAt: number;
}

interface Pending {
  frames: Uint8Array[];
  requests: number;
  timer: TimerId | undefined;
}

export type ArpOutcome = 'sent' | 'queued';

export class ArpCache {
  private entries = new Map<Ipv4Addr, ArpEntry>();
  private pending = new Map<Ipv4Addr, Pending>();
  /** The entry lookup() found last and its address (undefined once that entry may have changed). */
  private last: ArpEntry | undefined;
  private lastIp: Ipv4Addr = 0;
  /** Called with the IP whose address another station claims (our address in its sender field). */
  onConflict: ((ip: Ipv4Addr, mac: MacAddr) => void) | undefined;
  /** Sees every valid ARP packet received (the DHCP client's address conflict check). */
  onPacket: ((a: ArpRepr) => void) | undefined;

  constructor(
    private readonly sim: Simulator,
    private readonly device: string,
    private readonly nic: NetDevice,
    /** This interface's address (0 while unconfigured). */
    private readonly ownIp: () => Ipv4Addr,
    readonly counters: Counters,
  ) {}

  /** The MAC for `ip`, or undefined when unknown or expired. */
  lookup(ip: Ipv4Addr): MacAddr | undefined {
    // The last address looked up again (a connection's every segment): no map lookup.
    const last = this.last;
    const e = last !== undefined && this.lastIp === ip ? last : this.entries.get(ip);
    if (!e) return undefined;
    if (e.expiresAt <= this.sim.now) {
      this.entries.delete(ip);
      this.last = undefined;
      bump(this.counters, 'expired');
      return undefined;
    }
    this.lastIp = ip;
    this.last = e;
    return e.mac;
  }

  /** Live entries (expired ones are left out). */
  table(): Array<{ ip: Ipv4Addr; mac: MacAddr; expiresAt: number }> {
    const out: Array<{ ip: Ipv4Addr; mac: MacAddr; expiresAt: number }> = [];
    for (const [ip, e] of this.entries) if (e.expiresAt > this.sim.now) out.push({ ip, ...e });
    return out;
  }

  /** Frames waiting for `ip` to resolve. */
  queued(ip: Ipv4Addr): number {
    return this.pending.get(ip)?.frames.length ?? 0;
  }

  /** Adds a permanent entry (never expires). */
  addStatic(ip: Ipv4Addr, mac: MacAddr): void {
    this.update(ip, mac, Infinity);
  }

  /** Sends `frame` (blank Ethernet header) to `nextHop`, resolving it first when needed. */
  output(nextHop: Ipv4Addr, frame: Uint8Array): ArpOutcome {
    const mac = this.lookup(nextHop);
    if (mac !== undefined) {
      this.transmitIp(frame, mac);
      return 'sent';
    }
    let p = this.pending.get(nextHop);
    if (!p) {
      p = { frames: [], requests: 0, timer: undefined };
      this.pending.set(nextHop, p);
      this.request(nextHop, p);
    }
    if (p.frames.length >= ARP_QUEUE_LEN) {
      p.frames.shift();
      bump(this.counters, 'queueOverflow');
    }
    p.frames.push(frame);
    return 'queued';
  }

  /** Handles an ARP packet (the Ethernet payload). */
  input(payload: Uint8Array): void {
    const r = parseArp(payload);
    if (!r.ok) {
      bump(this.counters, 'rxMalformed');
      return;
    }
    const a = r.value;
    bump(this.counters, a.op === ARP_OP_REQUEST ? 'rxRequest' : 'rxReply');
    this.onPacket?.(a);
    const own = this.ownIp();
    if (own !== 0 && a.senderIp === own && a.senderMac !== this.nic.mac) {
      bump(this.counters, 'conflict');
      this.trace('conflict', { ip: ipToString(own), mac: macToString(a.senderMac) });
      this.onConflict?.(own, a.senderMac);
      return;
    }
    const forUs = own !== 0 && a.targetIp === own;
    // lwIP: insert when addressed to us, otherwise only refresh what we already know or wait for.
    if (a.senderIp !== 0 && (forUs || this.entries.has(a.senderIp) || this.pending.has(a.senderIp))) {
      this.update(a.senderIp, a.senderMac, this.sim.now + ARP_MAX_AGE_US);
    }
    if (a.op === ARP_OP_REQUEST && forUs) {
      this.send(a.senderMac, { op: ARP_OP_REPLY, senderMac: this.nic.mac, senderIp: own, targetMac: a.senderMac, targetIp: a.senderIp });
      bump(this.counters, 'txReply');
    }
  }

  /** Gratuitous ARP (a request for our own address), sent when the address changes. */
  announce(): void {
    const own = this.ownIp();
    if (own === 0) return;
    this.send(BROADCAST_MAC, { op: ARP_OP_REQUEST, senderMac: this.nic.mac, senderIp: own, targetMac: 0, targetIp: own });
    bump(this.counters, 'txGratuitous');
  }

  /** ARP probe (sender address 0.0.0.0) for address conflict detection. */
  probe(ip: Ipv4Addr): void {
    this.send(BROADCAST_MAC, { op: ARP_OP_REQUEST, senderMac: this.nic.mac, senderIp: 0, targetMac: 0, targetIp: ip });
    bump(this.counters, 'txProbe');
  }

  /** Forgets everything (address change, link down); queued frames are dropped and counted. */
  flush(): void {
    this.entries.clear();
    this.last = undefined;
    for (const p of this.pending.values()) this.dropPending(p);
    this.pending.clear();
  }

  private update(ip: Ipv4Addr, mac: MacAddr, expiresAt: number): void {
    const cur = this.entries.get(ip);
    if (cur && cur.expiresAt === Infinity && expiresAt !== Infinity) return;
    this.entries.set(ip, { mac, expiresAt });
    if (this.lastIp === ip) this.last = undefined;
    const p = this.pending.get(ip);
    if (p) {
      this.pending.delete(ip);
      this.sim.cancel(p.timer);
      this.trace('resolved', { ip: ipToString(ip), mac: macToString(mac), queued: p.frames.length });
      for (const f of p.frames) this.transmitIp(f, mac);
    }
  }

  private request(ip: Ipv4Addr, p: Pending): void {
    if (p.requests >= ARP_MAX_REQUESTS) {
      this.pending.delete(ip);
      bump(this.counters, 'unresolved');
      this.trace('unresolved', { ip: ipToString(ip), dropped: p.frames.length });
      this.dropPending(p);
      return;
    }
    p.requests++;
    this.send(BROADCAST_MAC, { op: ARP_OP_REQUEST, senderMac: this.nic.mac, senderIp: this.ownIp(), targetMac: 0, targetIp: ip });
    bump(this.counters, 'txRequest');
    p.timer = this.sim.schedule(ARP_RETRY_US, () => this.request(ip, p));
  }

  private dropPending(p: Pending): void {
    this.sim.cancel(p.timer);
    if (p.frames.length) bump(this.counters, 'droppedUnresolved', p.frames.length);
    p.frames = [];
  }

  private transmitIp(frame: Uint8Array, dst: MacAddr): void {
    emitEthernetHeader(frame, 0, dst, this.nic.mac, ETHERTYPE_IPV4);
    this.nic.transmit(frame);
  }

  private send(dst: MacAddr, repr: ArpRepr): void {
    const frame = new Uint8Array(ETH_HEADER_LEN + ARP_LEN);
    emitEthernetHeader(frame, 0, dst, this.nic.mac, ETHERTYPE_ARP);
    emitArpInto(frame, ETH_HEADER_LEN, repr);
    this.nic.transmit(frame);
  }

  private trace(kind: string, fields: Record<string, unknown>): void {
    if (this.sim.trace.wants('arp')) this.sim.trace.emit(this.device, 'arp', kind, { if: this.nic.name, ...fields });
  }
}
