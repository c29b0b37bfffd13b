/**
 * ICMP for one device: echo responder, a ping client with RTT statistics,
 * destination-unreachable generation (port/protocol unreachable for UDP and
 * IP) and delivery of received destination-unreachable messages to the
 * transport that sent the quoted datagram (through Ipv4Layer.deliverIcmpError).
 */
import type { TimerId } from '../../sim/simulator';
import { bump, IPPROTO_ICMP, type Counters, type IpDatagram } from '../contracts';
import type { Ipv4Layer } from '../ipv4/layer';
import { emitIcmp, parseIcmp } from '../wire/icmp';
import { IPV4_HEADER_LEN } from '../wire/ipv4';
import { IPV4_BROADCAST, ipToString, readU16, readU32, type Ipv4Addr } from '../wire/types';

export interface PingOptions {
  count: number;
  intervalUs: number;
  /** Bytes of echo data (ping -s). */
  size: number;
  /** How long each echo waits for its reply. */
  timeoutUs: number;
}

export interface PingStats {
  sent: number;
  received: number;
  lost: number;
  rttsUs: number[];
  /** 0 when nothing came back. */
  minUs: number;
  avgUs: number;
  maxUs: number;
}

interface PingSession {
  ident: number;
  dst: Ipv4Addr;
  opts: PingOptions;
  /** seq → send time, for echoes still waiting. */
  outstanding: Map<number, { sentAt: number; timer: TimerId }>;
  nextSeq: number;
  sent: number;
  rtts: number[];
  lost: number;
  done: (stats: PingStats) => void;
}

/** Bytes of the offending datagram quoted after its IP header (RFC 792: 64 bits). */
const QUOTE_DATA_LEN = 8;

export class IcmpLayer {
  readonly counters: Counters = {};
  private sessions = new Map<number, PingSession>();
  private nextIdent: number;

  constructor(private readonly ip: Ipv4Layer) {
    this.nextIdent = ip.sim.rng(`icmp/${ip.device}/ident`).u32() & 0xffff;
    ip.onProtocol(IPPROTO_ICMP, (d) => this.input(d));
    ip.setUnreachableSender((code, d) => this.sendUnreachable(code, d));
  }

  /** Sends `count` echo requests `intervalUs` apart; `done` gets the statistics after the last reply or timeout. */
  ping(dst: Ipv4Addr, opts: PingOptions, done: (stats: PingStats) => void): void {
    const ident = this.nextIdent;
    this.nextIdent = (this.nextIdent + 1) & 0xffff;
    const s: PingSession = { ident, dst: dst >>> 0, opts, outstanding: new Map(), nextSeq: 1, sent: 0, rtts: [], lost: 0, done };
    this.sessions.set(ident, s);
    if (opts.count <= 0) {
      this.finish(s);
      return;
    }
    this.sendEcho(s);
  }

  private sendEcho(s: PingSession): void {
    const seq = s.nextSeq++;
    const data = new Uint8Array(s.opts.size);
    for (let i = 0; i < data.length; i++) data[i] = (i + 0x10) & 0xff;
    s.sent++;
    const sim = this.ip.sim;
    const timer = sim.schedule(s.opts.timeoutUs, () => {
      s.outstanding.delete(seq);
      s.lost++;
      bump(this.counters, 'pingTimeout');
      this.maybeFinish(s);
    });
    s.outstanding.set(seq, { sentAt: sim.now, timer });
    this.ip.send(IPPROTO_ICMP, s.dst, emitIcmp({ type: 'echo-request', ident: s.ident, seq, data }));
    bump(this.counters, 'txEchoRequest');
    if (s.sent < s.opts.count) sim.schedule(s.opts.intervalUs, () => this.sendEcho(s));
  }

  private maybeFinish(s: PingSession): void {
    if (s.sent >= s.opts.count && s.outstanding.size === 0) this.finish(s);
  }

  private finish(s: PingSession): void {
    this.sessions.delete(s.ident);
    const r = s.rtts;
    const sum = r.reduce((a, b) => a + b, 0);
    s.done({
      sent: s.sent,
      received: r.length,
      lost: s.lost,
      rttsUs: r,
      minUs: r.length ? Math.min(...r) : 0,
      avgUs: r.length ? Math.round(sum / r.length) : 0,
      maxUs: r.length ? Math.max(...r) : 0,
    });
  }

  private input(d: IpDatagram): void {
    const r = parseIcmp(d.payload);
    if (!r.ok) {
      bump(this.counters, r.error.kind === 'checksum' ? 'rxChecksum' : r.error.kind === 'unsupported' ? 'rxUnsupported' : 'rxMalformed');
      return;
    }
    const m = r.value;
    switch (m.type) {
      case 'echo-request':
        bump(this.counters, 'rxEchoRequest');
        // lwIP does not answer echo requests sent to a broadcast address (LWIP_BROADCAST_PING 0).
        if (!this.ip.isOwnAddress(d.dst)) {
          bump(this.counters, 'rxEchoBroadcastIgnored');
          return;
        }
        this.ip.send(IPPROTO_ICMP, d.src, emitIcmp({ type: 'echo-reply', ident: m.ident, seq: m.seq, data: m.data }), { src: d.dst, ifIndex: d.ifIndex });
        bump(this.counters, 'txEchoReply');
        return;
      case 'echo-reply': {
        bump(this.counters, 'rxEchoReply');
        const s = this.sessions.get(m.ident);
        const o = s?.outstanding.get(m.seq);
        if (!s || !o || d.src !== s.dst) {
          bump(this.counters, 'rxEchoReplyUnmatched');
          return;
        }
        this.ip.sim.cancel(o.timer);
        s.outstanding.delete(m.seq);
        s.rtts.push(this.ip.sim.now - o.sentAt);
        this.maybeFinish(s);
        return;
      }
      case 'dest-unreachable':
        bump(this.counters, 'rxDestUnreachable');
        this.deliverError(m.code, d.src, m.quoted);
        return;
    }
  }

  /** Decodes the quoted IP header + 8 bytes and hands it to the transport's listeners. */
  private deliverError(code: number, reporter: Ipv4Addr, q: Uint8Array): void {
    const ihl = q.length > 0 ? (q[0] & 0x0f) * 4 : 0;
    if (q.length < IPV4_HEADER_LEN || q[0] >> 4 !== 4 || ihl < IPV4_HEADER_LEN || q.length < ihl) {
      bump(this.counters, 'rxErrorBadQuote');
      return;
    }
    const hasPorts = q.length >= ihl + 4;
    this.ip.deliverIcmpError({
      code,
      reporter,
      src: readU32(q, 12),
      dst: readU32(q, 16),
      proto: q[9],
      srcPort: hasPorts ? readU16(q, ihl) : 0,
      dstPort: hasPorts ? readU16(q, ihl + 2) : 0,
    });
  }

  /** Destination unreachable quoting `d` (never about broadcasts, unspecified sources or ICMP errors). */
  sendUnreachable(code: number, d: IpDatagram): void {
    if (d.dst === IPV4_BROADCAST || d.src === 0 || !this.ip.isOwnAddress(d.dst)) {
      bump(this.counters, 'unreachableSuppressed');
      return;
    }
    if (d.proto === IPPROTO_ICMP && d.payload.length > 0 && d.payload[0] !== 8 && d.payload[0] !== 0) {
      bump(this.counters, 'unreachableSuppressed');
      return;
    }
    const ihl = (d.packet[0] & 0x0f) * 4;
    const quoted = d.packet.subarray(0, Math.min(d.packet.length, ihl + QUOTE_DATA_LEN));
    this.ip.send(IPPROTO_ICMP, d.src, emitIcmp({ type: 'dest-unreachable', code, quoted }), { src: d.dst, ifIndex: d.ifIndex });
    bump(this.counters, 'txDestUnreachable');
    if (this.ip.sim.trace.wants('icmp')) {
      this.ip.sim.trace.emit(this.ip.device, 'icmp', 'unreachable', { code, to: ipToString(d.src) });
    }
  }
}
