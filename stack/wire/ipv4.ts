/**
 * IPv4 header (RFC 791). Options are skipped on input and never emitted;
 * fragments are not supported (lwIP on the ESP32 reassembles, but nothing in
 * the simulated LAN fragments: every sender honours the 1500-byte MTU).
 */
import { foldSum, pseudoHeaderSum, sumWords } from './checksum';
import { ok, readU16, readU32, wireError, writeU16, writeU32, type Ipv4Addr, type ParseError, type ParseResult } from './types';

/** The four 16-bit words of the two addresses, summed (the pseudo-header's address part). */
const addressWords = (src: Ipv4Addr, dst: Ipv4Addr): number => pseudoHeaderSum(src, dst, 0, 0);

/** Field offsets. */
export const IPV4_VER_IHL = 0;
export const IPV4_TOS = 1;
export const IPV4_TOTAL_LEN = 2;
export const IPV4_IDENT = 4;
export const IPV4_FLAGS_FRAG = 6;
export const IPV4_TTL = 8;
export const IPV4_PROTO = 9;
export const IPV4_CHECKSUM = 10;
export const IPV4_SRC = 12;
export const IPV4_DST = 16;
export const IPV4_HEADER_LEN = 20;
export const IPV4_MTU = 1500;
export const IPV4_MAX_TOTAL_LEN = 0xffff;

export const IPV4_FLAG_DF = 0x4000;
export const IPV4_FLAG_MF = 0x2000;
export const IPV4_FRAG_OFFSET_MASK = 0x1fff;
export const IPV4_DEFAULT_TTL = 64;

export interface Ipv4Repr {
  src: Ipv4Addr;
  dst: Ipv4Addr;
  proto: number;
  ttl: number;
  id: number;
  df: boolean;
  /** DSCP+ECN byte; 0 when absent. */
  tos?: number;
  /** A view into the packet, trimmed to the total length (link padding removed). */
  payload: Uint8Array;
}

/** Header fields for zero-copy emission: a Repr whose payload is given by its length. */
export type Ipv4HeaderRepr = Omit<Ipv4Repr, 'payload'> & { payload?: Uint8Array; payloadLength?: number };

export function parseIpv4(b: Uint8Array): ParseResult<Ipv4Repr> {
  const h = newIpv4Header();
  const error = parseIpv4Into(b, 0, h);
  if (error) return { ok: false, error };
  const { src, dst, proto, ttl, id, df, tos } = h;
  return ok({ src, dst, proto, ttl, id, df, tos, payload: b.subarray(h.payloadStart, h.payloadEnd) });
}

/** A parsed header without a payload view: the payload is b[payloadStart..payloadEnd) of the parsed bytes. */
export type Ipv4Header = Omit<Ipv4Repr, 'payload'> & { payloadStart: number; payloadEnd: number };

/** An Ipv4Header to parse into (parseIpv4Into). */
export function newIpv4Header(): Ipv4Header {
  return { src: 0, dst: 0, proto: 0, ttl: 0, id: 0, df: false, tos: 0, payloadStart: 0, payloadEnd: 0 };
}

/**
 * parseIpv4 of the packet at `off` of `b` (e.g. 14: in its Ethernet frame),
 * into `out` (a receive path's reused object), with the payload's place
 * instead of a view of it. Returns the error, or undefined when parsed.
 */
export function parseIpv4Into(b: Uint8Array, off: number, out: Ipv4Header): ParseError {
  const n = b.length - off;
  if (n < IPV4_HEADER_LEN) return wireError('ipv4', 'truncated', `packet of ${n} bytes`);
  const version = b[off + IPV4_VER_IHL] >> 4;
  if (version !== 4) return wireError('ipv4', 'version', `version ${version}`);
  const headerLen = (b[off + IPV4_VER_IHL] & 0x0f) * 4;
  if (headerLen < IPV4_HEADER_LEN) return wireError('ipv4', 'malformed', `header length ${headerLen}`);
  if (headerLen > n) return wireError('ipv4', 'truncated', `header of ${headerLen} bytes in ${n}`);
  const totalLen = readU16(b, off + IPV4_TOTAL_LEN);
  if (totalLen < headerLen) return wireError('ipv4', 'length', `total length ${totalLen} < header ${headerLen}`);
  if (totalLen > n) return wireError('ipv4', 'truncated', `total length ${totalLen} > ${n} bytes`);
  // The fields are read once, for the checksum and for `out` (options, if any, summed as bytes).
  const flagsFrag = readU16(b, off + IPV4_FLAGS_FRAG);
  const id = readU16(b, off + IPV4_IDENT);
  const src = readU32(b, off + IPV4_SRC);
  const dst = readU32(b, off + IPV4_DST);
  const ttlProto = readU16(b, off + IPV4_TTL);
  let sum = readU16(b, off) + totalLen + id + flagsFrag + ttlProto + readU16(b, off + IPV4_CHECKSUM) + addressWords(src, dst);
  if (headerLen > IPV4_HEADER_LEN) sum = sumWords(b, sum, off + IPV4_HEADER_LEN, off + headerLen);
  if (foldSum(sum) !== 0xffff) return wireError('ipv4', 'checksum', `header checksum 0x${readU16(b, off + IPV4_CHECKSUM).toString(16)}`);
  if (flagsFrag & (IPV4_FLAG_MF | IPV4_FRAG_OFFSET_MASK)) {
    return wireError('ipv4', 'unsupported', `fragment (mf=${(flagsFrag & IPV4_FLAG_MF) !== 0} offset=${(flagsFrag & IPV4_FRAG_OFFSET_MASK) * 8})`);
  }
  out.src = src;
  out.dst = dst;
  out.proto = ttlProto & 0xff;
  out.ttl = ttlProto >>> 8;
  out.id = id;
  out.df = (flagsFrag & IPV4_FLAG_DF) !== 0;
  out.tos = b[off + IPV4_TOS];
  out.payloadStart = off + headerLen;
  out.payloadEnd = off + totalLen;
  return undefined;
}

/**
 * Writes a 20-byte header (checksum filled) at `off` of `buf`. The payload
 * length is `payloadLength` (argument), else `repr.payloadLength`, else
 * `repr.payload.length`. Throws RangeError for a total length over 65535
 * (a programming error: emitters take trusted values).
 */
export function emitIpv4Header(buf: Uint8Array, off: number, repr: Ipv4HeaderRepr, payloadLength?: number): void {
  const len = payloadLength ?? repr.payloadLength ?? repr.payload?.length ?? 0;
  const total = IPV4_HEADER_LEN + len;
  if (total > IPV4_MAX_TOTAL_LEN) throw new RangeError(`IPv4 total length ${total} > 65535`);
  const verTos = 0x4500 | ((repr.tos ?? 0) & 0xff);
  const id = repr.id & 0xffff;
  const flags = repr.df ? IPV4_FLAG_DF : 0;
  const ttlProto = ((repr.ttl & 0xff) << 8) | (repr.proto & 0xff);
  writeU16(buf, off + IPV4_VER_IHL, verTos);
  writeU16(buf, off + IPV4_TOTAL_LEN, total);
  writeU16(buf, off + IPV4_IDENT, id);
  writeU16(buf, off + IPV4_FLAGS_FRAG, flags);
  writeU16(buf, off + IPV4_TTL, ttlProto);
  writeU32(buf, off + IPV4_SRC, repr.src);
  writeU32(buf, off + IPV4_DST, repr.dst);
  // The checksum of the words just written, from their values (the same sum the bytes give).
  const sum = verTos + total + id + flags + ttlProto + addressWords(repr.src, repr.dst);
  writeU16(buf, off + IPV4_CHECKSUM, ~foldSum(sum) & 0xffff);
}

export function emitIpv4(repr: Ipv4Repr): Uint8Array {
  const out = new Uint8Array(IPV4_HEADER_LEN + repr.payload.length);
  emitIpv4Header(out, 0, repr);
  out.set(repr.payload, IPV4_HEADER_LEN);
  return out;
}
