import { checksumOk } from '../../../stack/wire/checksum';
import {
  IPV4_CHECKSUM, IPV4_DST, IPV4_FLAGS_FRAG, IPV4_FLAG_DF, IPV4_FLAG_MF, IPV4_HEADER_LEN, IPV4_IDENT, IPV4_PROTO, IPV4_SRC,
  IPV4_TOS, IPV4_TOTAL_LEN, IPV4_TTL, IPV4_VER_IHL, emitIpv4, emitIpv4Header, parseIpv4, type Ipv4Repr,
} from '../../../stack/wire/ipv4';
import { readU16, readU32, writeU16 } from '../../../stack/wire/types';
import { expectError, hex, value } from './bytes';

// smoltcp src/wire/ipv4.rs PACKET_BYTES: a fragment (MF, offset 0x203*8), TTL 0x1a, ICMP.
const FRAGMENT = hex('45 00 00 1e 01 02 62 03 1a 01 d5 6e 11 12 13 14 21 22 23 24 aa 00 00 00 00 00 00 00 00 ff');
// smoltcp REPR_PACKET_BYTES: DF, TTL 64, ident 0, ICMP, 4 payload bytes.
const PACKET = hex('45 00 00 18 00 00 40 00 40 01 d2 79 11 12 13 14 21 22 23 24 aa 00 00 ff');
const PAYLOAD = hex('aa 00 00 ff');
const REPR: Ipv4Repr = { src: 0x11121314, dst: 0x21222324, proto: 1, ttl: 64, id: 0, df: true, tos: 0, payload: PAYLOAD };

function withChecksum(p: Uint8Array, hlen = IPV4_HEADER_LEN): Uint8Array {
  writeU16(p, IPV4_CHECKSUM, 0);
  let s = 0;
  for (let i = 0; i < hlen; i += 2) s += readU16(p, i);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  writeU16(p, IPV4_CHECKSUM, ~s & 0xffff);
  return p;
}

describe('ipv4', () => {
  it('deconstruct reads fields at their offsets', () => {
    expect(FRAGMENT[IPV4_VER_IHL]).toBe(0x45);
    expect(FRAGMENT[IPV4_TOS]).toBe(0);
    expect(readU16(FRAGMENT, IPV4_TOTAL_LEN)).toBe(30);
    expect(readU16(FRAGMENT, IPV4_IDENT)).toBe(0x102);
    const ff = readU16(FRAGMENT, IPV4_FLAGS_FRAG);
    expect(ff & IPV4_FLAG_MF).toBeTruthy();
    expect(ff & IPV4_FLAG_DF).toBeTruthy();
    expect((ff & 0x1fff) * 8).toBe(0x203 * 8);
    expect(FRAGMENT[IPV4_TTL]).toBe(0x1a);
    expect(FRAGMENT[IPV4_PROTO]).toBe(1);
    expect(readU16(FRAGMENT, IPV4_CHECKSUM)).toBe(0xd56e);
    expect(readU32(FRAGMENT, IPV4_SRC)).toBe(0x11121314);
    expect(readU32(FRAGMENT, IPV4_DST)).toBe(0x21222324);
    expect(checksumOk(FRAGMENT.subarray(0, 20))).toBe(true);
  });

  it('construct: emitIpv4Header writes the header and checksum at an offset', () => {
    const buf = new Uint8Array(2 + PACKET.length).fill(0xa5);
    emitIpv4Header(buf, 2, { ...REPR, payload: undefined }, PAYLOAD.length);
    buf.set(PAYLOAD, 2 + IPV4_HEADER_LEN);
    expect(buf.slice(2)).toEqual(PACKET);
  });

  it('construct: payloadLength in the repr or the payload itself also gives the length', () => {
    const a = new Uint8Array(PACKET.length);
    const { payload: _p, ...header } = REPR;
    emitIpv4Header(a, 0, { ...header, payloadLength: 4 });
    const b = new Uint8Array(PACKET.length);
    emitIpv4Header(b, 0, REPR);
    expect(a.subarray(0, 20)).toEqual(PACKET.subarray(0, 20));
    expect(b.subarray(0, 20)).toEqual(PACKET.subarray(0, 20));
  });

  it('parse gives the repr', () => {
    expect(value(parseIpv4(PACKET))).toEqual(REPR);
  });

  it('emit gives the known bytes', () => {
    expect(emitIpv4(REPR)).toEqual(PACKET);
  });

  it('a fragment is unsupported', () => {
    expectError(parseIpv4(FRAGMENT), 'ipv4', 'unsupported');
  });

  it('trailing link padding is trimmed to the total length', () => {
    const padded = new Uint8Array(46);
    padded.set(PACKET);
    expect(value(parseIpv4(padded)).payload).toEqual(PAYLOAD);
  });

  it('options are skipped', () => {
    const p = new Uint8Array(28);
    p.set(PACKET.subarray(0, 20));
    p[0] = 0x46;
    p.set([0x01, 0x01, 0x01, 0x00], 20); // NOP NOP NOP EOL
    p.set(PAYLOAD, 24);
    writeU16(p, IPV4_TOTAL_LEN, 28);
    withChecksum(p, 24);
    expect(value(parseIpv4(p))).toEqual(REPR);
  });

  it('a bad header checksum is a checksum error', () => {
    const p = PACKET.slice();
    p[IPV4_TTL] = 63;
    expectError(parseIpv4(p), 'ipv4', 'checksum');
  });

  it('truncations are rejected', () => {
    for (let n = 0; n < PACKET.length; n++) expectError(parseIpv4(PACKET.subarray(0, n)), 'ipv4', 'truncated');
  });

  it('version 6 is a version error', () => {
    const p = PACKET.slice();
    p[0] = 0x65;
    expectError(parseIpv4(p), 'ipv4', 'version');
  });

  it('IHL below 5 is malformed', () => {
    const p = PACKET.slice();
    p[0] = 0x44;
    expectError(parseIpv4(withChecksum(p)), 'ipv4', 'malformed');
  });

  it('a total length below the header length is a length error', () => {
    const p = PACKET.slice();
    writeU16(p, IPV4_TOTAL_LEN, 19);
    expectError(parseIpv4(withChecksum(p)), 'ipv4', 'length');
  });

  it('a total length beyond the buffer is truncated', () => {
    const p = PACKET.slice();
    writeU16(p, IPV4_TOTAL_LEN, 25);
    expectError(parseIpv4(withChecksum(p)), 'ipv4', 'truncated');
  });

  it('emit with tos, no DF and a large id round-trips', () => {
    const r: Ipv4Repr = { src: 0xc0a80164, dst: 0xffffffff, proto: 17, ttl: 255, id: 0xfffe, df: false, tos: 0xb8, payload: new Uint8Array(1480) };
    expect(value(parseIpv4(emitIpv4(r)))).toEqual(r);
  });

  it('emit refuses a total length above 65535', () => {
    expect(() => emitIpv4({ ...REPR, payload: new Uint8Array(65516) })).toThrow(RangeError);
  });
});
