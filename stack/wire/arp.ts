/** ARP for Ethernet/IPv4 (RFC 826). Other hardware/protocol pairs are 'unsupported'. */
import { fail, ok, readMac, readU16, readU32, writeMac, writeU16, writeU32, type Ipv4Addr, type MacAddr, type ParseResult } from './types';

export const ARP_HTYPE = 0;
export const ARP_PTYPE = 2;
export const ARP_HLEN = 4;
export const ARP_PLEN = 5;
export const ARP_OPER = 6;
export const ARP_SHA = 8;
export const ARP_SPA = 14;
export const ARP_THA = 18;
export const ARP_TPA = 24;
export const ARP_LEN = 28;

export const ARP_HTYPE_ETHERNET = 1;
export const ARP_PTYPE_IPV4 = 0x0800;
export const ARP_OP_REQUEST = 1;
export const ARP_OP_REPLY = 2;

export interface ArpRepr {
  op: 1 | 2;
  senderMac: MacAddr;
  senderIp: Ipv4Addr;
  targetMac: MacAddr;
  targetIp: Ipv4Addr;
}

export function parseArp(b: Uint8Array): ParseResult<ArpRepr> {
  if (b.length < ARP_SHA) return fail('arp', 'truncated', `packet of ${b.length} bytes`);
  const htype = readU16(b, ARP_HTYPE);
  const ptype = readU16(b, ARP_PTYPE);
  if (htype !== ARP_HTYPE_ETHERNET || ptype !== ARP_PTYPE_IPV4 || b[ARP_HLEN] !== 6 || b[ARP_PLEN] !== 4) {
    return fail('arp', 'unsupported', `htype=${htype} ptype=0x${ptype.toString(16)} hlen=${b[ARP_HLEN]} plen=${b[ARP_PLEN]}`);
  }
  if (b.length < ARP_LEN) return fail('arp', 'truncated', `packet of ${b.length} bytes`);
  const op = readU16(b, ARP_OPER);
  if (op !== ARP_OP_REQUEST && op !== ARP_OP_REPLY) return fail('arp', 'unsupported', `operation ${op}`);
  return ok({
    op,
    senderMac: readMac(b, ARP_SHA),
    senderIp: readU32(b, ARP_SPA),
    targetMac: readMac(b, ARP_THA),
    targetIp: readU32(b, ARP_TPA),
  });
}

/** Writes the 28-byte ARP packet at `off` of `buf`. */
export function emitArpInto(buf: Uint8Array, off: number, repr: ArpRepr): void {
  writeU16(buf, off + ARP_HTYPE, ARP_HTYPE_ETHERNET);
  writeU16(buf, off + ARP_PTYPE, ARP_PTYPE_IPV4);
  buf[off + ARP_HLEN] = 6;
  buf[off + ARP_PLEN] = 4;
  writeU16(buf, off + ARP_OPER, repr.op);
  writeMac(buf, off + ARP_SHA, repr.senderMac);
  writeU32(buf, off + ARP_SPA, repr.senderIp);
  writeMac(buf, off + ARP_THA, repr.targetMac);
  writeU32(buf, off + ARP_TPA, repr.targetIp);
}

export function emitArp(repr: ArpRepr): Uint8Array {
  const out = new Uint8Array(ARP_LEN);
  emitArpInto(out, 0, repr);
  return out;
}
