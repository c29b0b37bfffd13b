/**
 * DNS messages (RFC 1035): header, questions and answer records, with name
 * compression. Authority and additional sections are not kept.
 */
import { fail, ok, readU16, readU32, writeU16, writeU32, type Ipv4Addr, type ParseResult } from './types';

export const DNS_PORT = 53;
export const TYPE_A = 1;
export const TYPE_CNAME = 5;
export const TYPE_AAAA = 28;
export const CLASS_IN = 1;
export const RCODE_NOERROR = 0;
export const RCODE_FORMERR = 1;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;
export const RCODE_NOTIMP = 4;
export const RCODE_REFUSED = 5;

/** Field offsets. */
export const DNS_ID = 0;
export const DNS_FLAGS = 2;
export const DNS_QDCOUNT = 4;
export const DNS_ANCOUNT = 6;
export const DNS_NSCOUNT = 8;
export const DNS_ARCOUNT = 10;
export const DNS_HEADER_LEN = 12;

export const DNS_FLAG_QR = 0x8000;
export const DNS_FLAG_AA = 0x0400;
export const DNS_FLAG_TC = 0x0200;
export const DNS_FLAG_RD = 0x0100;
export const DNS_FLAG_RA = 0x0080;
export const DNS_MAX_NAME_LEN = 255;
export const DNS_MAX_LABEL_LEN = 63;
export const DNS_MAX_POINTERS = 64;

export interface DnsQuestion {
  name: string;
  type: number;
  cls: number;
}

export interface DnsAnswer {
  name: string;
  type: number;
  cls: number;
  ttl: number;
  /** RDATA as received (a copy); names inside it may be compressed pointers. */
  data: Uint8Array;
  /** For A/IN records with 4 bytes of data. On emit, when set for an A record, it is the RDATA. */
  address?: Ipv4Addr;
}

export interface DnsRepr {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  rcode: number;
  questions: DnsQuestion[];
  answers: DnsAnswer[];
}

type NameResult = { ok: true; name: string; next: number } | { ok: false; kind: 'truncated' | 'malformed'; detail: string };

/**
 * Reads a (possibly compressed) name at `off`. Pointers must point strictly
 * backwards (so no loop can form) and the expanded name is at most 255 bytes.
 */
export function readDnsName(b: Uint8Array, off: number): NameResult {
  const labels: string[] = [];
  let pos = off;
  let next = -1;
  let wireLen = 1;
  let jumps = 0;
  for (;;) {
    if (pos >= b.length) return { ok: false, kind: 'truncated', detail: `name at ${off} runs past the end` };
    const len = b[pos];
    if (len === 0) break;
    const tag = len & 0xc0;
    if (tag === 0xc0) {
      if (pos + 2 > b.length) return { ok: false, kind: 'truncated', detail: 'pointer cut short' };
      const target = readU16(b, pos) & 0x3fff;
      if (target >= pos) return { ok: false, kind: 'malformed', detail: `pointer at ${pos} to ${target} does not point backwards` };
      if (++jumps > DNS_MAX_POINTERS) return { ok: false, kind: 'malformed', detail: 'too many compression pointers' };
      if (next < 0) next = pos + 2;
      pos = target;
      continue;
    }
    if (tag !== 0) return { ok: false, kind: 'malformed', detail: `label type 0x${tag.toString(16)}` };
    if (pos + 1 + len > b.length) return { ok: false, kind: 'truncated', detail: 'label past the end' };
    wireLen += 1 + len;
    if (wireLen > DNS_MAX_NAME_LEN) return { ok: false, kind: 'malformed', detail: 'name longer than 255 bytes' };
    labels.push(String.fromCharCode(...b.subarray(pos + 1, pos + 1 + len)));
    pos += 1 + len;
  }
  return { ok: true, name: labels.join('.'), next: next < 0 ? pos + 1 : next };
}

export function parseDns(b: Uint8Array): ParseResult<DnsRepr> {
  if (b.length < DNS_HEADER_LEN) return fail('dns', 'truncated', `message of ${b.length} bytes`);
  const flags = readU16(b, DNS_FLAGS);
  const repr: DnsRepr = {
    id: readU16(b, DNS_ID),
    qr: (flags & DNS_FLAG_QR) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & DNS_FLAG_AA) !== 0,
    tc: (flags & DNS_FLAG_TC) !== 0,
    rd: (flags & DNS_FLAG_RD) !== 0,
    ra: (flags & DNS_FLAG_RA) !== 0,
    rcode: flags & 0xf,
    questions: [],
    answers: [],
  };
  let pos = DNS_HEADER_LEN;
  const qd = readU16(b, DNS_QDCOUNT);
  for (let k = 0; k < qd; k++) {
    const n = readDnsName(b, pos);
    if (!n.ok) return fail('dns', n.kind, `question ${k}: ${n.detail}`);
    if (n.next + 4 > b.length) return fail('dns', 'truncated', `question ${k} type/class`);
    repr.questions.push({ name: n.name, type: readU16(b, n.next), cls: readU16(b, n.next + 2) });
    pos = n.next + 4;
  }
  const an = readU16(b, DNS_ANCOUNT);
  for (let k = 0; k < an; k++) {
    const n = readDnsName(b, pos);
    if (!n.ok) return fail('dns', n.kind, `answer ${k}: ${n.detail}`);
    if (n.next + 10 > b.length) return fail('dns', 'truncated', `answer ${k} fixed fields`);
    const rdlen = readU16(b, n.next + 8);
    const start = n.next + 10;
    if (start + rdlen > b.length) return fail('dns', 'truncated', `answer ${k} data of ${rdlen} bytes`);
    const a: DnsAnswer = {
      name: n.name,
      type: readU16(b, n.next),
      cls: readU16(b, n.next + 2),
      ttl: readU32(b, n.next + 4),
      data: b.slice(start, start + rdlen),
    };
    if (a.type === TYPE_A && a.cls === CLASS_IN && rdlen === 4) a.address = readU32(b, start);
    repr.answers.push(a);
    pos = start + rdlen;
  }
  return ok(repr);
}

/** Grows as names are written; remembers where each name suffix starts for compression. */
class DnsWriter {
  private buf = new Uint8Array(512);
  len = 0;
  private readonly suffixes = new Map<string, number>();

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    bigger.set(this.buf.subarray(0, this.len));
    this.buf = bigger;
  }

  u8(v: number): void { this.reserve(1); this.buf[this.len++] = v & 0xff; }
  u16(v: number): void { this.reserve(2); writeU16(this.buf, this.len, v & 0xffff); this.len += 2; }
  u32(v: number): void { this.reserve(4); writeU32(this.buf, this.len, v >>> 0); this.len += 4; }
  bytes(d: Uint8Array): void { this.reserve(d.length); this.buf.set(d, this.len); this.len += d.length; }
  patchU16(off: number, v: number): void { writeU16(this.buf, off, v); }

  /** Writes `name`, replacing any already-written suffix by a pointer (exact, case-sensitive match). */
  name(name: string): void {
    const trimmed = name.endsWith('.') ? name.slice(0, -1) : name;
    const labels = trimmed === '' ? [] : trimmed.split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.');
      const at = this.suffixes.get(suffix);
      if (at !== undefined) { this.u16(0xc000 | at); return; }
      if (this.len < 0x4000) this.suffixes.set(suffix, this.len);
      const label = labels[i];
      if (label.length === 0 || label.length > DNS_MAX_LABEL_LEN) throw new RangeError(`DNS label "${label}" of ${label.length} bytes`);
      this.u8(label.length);
      for (let c = 0; c < label.length; c++) this.u8(label.charCodeAt(c));
    }
    this.u8(0);
  }

  result(): Uint8Array { return this.buf.slice(0, this.len); }
}

/** Emits a message; answer names equal to an earlier name (or its suffix) are compressed. */
export function emitDns(r: DnsRepr): Uint8Array {
  const w = new DnsWriter();
  w.u16(r.id);
  const flags = (r.qr ? DNS_FLAG_QR : 0) | ((r.opcode & 0xf) << 11) | (r.aa ? DNS_FLAG_AA : 0) | (r.tc ? DNS_FLAG_TC : 0)
    | (r.rd ? DNS_FLAG_RD : 0) | (r.ra ? DNS_FLAG_RA : 0) | (r.rcode & 0xf);
  w.u16(flags);
  w.u16(r.questions.length);
  w.u16(r.answers.length);
  w.u16(0);
  w.u16(0);
  for (const q of r.questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.cls);
  }
  for (const a of r.answers) {
    w.name(a.name);
    w.u16(a.type);
    w.u16(a.cls);
    w.u32(a.ttl);
    if (a.address !== undefined && a.type === TYPE_A) {
      w.u16(4);
      w.u32(a.address);
    } else {
      w.u16(a.data.length);
      w.bytes(a.data);
    }
  }
  return w.result();
}
