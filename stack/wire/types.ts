/**
 * Shared wire-level types: parse results, typed errors, and address helpers.
 * IPv4 addresses are unsigned 32-bit numbers (host order, 192.168.1.1 =
 * 0xc0a80101); MAC addresses are 48-bit numbers (exact in a JS number).
 */
export type Ipv4Addr = number;
export type MacAddr = number;

export type WireLayer = 'ethernet' | 'arp' | 'ipv4' | 'icmp' | 'udp' | 'tcp' | 'dhcp' | 'dns' | 'dot11' | 'espnow' | 'radiotap';
export type WireErrorKind = 'truncated' | 'checksum' | 'length' | 'version' | 'unsupported' | 'malformed';

export interface WireError {
  layer: WireLayer;
  kind: WireErrorKind;
  detail: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: WireError };

export function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(layer: WireLayer, kind: WireErrorKind, detail: string): ParseResult<T> {
  return { ok: false, error: wireError(layer, kind, detail) };
}

export function wireError(layer: WireLayer, kind: WireErrorKind, detail: string): WireError {
  return { layer, kind, detail };
}

/** What a parser that fills a caller's object (parseXInto) answers: undefined = parsed. */
export type ParseError = WireError | undefined;

export const BROADCAST_MAC: MacAddr = 0xffffffffffff;
export const IPV4_ANY: Ipv4Addr = 0;
export const IPV4_BROADCAST: Ipv4Addr = 0xffffffff;

export function ipToString(ip: Ipv4Addr): string {
  return `${(ip >>> 24) & 255}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

/** Parses dotted-quad text; returns undefined when it is not a valid IPv4 address. */
export function parseIp(text: string): Ipv4Addr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function macToString(mac: MacAddr): string {
  const out: string[] = [];
  for (let i = 5; i >= 0; i--) out.push((Math.floor(mac / 2 ** (8 * i)) % 256).toString(16).padStart(2, '0'));
  return out.join(':');
}

export function parseMac(text: string): MacAddr | undefined {
  const m = /^([0-9a-f]{2})(?::([0-9a-f]{2})){5}$/i.exec(text.trim());
  if (!m) return undefined;
  return text.split(':').reduce((acc, h) => acc * 256 + parseInt(h, 16), 0);
}

export function readMac(b: Uint8Array, off: number): MacAddr {
  return ((b[off] << 8) | b[off + 1]) * 2 ** 32 + (((b[off + 2] << 24) | (b[off + 3] << 16) | (b[off + 4] << 8) | b[off + 5]) >>> 0);
}

export function writeMac(b: Uint8Array, off: number, mac: MacAddr): void {
  const hi = Math.floor(mac * 2 ** -32); // exact (a power of two), and a multiplication costs less than a division
  const lo = mac >>> 0;
  b[off] = (hi >>> 8) & 255;
  b[off + 1] = hi & 255;
  b[off + 2] = lo >>> 24;
  b[off + 3] = (lo >>> 16) & 255;
  b[off + 4] = (lo >>> 8) & 255;
  b[off + 5] = lo & 255;
}

export function readU32(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

export function writeU32(b: Uint8Array, off: number, v: number): void {
  b[off] = v >>> 24;
  b[off + 1] = (v >>> 16) & 255;
  b[off + 2] = (v >>> 8) & 255;
  b[off + 3] = v & 255;
}

/** The one empty byte view (a payload of nothing, a frame slot not yet filled): it holds nothing, so it is shared. */
export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

/*
 * Uint8Array's set and subarray, called as constants. Under Node 20, V8's
 * optimized code loads a typed array's method with a generic inline-cache
 * call (LoadIC) at every call site: the data path's copies and views paid
 * one each (LoadIC 3.3% of the tcp-stack bench's main-thread samples in
 * perf; 1.6% with these, all from code not yet optimized). A constant
 * method called through .call is not looked up.
 */
const U8_SET = Uint8Array.prototype.set;
const U8_SUBARRAY = Uint8Array.prototype.subarray;

/** dst.set(src, at). */
export function copyBytes(dst: Uint8Array, src: Uint8Array, at: number): void {
  U8_SET.call(dst, src, at);
}

/** b.subarray(from, to). */
export function bytesView(b: Uint8Array, from: number, to: number): Uint8Array {
  return U8_SUBARRAY.call(b, from, to) as Uint8Array;
}

export function readU16(b: Uint8Array, off: number): number {
  return (b[off] << 8) | b[off + 1];
}

export function writeU16(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 8) & 255;
  b[off + 1] = v & 255;
}

/** True when `ip` is inside `net`/`prefixLen`. */
export function inSubnet(ip: Ipv4Addr, net: Ipv4Addr, prefixLen: number): boolean {
  if (prefixLen === 0) return true;
  const mask = (0xffffffff << (32 - prefixLen)) >>> 0;
  return ((ip & mask) >>> 0) === ((net & mask) >>> 0);
}

export function prefixToMask(prefixLen: number): Ipv4Addr {
  return prefixLen === 0 ? 0 : (0xffffffff << (32 - prefixLen)) >>> 0;
}
