/**
 * TCP header (RFC 9293 §3.1) with the IPv4 pseudo-header checksum. Options:
 * MSS (kind 2), window scale (3), SACK permitted (4); others are skipped after
 * a length check. Parsing never throws on untrusted bytes.
 */
import { checksumOk, internetChecksum, pseudoHeaderSum, type WordView } from './checksum';
import { bytesView, copyBytes, EMPTY_BYTES, ok, readU16, readU32, wireError, writeU16, writeU32, type Ipv4Addr, type ParseError, type ParseResult } from './types';

export const TCP_FIN = 1;
export const TCP_SYN = 2;
export const TCP_RST = 4;
export const TCP_PSH = 8;
export const TCP_ACK = 16;
export const TCP_URG = 32;
export const TCP_ECE = 64;
export const TCP_CWR = 128;

/** Field offsets. */
export const TCP_SRC_PORT = 0;
export const TCP_DST_PORT = 2;
export const TCP_SEQ = 4;
export const TCP_ACKNO = 8;
export const TCP_OFFSET = 12;
export const TCP_FLAGS = 13;
export const TCP_WINDOW = 14;
export const TCP_CHECKSUM = 16;
export const TCP_URGENT = 18;
export const TCP_HEADER_LEN = 20;

const IPPROTO_TCP = 6;
const OPT_END = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;
const OPT_WSCALE = 3;
const OPT_SACK_PERMITTED = 4;

export interface TcpRepr {
  srcPort: number;
  dstPort: number;
  /** Sequence and acknowledgment numbers: parsed as signed 32-bit (stack/tcp/seq.ts), emitted from either form; print with `>>> 0`. */
  seq: number;
  ack: number;
  flags: number;
  window: number;
  urgent: number;
  mss?: number;
  wscale?: number;
  sackPermitted?: boolean;
  /** On parse: a view into the segment. */
  payload: Uint8Array;
}

export interface TcpParseOptions {
  /** Verify the pseudo-header checksum (default true). */
  verifyChecksum?: boolean;
  /** The receiver's word view for the checksum (see WordView). */
  words?: WordView;
}


/**
 * A TcpRepr to parse into (parseTcpInto) or to send from. The options are
 * there from the start (undefined): a reused header that gains one later
 * changes its hidden class, and the sites that read or write it (parse,
 * emit, the sender's header) then see several.
 */
export function newTcpRepr(): TcpRepr {
  return { srcPort: 0, dstPort: 0, seq: 0, ack: 0, flags: 0, window: 0, urgent: 0, payload: EMPTY_BYTES, mss: undefined, wscale: undefined, sackPermitted: undefined };
}

/** Parses one TCP segment (the IPv4 payload, already trimmed to the IP total length). */
export function parseTcp(b: Uint8Array, src: Ipv4Addr, dst: Ipv4Addr, opts?: TcpParseOptions): ParseResult<TcpRepr> {
  const repr = newTcpRepr();
  const error = parseTcpInto(b, 0, b.length, src, dst, repr, opts);
  return error ? { ok: false, error } : ok(repr);
}

/**
 * parseTcp of the segment b[off..end) (e.g. where it lies in its frame), into
 * `out` (a receive path's reused object). The options absent from this
 * segment read undefined; `out.payload` is a new view every time (one shared
 * empty view when there is no payload), so it may be kept. Returns the error,
 * or undefined when parsed.
 */
export function parseTcpInto(b: Uint8Array, off: number, end: number, src: Ipv4Addr, dst: Ipv4Addr, out: TcpRepr, opts?: TcpParseOptions): ParseError {
  const n = end - off;
  if (n < TCP_HEADER_LEN) return wireError('tcp', 'truncated', `segment of ${n} bytes`);
  const hlen = (b[off + TCP_OFFSET] >>> 4) * 4;
  if (hlen < TCP_HEADER_LEN) return wireError('tcp', 'malformed', `data offset ${hlen}`);
  if (hlen > n) return wireError('tcp', 'truncated', `data offset ${hlen} > ${n} bytes`);
  if (opts?.verifyChecksum !== false && !checksumOk(b, pseudoHeaderSum(src, dst, IPPROTO_TCP, n), off, end, opts?.words)) {
    return wireError('tcp', 'checksum', `checksum 0x${readU16(b, off + TCP_CHECKSUM).toString(16)}`);
  }
  out.srcPort = readU16(b, off + TCP_SRC_PORT);
  out.dstPort = readU16(b, off + TCP_DST_PORT);
  out.seq = readU32(b, off + TCP_SEQ) | 0;
  out.ack = readU32(b, off + TCP_ACKNO) | 0;
  out.flags = b[off + TCP_FLAGS];
  out.window = readU16(b, off + TCP_WINDOW);
  out.urgent = readU16(b, off + TCP_URGENT);
  // A pure ACK shares the one empty view (a view of nothing holds nothing; one allocation less per ACK).
  out.payload = off + hlen === end ? EMPTY_BYTES : bytesView(b, off + hlen, end);
  // A reused object: forget the previous segment's options (a fresh one never had them).
  if (out.mss !== undefined) out.mss = undefined;
  if (out.wscale !== undefined) out.wscale = undefined;
  if (out.sackPermitted !== undefined) out.sackPermitted = undefined;
  if (hlen > TCP_HEADER_LEN) {
    const err = parseOptions(off === 0 ? b : b.subarray(off, end), hlen, out);
    if (err) return wireError('tcp', 'malformed', err);
  }
  return undefined;
}

/** Reads the options area into `repr`; returns an error text or undefined. */
function parseOptions(b: Uint8Array, hlen: number, repr: TcpRepr): string | undefined {
  let i = TCP_HEADER_LEN;
  while (i < hlen) {
    const kind = b[i];
    if (kind === OPT_END) break;
    if (kind === OPT_NOP) {
      i++;
      continue;
    }
    if (i + 1 >= hlen) return `option ${kind} without length`;
    const len = b[i + 1];
    if (len < 2 || i + len > hlen) return `option ${kind} length ${len}`;
    if (kind === OPT_MSS) {
      if (len !== 4) return `MSS option length ${len}`;
      repr.mss = readU16(b, i + 2);
    } else if (kind === OPT_WSCALE) {
      if (len !== 3) return `window scale option length ${len}`;
      repr.wscale = b[i + 2];
    } else if (kind === OPT_SACK_PERMITTED) {
      if (len !== 2) return `SACK-permitted option length ${len}`;
      repr.sackPermitted = true;
    }
    i += len;
  }
  return undefined;
}

function optionsLength(repr: TcpRepr): number {
  return (repr.mss !== undefined ? 4 : 0) + (repr.sackPermitted ? 4 : 0) + (repr.wscale !== undefined ? 4 : 0);
}

/** Bytes the segment takes on the wire: header, options, payload. */
export function tcpSegmentLength(repr: TcpRepr): number {
  return TCP_HEADER_LEN + optionsLength(repr) + repr.payload.length;
}

/** Writes header, options and payload at `off` of `buf`; fills the checksum; returns the segment length. */
/** `view`: the sender's word view for the checksum (see WordView). */
export function emitTcpInto(buf: Uint8Array, off: number, repr: TcpRepr, src: Ipv4Addr, dst: Ipv4Addr, view?: WordView): number {
  const hlen = TCP_HEADER_LEN + optionsLength(repr);
  const length = hlen + repr.payload.length;
  writeU16(buf, off + TCP_SRC_PORT, repr.srcPort);
  writeU16(buf, off + TCP_DST_PORT, repr.dstPort);
  writeU32(buf, off + TCP_SEQ, repr.seq >>> 0);
  writeU32(buf, off + TCP_ACKNO, repr.ack >>> 0);
  buf[off + TCP_OFFSET] = (hlen / 4) << 4;
  buf[off + TCP_FLAGS] = repr.flags & 0xff;
  writeU16(buf, off + TCP_WINDOW, repr.window);
  writeU16(buf, off + TCP_CHECKSUM, 0);
  writeU16(buf, off + TCP_URGENT, repr.urgent);
  let o = off + TCP_HEADER_LEN;
  if (repr.mss !== undefined) {
    buf[o] = OPT_MSS;
    buf[o + 1] = 4;
    writeU16(buf, o + 2, repr.mss);
    o += 4;
  }
  if (repr.sackPermitted) {
    buf[o] = OPT_NOP;
    buf[o + 1] = OPT_NOP;
    buf[o + 2] = OPT_SACK_PERMITTED;
    buf[o + 3] = 2;
    o += 4;
  }
  if (repr.wscale !== undefined) {
    buf[o] = OPT_NOP;
    buf[o + 1] = OPT_WSCALE;
    buf[o + 2] = 3;
    buf[o + 3] = repr.wscale;
    o += 4;
  }
  copyBytes(buf, repr.payload, o);
  writeU16(buf, off + TCP_CHECKSUM, internetChecksum(buf, pseudoHeaderSum(src, dst, IPPROTO_TCP, length), off, off + length, view));
  return length;
}

/**
 * The segment's bytes. With `headroom`, they sit at that offset of a larger
 * buffer (the returned view), leaving room for lower-layer headers in front.
 * `alloc` must return zeroed bytes (the headroom is left for others to fill).
 */
export function emitTcp(
  repr: TcpRepr,
  src: Ipv4Addr,
  dst: Ipv4Addr,
  headroom = 0,
  alloc: (n: number) => Uint8Array = (n) => new Uint8Array(n),
): Uint8Array {
  const len = TCP_HEADER_LEN + optionsLength(repr) + repr.payload.length;
  const out = alloc(headroom + len);
  emitTcpInto(out, headroom, repr, src, dst);
  return headroom ? out.subarray(headroom) : out;
}

const FLAG_CHARS: [number, string][] = [
  [TCP_FIN, 'F'],
  [TCP_SYN, 'S'],
  [TCP_RST, 'R'],
  [TCP_PSH, 'P'],
  [TCP_ACK, '.'],
  [TCP_URG, 'U'],
  [TCP_ECE, 'E'],
  [TCP_CWR, 'W'],
];

/** tcpdump-style flags: `S`, `S.`, `.`, `P.`, `F.`, `FP.`, `R`, `R.`; `none` when no flag is set. */
export function formatTcpFlags(flags: number): string {
  let s = '';
  for (const [bit, ch] of FLAG_CHARS) if (flags & bit) s += ch;
  return s || 'none';
}

/** One readable line: `54321→10000 [S] seq=1000 win=5760 mss=1440`. */
export function formatSegment(r: TcpRepr): string {
  let s = `${r.srcPort}→${r.dstPort} [${formatTcpFlags(r.flags)}] seq=${r.seq >>> 0}`;
  if (r.flags & TCP_ACK) s += ` ack=${r.ack >>> 0}`;
  s += ` win=${r.window}`;
  if (r.mss !== undefined) s += ` mss=${r.mss}`;
  if (r.wscale !== undefined) s += ` wscale=${r.wscale}`;
  if (r.sackPermitted) s += ' sackOK';
  if (r.payload.length) s += ` len=${r.payload.length}`;
  return s;
}
