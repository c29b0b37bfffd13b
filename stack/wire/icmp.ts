/** ICMPv4 (RFC 792): echo request/reply and destination unreachable. */
import { checksumOk, internetChecksum } from './checksum';
import { fail, ok, readU16, writeU16, type ParseResult } from './types';

/** Field offsets. */
export const ICMP_TYPE = 0;
export const ICMP_CODE = 1;
export const ICMP_CHECKSUM = 2;
export const ICMP_ECHO_IDENT = 4;
export const ICMP_ECHO_SEQ = 6;
export const ICMP_HEADER_LEN = 8;

export const ICMP_TYPE_ECHO_REPLY = 0;
export const ICMP_TYPE_DEST_UNREACHABLE = 3;
export const ICMP_TYPE_ECHO_REQUEST = 8;

/** Destination-unreachable codes. */
export const ICMP_UNREACH_NET = 0;
export const ICMP_UNREACH_HOST = 1;
export const ICMP_UNREACH_PROTOCOL = 2;
export const ICMP_UNREACH_PORT = 3;
export const ICMP_UNREACH_FRAG_NEEDED = 4;

export type IcmpRepr =
  | { type: 'echo-request' | 'echo-reply'; ident: number; seq: number; data: Uint8Array }
  | { type: 'dest-unreachable'; code: number; quoted: Uint8Array };

export function parseIcmp(b: Uint8Array): ParseResult<IcmpRepr> {
  if (b.length < ICMP_HEADER_LEN) return fail('icmp', 'truncated', `message of ${b.length} bytes`);
  if (!checksumOk(b)) return fail('icmp', 'checksum', `checksum 0x${readU16(b, ICMP_CHECKSUM).toString(16)}`);
  const type = b[ICMP_TYPE];
  switch (type) {
    case ICMP_TYPE_ECHO_REQUEST:
    case ICMP_TYPE_ECHO_REPLY:
      return ok({
        type: type === ICMP_TYPE_ECHO_REQUEST ? 'echo-request' : 'echo-reply',
        ident: readU16(b, ICMP_ECHO_IDENT),
        seq: readU16(b, ICMP_ECHO_SEQ),
        data: b.subarray(ICMP_HEADER_LEN),
      });
    case ICMP_TYPE_DEST_UNREACHABLE:
      return ok({ type: 'dest-unreachable', code: b[ICMP_CODE], quoted: b.subarray(ICMP_HEADER_LEN) });
    default:
      return fail('icmp', 'unsupported', `type ${type} code ${b[ICMP_CODE]}`);
  }
}

export function emitIcmp(repr: IcmpRepr): Uint8Array {
  const body = repr.type === 'dest-unreachable' ? repr.quoted : repr.data;
  const out = new Uint8Array(ICMP_HEADER_LEN + body.length);
  if (repr.type === 'dest-unreachable') {
    out[ICMP_TYPE] = ICMP_TYPE_DEST_UNREACHABLE;
    out[ICMP_CODE] = repr.code & 0xff;
  } else {
    out[ICMP_TYPE] = repr.type === 'echo-request' ? ICMP_TYPE_ECHO_REQUEST : ICMP_TYPE_ECHO_REPLY;
    writeU16(out, ICMP_ECHO_IDENT, repr.ident & 0xffff);
    writeU16(out, ICMP_ECHO_SEQ, repr.seq & 0xffff);
  }
  out.set(body, ICMP_HEADER_LEN);
  writeU16(out, ICMP_CHECKSUM, internetChecksum(out));
  return out;
}
