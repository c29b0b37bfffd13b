/** UDP (RFC 768) with the IPv4 pseudo-header checksum. */
import { internetChecksum, pseudoHeaderSum, checksumOk } from './checksum';
import { fail, ok, readU16, writeU16, type Ipv4Addr, type ParseResult } from './types';

/** Field offsets. */
export const UDP_SRC_PORT = 0;
export const UDP_DST_PORT = 2;
export const UDP_LENGTH = 4;
export const UDP_CHECKSUM = 6;
export const UDP_HEADER_LEN = 8;
const IPPROTO_UDP = 17;

export interface UdpRepr {
  srcPort: number;
  dstPort: number;
  /** A view into the datagram, trimmed to the UDP length field. */
  payload: Uint8Array;
}

/** Parses a datagram; a zero checksum field means "no checksum" and is accepted. */
export function parseUdp(b: Uint8Array, src: Ipv4Addr, dst: Ipv4Addr): ParseResult<UdpRepr> {
  if (b.length < UDP_HEADER_LEN) return fail('udp', 'truncated', `datagram of ${b.length} bytes`);
  const length = readU16(b, UDP_LENGTH);
  if (length < UDP_HEADER_LEN) return fail('udp', 'length', `length field ${length}`);
  if (length > b.length) return fail('udp', 'truncated', `length field ${length} > ${b.length} bytes`);
  const datagram = b.subarray(0, length);
  if (readU16(b, UDP_CHECKSUM) !== 0 && !checksumOk(datagram, pseudoHeaderSum(src, dst, IPPROTO_UDP, length))) {
    return fail('udp', 'checksum', `checksum 0x${readU16(b, UDP_CHECKSUM).toString(16)}`);
  }
  return ok({ srcPort: readU16(b, UDP_SRC_PORT), dstPort: readU16(b, UDP_DST_PORT), payload: b.subarray(UDP_HEADER_LEN, length) });
}

/** Writes header + payload at `off` of `buf` and fills the checksum (a computed 0 is sent as 0xffff). */
export function emitUdpInto(buf: Uint8Array, off: number, repr: UdpRepr, src: Ipv4Addr, dst: Ipv4Addr): number {
  const length = UDP_HEADER_LEN + repr.payload.length;
  if (length > 0xffff) throw new RangeError(`UDP length ${length} > 65535`);
  writeU16(buf, off + UDP_SRC_PORT, repr.srcPort & 0xffff);
  writeU16(buf, off + UDP_DST_PORT, repr.dstPort & 0xffff);
  writeU16(buf, off + UDP_LENGTH, length);
  writeU16(buf, off + UDP_CHECKSUM, 0);
  buf.set(repr.payload, off + UDP_HEADER_LEN);
  const sum = internetChecksum(buf, pseudoHeaderSum(src, dst, IPPROTO_UDP, length), off, off + length);
  writeU16(buf, off + UDP_CHECKSUM, sum === 0 ? 0xffff : sum);
  return length;
}

export function emitUdp(repr: UdpRepr, src: Ipv4Addr, dst: Ipv4Addr): Uint8Array {
  const out = new Uint8Array(UDP_HEADER_LEN + repr.payload.length);
  emitUdpInto(out, 0, repr, src, dst);
  return out;
}
