/**
 * DNS resolver of one device (lwIP dns.c behaviour): IP literals and cached
 * names answer at once; otherwise one A query per name in flight (callers
 * asking for the same name share it), a random source port and id per query,
 * retransmissions after 1, 1, 2, 3 s (lwIP DNS_MAX_RETRIES 4, one-second
 * timer, tmr = retries), then the next server, then failure. A small cache
 * (lwIP DNS_TABLE_SIZE 4) keeps answers for their TTL.
 */
import type { Rng } from '../../sim/rng';
import type { Simulator, TimerId } from '../../sim/simulator';
import { bump, type Counters } from '../contracts';
import type { UdpDatagram } from '../udp/api';
import type { UdpLayer } from '../udp/udp';
import { emitDns, parseDns, CLASS_IN, DNS_PORT, RCODE_NOERROR, TYPE_A } from '../wire/dns';
import { parseIp, type Ipv4Addr } from '../wire/types';

/** Seconds to wait after each transmission (lwIP: the first wait is 1 tick, then `retries` ticks). */
export const DNS_RETRY_WAITS_S = [1, 1, 2, 3];
export const DNS_TABLE_SIZE = 4;
/** lwIP DNS_MAX_TTL: one week. */
const DNS_MAX_TTL_S = 604800;

type Callback = (ip: Ipv4Addr | undefined) => void;

interface Query {
  name: string;
  callbacks: Callback[];
  serverIndex: number;
  attempt: number;
  id: number;
  port: number;
  timer: TimerId | undefined;
  handler: (d: UdpDatagram) => void;
}

/** Host names the wire emitter accepts: labels of 1..63 bytes, 253 bytes in all, printable ASCII. */
export function validHostname(name: string): boolean {
  const n = name.endsWith('.') ? name.slice(0, -1) : name;
  if (n.length === 0 || n.length > 253 || !/^[\x21-\x7e]+$/.test(n)) return false;
  return n.split('.').every((l) => l.length >= 1 && l.length <= 63);
}

export class DnsResolver {
  readonly counters: Counters = {};
  /** Servers in order of preference (from DHCP option 6 or static config). */
  servers: Ipv4Addr[] = [];
  private cache = new Map<string, { ip: Ipv4Addr; expiresAt: number }>();
  private inflight = new Map<string, Query>();
  private readonly rng: Rng;

  constructor(
    private readonly udp: UdpLayer,
    private readonly sim: Simulator,
    private readonly device: string,
  ) {
    this.rng = sim.rng(`dns/${device}/id`);
  }

  /** Resolves `name` to an IPv4 address; literals and cache hits call back synchronously. */
  resolve(name: string, cb: Callback): void {
    const literal = parseIp(name);
    if (literal !== undefined) return cb(literal);
    const key = name.toLowerCase().replace(/\.$/, '');
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > this.sim.now) {
      bump(this.counters, 'cacheHit');
      return cb(hit.ip);
    }
    if (hit) this.cache.delete(key);
    const q = this.inflight.get(key);
    if (q) {
      q.callbacks.push(cb);
      return;
    }
    if (!validHostname(key) || this.servers.length === 0) {
      bump(this.counters, this.servers.length === 0 ? 'noServer' : 'badName');
      this.sim.schedule(0, () => cb(undefined));
      return;
    }
    const query: Query = { name: key, callbacks: [cb], serverIndex: 0, attempt: 0, id: 0, port: 0, timer: undefined, handler: () => {} };
    query.handler = (d) => this.receive(query, d);
    this.inflight.set(key, query);
    this.open(query);
  }

  /** Names cached now, for tests and `stats`. */
  cachedNames(): string[] {
    return [...this.cache.keys()];
  }

  private open(q: Query): void {
    const port = this.udp.bind(0, q.handler);
    if (port === 'in-use') return this.finish(q, undefined);
    q.port = port;
    q.id = this.rng.u32() & 0xffff;
    q.attempt = 0;
    this.transmit(q);
  }

  private transmit(q: Query): void {
    const server = this.servers[q.serverIndex];
    const msg = emitDns({
      id: q.id, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, rcode: 0,
      questions: [{ name: q.name, type: TYPE_A, cls: CLASS_IN }],
      answers: [],
    });
    this.udp.sendto(q.port, server, DNS_PORT, msg);
    bump(this.counters, 'txQuery');
    this.trace('query', { name: q.name, attempt: q.attempt });
    const wait = DNS_RETRY_WAITS_S[q.attempt] ?? 1;
    q.timer = this.sim.schedule(wait * 1e6, () => this.timeout(q));
  }

  private timeout(q: Query): void {
    q.attempt++;
    if (q.attempt < DNS_RETRY_WAITS_S.length) return this.transmit(q);
    bump(this.counters, 'timeout');
    this.udp.unbind(q.port, q.handler);
    if (q.serverIndex + 1 < this.servers.length) {
      q.serverIndex++;
      return this.open(q);
    }
    this.finish(q, undefined);
  }

  private receive(q: Query, d: UdpDatagram): void {
    const r = parseDns(d.data);
    if (!r.ok) {
      bump(this.counters, 'rxMalformed');
      return;
    }
    const m = r.value;
    const question = m.questions[0];
    if (!m.qr || m.id !== q.id || d.srcPort !== DNS_PORT || d.src !== this.servers[q.serverIndex] || !question || question.name.toLowerCase() !== q.name) {
      bump(this.counters, 'rxMismatch');
      return;
    }
    this.sim.cancel(q.timer);
    this.udp.unbind(q.port, q.handler);
    const a = m.rcode === RCODE_NOERROR ? m.answers.find((x) => x.type === TYPE_A && x.cls === CLASS_IN && x.address !== undefined) : undefined;
    if (!a || a.address === undefined) {
      bump(this.counters, m.rcode === RCODE_NOERROR ? 'noAnswer' : `rcode${m.rcode}`);
      return this.finish(q, undefined);
    }
    bump(this.counters, 'resolved');
    this.store(q.name, a.address, Math.min(a.ttl, DNS_MAX_TTL_S));
    this.finish(q, a.address);
  }

  private store(name: string, ip: Ipv4Addr, ttlS: number): void {
    if (ttlS <= 0) return;
    this.cache.delete(name);
    if (this.cache.size >= DNS_TABLE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(name, { ip, expiresAt: this.sim.now + ttlS * 1e6 });
  }

  private finish(q: Query, ip: Ipv4Addr | undefined): void {
    this.inflight.delete(q.name);
    this.trace(ip === undefined ? 'failed' : 'answer', { name: q.name });
    for (const cb of q.callbacks) cb(ip);
  }

  private trace(kind: string, fields: Record<string, unknown>): void {
    if (this.sim.trace.wants('dns')) this.sim.trace.emit(this.device, 'dns', kind, fields);
  }
}
