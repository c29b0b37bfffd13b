import { UDP_CHECKSUM, UDP_DST_PORT, UDP_HEADER_LEN, UDP_LENGTH, UDP_SRC_PORT, emitUdp, emitUdpInto, parseUdp, type UdpRepr } from '../../../stack/wire/udp';
import { parseEthernet } from '../../../stack/wire/ethernet';
import { parseIpv4 } from '../../../stack/wire/ipv4';
import { readU16, writeU16 } from '../../../stack/wire/types';
import { expectError, hex, value } from './bytes';

// smoltcp src/wire/udp.rs: 192.168.1.1:48896 → 192.168.1.2:53.
const SRC = 0xc0a80101;
const DST = 0xc0a80102;
const PACKET = hex('bf 00 00 35 00 0c 12 4d aa 00 00 ff');
const REPR: UdpRepr = { srcPort: 48896, dstPort: 53, payload: hex('aa 00 00 ff') };

// Hand-built full frame (Python struct): 192.168.1.100:5000 → 192.168.1.101:5001 "hello world!".
const FRAME = hex(`24 0a c4 aa bb cc 24 0a c4 12 34 56 08 00 45 00 00 28 00 01 40 00 40 11 b6 aa c0 a8 01 64
  c0 a8 01 65 13 88 13 89 00 14 c2 ab 68 65 6c 6c 6f 20 77 6f 72 6c 64 21`);

describe('udp', () => {
  it('deconstruct reads fields at their offsets', () => {
    expect(readU16(PACKET, UDP_SRC_PORT)).toBe(48896);
    expect(readU16(PACKET, UDP_DST_PORT)).toBe(53);
    expect(readU16(PACKET, UDP_LENGTH)).toBe(12);
    expect(readU16(PACKET, UDP_CHECKSUM)).toBe(0x124d);
    expect(PACKET.subarray(UDP_HEADER_LEN)).toEqual(REPR.payload);
  });

  it('construct: emitUdpInto writes at an offset and returns the length', () => {
    const buf = new Uint8Array(16).fill(0xa5);
    expect(emitUdpInto(buf, 4, REPR, SRC, DST)).toBe(12);
    expect(buf.slice(4)).toEqual(PACKET);
  });

  it('parse gives the repr', () => {
    expect(value(parseUdp(PACKET, SRC, DST))).toEqual(REPR);
  });

  it('emit gives the known bytes', () => {
    expect(emitUdp(REPR, SRC, DST)).toEqual(PACKET);
  });

  it('a full Ethernet/IPv4/UDP frame parses layer by layer', () => {
    const ip = value(parseIpv4(value(parseEthernet(FRAME)).payload));
    expect(ip).toMatchObject({ src: 0xc0a80164, dst: 0xc0a80165, proto: 17, ttl: 64, id: 1, df: true });
    const udp = value(parseUdp(ip.payload, ip.src, ip.dst));
    expect(udp).toEqual({ srcPort: 5000, dstPort: 5001, payload: new TextEncoder().encode('hello world!') });
    expect(emitUdp(udp, ip.src, ip.dst)).toEqual(ip.payload);
  });

  it('a zero checksum means no checksum and is accepted', () => {
    const p = PACKET.slice();
    writeU16(p, UDP_CHECKSUM, 0);
    expect(value(parseUdp(p, SRC, DST))).toEqual(REPR);
  });

  it('a computed zero checksum is sent as ffff', () => {
    // Choose a payload word that makes the sum come out to 0xffff (checksum 0).
    const base = emitUdp({ ...REPR, payload: new Uint8Array(2) }, SRC, DST);
    const word = readU16(base, UDP_CHECKSUM); // ~sum; adding it as data makes the sum 0xffff
    const payload = new Uint8Array([word >> 8, word & 255]);
    const p = emitUdp({ ...REPR, payload }, SRC, DST);
    expect(readU16(p, UDP_CHECKSUM)).toBe(0xffff);
    expect(value(parseUdp(p, SRC, DST)).payload).toEqual(payload);
  });

  it('a wrong pseudo-header (other destination) is a checksum error', () => {
    expectError(parseUdp(PACKET, SRC, DST + 1), 'udp', 'checksum');
  });

  it('a flipped payload bit is a checksum error', () => {
    const p = PACKET.slice();
    p[9] ^= 0x10;
    expectError(parseUdp(p, SRC, DST), 'udp', 'checksum');
  });

  it('datagrams shorter than the header are truncated', () => {
    for (let n = 0; n < 8; n++) expectError(parseUdp(PACKET.subarray(0, n), SRC, DST), 'udp', 'truncated');
  });

  it('a length field beyond the buffer is truncated', () => {
    expectError(parseUdp(PACKET.subarray(0, 11), SRC, DST), 'udp', 'truncated');
  });

  it('a length field below 8 is a length error', () => {
    const p = PACKET.slice();
    writeU16(p, UDP_LENGTH, 7);
    expectError(parseUdp(p, SRC, DST), 'udp', 'length');
  });

  it('trailing bytes past the length field are ignored', () => {
    const p = new Uint8Array(20);
    p.set(PACKET);
    expect(value(parseUdp(p, SRC, DST))).toEqual(REPR);
  });
});
