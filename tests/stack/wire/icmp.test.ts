import { ICMP_CHECKSUM, ICMP_CODE, ICMP_ECHO_IDENT, ICMP_ECHO_SEQ, ICMP_HEADER_LEN, ICMP_TYPE, emitIcmp, parseIcmp, type IcmpRepr } from '../../../stack/wire/icmp';
import { checksumOk, internetChecksum } from '../../../stack/wire/checksum';
import { parseIpv4 } from '../../../stack/wire/ipv4';
import { readU16, writeU16 } from '../../../stack/wire/types';
import { expectError, hex, value } from './bytes';

// smoltcp src/wire/icmpv4.rs ECHO_PACKET_BYTES.
const ECHO = hex('08 00 8e fe 12 34 ab cd aa 00 00 ff');
const ECHO_REPR: IcmpRepr = { type: 'echo-request', ident: 0x1234, seq: 0xabcd, data: hex('aa 00 00 ff') };

// Hand-built (Python struct, RFC 792): port unreachable quoting IPv4 + UDP header 192.168.1.100:5000 → .101:5001.
const UNREACH = hex(`03 03 d5 df 00 00 00 00 45 00 00 20 12 34 40 00 40 11 a4 7f c0 a8 01 64 c0 a8 01 65
  13 88 13 89 00 0c 00 00`);
const UNREACH_REPR: IcmpRepr = { type: 'dest-unreachable', code: 3, quoted: UNREACH.slice(8) };

describe('icmp', () => {
  it('deconstruct reads echo fields at their offsets', () => {
    expect(ECHO[ICMP_TYPE]).toBe(8);
    expect(ECHO[ICMP_CODE]).toBe(0);
    expect(readU16(ECHO, ICMP_CHECKSUM)).toBe(0x8efe);
    expect(readU16(ECHO, ICMP_ECHO_IDENT)).toBe(0x1234);
    expect(readU16(ECHO, ICMP_ECHO_SEQ)).toBe(0xabcd);
    expect(ECHO.subarray(ICMP_HEADER_LEN)).toEqual(hex('aa 00 00 ff'));
    expect(checksumOk(ECHO)).toBe(true);
  });

  it('deconstruct: the quoted header of an unreachable is the original IPv4 header', () => {
    expect(UNREACH[ICMP_TYPE]).toBe(3);
    expect(UNREACH[ICMP_CODE]).toBe(3);
    expect(checksumOk(UNREACH)).toBe(true);
    expect(checksumOk(UNREACH.subarray(8, 28))).toBe(true);
    expect(readU16(UNREACH, 28 + 2)).toBe(5001);
  });

  it('parse gives the echo request repr', () => {
    expect(value(parseIcmp(ECHO))).toEqual(ECHO_REPR);
  });

  it('emit gives the known echo bytes', () => {
    expect(emitIcmp(ECHO_REPR)).toEqual(ECHO);
  });

  it('an echo reply differs only in type and checksum', () => {
    const reply = emitIcmp({ ...ECHO_REPR, type: 'echo-reply' });
    expect(reply[0]).toBe(0);
    expect(readU16(reply, 2)).toBe(0x8efe + 0x0800);
    expect(value(parseIcmp(reply))).toEqual({ ...ECHO_REPR, type: 'echo-reply' });
  });

  it('parse and emit a port unreachable', () => {
    expect(value(parseIcmp(UNREACH))).toEqual(UNREACH_REPR);
    expect(emitIcmp(UNREACH_REPR)).toEqual(UNREACH);
  });

  it('the quoted datagram is a truncated IPv4 packet (header + 8 bytes)', () => {
    const m = value(parseIcmp(UNREACH));
    expectError(parseIpv4(m.type === 'dest-unreachable' ? m.quoted : new Uint8Array(0)), 'ipv4', 'truncated');
  });

  it('a bad checksum is a checksum error', () => {
    const p = ECHO.slice();
    p[7] ^= 1;
    expectError(parseIcmp(p), 'icmp', 'checksum');
  });

  it('messages shorter than 8 bytes are truncated', () => {
    for (let n = 0; n < 8; n++) expectError(parseIcmp(ECHO.subarray(0, n)), 'icmp', 'truncated');
  });

  it('a truncated echo fails its checksum', () => {
    expectError(parseIcmp(ECHO.subarray(0, 10)), 'icmp', 'checksum');
  });

  it('other types (timestamp) are unsupported', () => {
    const p = emitIcmp(ECHO_REPR);
    p[ICMP_TYPE] = 13;
    writeU16(p, ICMP_CHECKSUM, 0);
    writeU16(p, ICMP_CHECKSUM, internetChecksum(p));
    expectError(parseIcmp(p), 'icmp', 'unsupported');
  });
});
