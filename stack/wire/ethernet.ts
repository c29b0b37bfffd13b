/**
 * Ethernet II framing (no FCS, no padding to 60 bytes: the medium is WiFi).
 * Upper-layer parsers tolerate trailing padding anyway.
 */
import { ok, readMac, readU16, wireError, writeMac, writeU16, type MacAddr, type ParseError, type ParseResult } from './types';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;

/** Field offsets. */
export const ETH_DST = 0;
export const ETH_SRC = 6;
export const ETH_TYPE = 12;
export const ETH_HEADER_LEN = 14;

export interface EthernetRepr {
  dst: MacAddr;
  src: MacAddr;
  ethertype: number;
  /** A view into the frame (not a copy). */
  payload: Uint8Array;
}

export function parseEthernet(b: Uint8Array): ParseResult<EthernetRepr> {
  const error = checkEthernet(b);
  if (error) return { ok: false, error };
  return ok({ dst: readMac(b, ETH_DST), src: readMac(b, ETH_SRC), ethertype: readU16(b, ETH_TYPE), payload: b.subarray(ETH_HEADER_LEN) });
}

/**
 * parseEthernet's checks alone, for a receive path that reads the fields in
 * place (readMac/readU16 at ETH_DST, ETH_SRC, ETH_TYPE) and allocates nothing.
 */
export function checkEthernet(b: Uint8Array): ParseError {
  if (b.length < ETH_HEADER_LEN) return wireError('ethernet', 'truncated', `frame of ${b.length} bytes`);
  const ethertype = readU16(b, ETH_TYPE);
  if (ethertype < 0x0600) return wireError('ethernet', 'unsupported', `802.3 length field ${ethertype}`);
  return undefined;
}

/** Writes the 14-byte header at `off` of `buf` (for zero-copy frame builders). */
export function emitEthernetHeader(buf: Uint8Array, off: number, dst: MacAddr, src: MacAddr, ethertype: number): void {
  writeMac(buf, off + ETH_DST, dst);
  writeMac(buf, off + ETH_SRC, src);
  writeU16(buf, off + ETH_TYPE, ethertype);
}

export function emitEthernet(repr: EthernetRepr): Uint8Array {
  const out = new Uint8Array(ETH_HEADER_LEN + repr.payload.length);
  emitEthernetHeader(out, 0, repr.dst, repr.src, repr.ethertype);
  out.set(repr.payload, ETH_HEADER_LEN);
  return out;
}
