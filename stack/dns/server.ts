/**
 * DNS server (the access point's): answers A queries from a name → address
 * table, case-insensitively; NXDOMAIN for unknown names, an empty NOERROR
 * answer for known names asked with another type (AAAA), NOTIMP for other
 * opcodes. Device names are added as "<id>" and "<id>.lan". Names are looked
 * up in the table first, then through the optional `lookup` function (the
 * access point's live view of its devices and internet hosts).
 */
import type { Simulator } from '../../sim/simulator';
import { bump, type Counters } from '../contracts';
import type { UdpDatagram } from '../udp/api';
import { UdpLayer } from '../udp/udp';
import { emitDns, parseDns, CLASS_IN, DNS_PORT, RCODE_NOERROR, RCODE_NOTIMP, RCODE_NXDOMAIN, TYPE_A, type DnsRepr } from '../wire/dns';
import type { Ipv4Addr } from '../wire/types';

export interface DnsServerOptions {
  udp: UdpLayer;
  sim?: Simulator;
  /** Device id for traces. */
  device?: string;
  /** Consulted for names not in the table (undefined → NXDOMAIN). */
  lookup?: (name: string) => Ipv4Addr | undefined;
  /** TTL of the answers, seconds (default 60). */
  ttl?: number;
}

export class DnsServer {
  readonly counters: Counters = {};
  readonly ttl: number;
  private table = new Map<string, Ipv4Addr>();
  private readonly handler = (d: UdpDatagram) => this.receive(d);
  private readonly udp: UdpLayer;
  private started = false;

  private readonly opts: DnsServerOptions;

  /** Binds UDP port 53 at once; `new DnsServer(stack.udp)` or `new DnsServer({ udp, sim, device, lookup })`. */
  constructor(arg: UdpLayer | DnsServerOptions, ttl?: number) {
    this.opts = arg instanceof UdpLayer ? { udp: arg, ttl } : arg;
    this.udp = this.opts.udp;
    this.ttl = this.opts.ttl ?? 60;
    this.start();
  }

  /** Binds UDP port 53 (idempotent); false when the port is taken. */
  start(): boolean {
    if (this.started) return true;
    this.started = this.udp.bind(DNS_PORT, this.handler) !== 'in-use';
    return this.started;
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.udp.unbind(DNS_PORT, this.handler);
  }

  add(name: string, ip: Ipv4Addr): void {
    this.table.set(normalise(name), ip >>> 0);
  }

  remove(name: string): void {
    this.table.delete(normalise(name));
  }

  /** A device of the simulation: "<id>" and "<id>.lan". */
  addDevice(id: string, ip: Ipv4Addr): void {
    this.add(id, ip);
    this.add(`${id}.lan`, ip);
  }

  lookup(name: string): Ipv4Addr | undefined {
    const key = normalise(name);
    return this.table.get(key) ?? this.opts.lookup?.(key);
  }

  entries(): Array<[string, Ipv4Addr]> {
    return [...this.table.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  private receive(d: UdpDatagram): void {
    const r = parseDns(d.data);
    if (!r.ok) {
      bump(this.counters, 'rxMalformed');
      return;
    }
    const q = r.value;
    if (q.qr) {
      bump(this.counters, 'rxNotQuery');
      return;
    }
    bump(this.counters, 'rxQuery');
    const reply: DnsRepr = { id: q.id, qr: true, opcode: q.opcode, aa: true, tc: false, rd: q.rd, ra: true, rcode: RCODE_NOERROR, questions: q.questions, answers: [] };
    if (q.opcode !== 0) reply.rcode = RCODE_NOTIMP;
    else {
      for (const question of q.questions) {
        const ip = this.lookup(question.name);
        if (ip === undefined) reply.rcode = RCODE_NXDOMAIN;
        else if (question.type === TYPE_A && question.cls === CLASS_IN) {
          reply.answers.push({ name: question.name, type: TYPE_A, cls: CLASS_IN, ttl: this.ttl, data: new Uint8Array(0), address: ip });
        }
      }
    }
    let bytes: Uint8Array;
    try {
      bytes = emitDns(reply);
    } catch {
      bump(this.counters, 'rxUnanswerable');
      return;
    }
    bump(this.counters, reply.rcode === RCODE_NXDOMAIN ? 'txNxdomain' : 'txAnswer');
    if (this.opts.sim?.trace.wants('dns')) {
      this.opts.sim.trace.emit(this.opts.device ?? '?', 'dns', 'server-answer', { name: q.questions[0]?.name ?? '', rcode: reply.rcode });
    }
    this.udp.sendto(DNS_PORT, d.src, d.srcPort, bytes, { src: d.dst === 0xffffffff ? undefined : d.dst });
  }
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
