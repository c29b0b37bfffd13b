import { ARP_HLEN, ARP_HTYPE, ARP_LEN, ARP_OPER, ARP_PLEN, ARP_PTYPE, ARP_SHA, ARP_SPA, ARP_THA, ARP_TPA, emitArp, emitArpInto, parseArp, type ArpRepr } from '../../../stack/wire/arp';
import { ETH_HEADER_LEN, parseEthernet } from '../../../stack/wire/ethernet';
import { readMac, readU16, readU32, writeU16 } from '../../../stack/wire/types';
import { expectError, hex, value } from './bytes';

// smoltcp src/wire/arp.rs PACKET_BYTES.
const PACKET = hex('00 01 08 00 06 04 00 01 11 12 13 14 15 16 21 22 23 24 31 32 33 34 35 36 41 42 43 44');
const REPR: ArpRepr = { op: 1, senderMac: 0x111213141516, senderIp: 0x21222324, targetMac: 0x313233343536, targetIp: 0x41424344 };

// Hand-built broadcast request "who-has 192.168.1.1 tell 192.168.1.100" (cross-checked with Python struct).
const REQUEST_FRAME = hex(`ff ff ff ff ff ff 24 0a c4 12 34 56 08 06 00 01 08 00 06 04 00 01 24 0a c4 12 34 56
  c0 a8 01 64 00 00 00 00 00 00 c0 a8 01 01`);

describe('arp', () => {
  it('deconstruct reads fields at their offsets', () => {
    expect(readU16(PACKET, ARP_HTYPE)).toBe(1);
    expect(readU16(PACKET, ARP_PTYPE)).toBe(0x0800);
    expect(PACKET[ARP_HLEN]).toBe(6);
    expect(PACKET[ARP_PLEN]).toBe(4);
    expect(readU16(PACKET, ARP_OPER)).toBe(1);
    expect(readMac(PACKET, ARP_SHA)).toBe(0x111213141516);
    expect(readU32(PACKET, ARP_SPA)).toBe(0x21222324);
    expect(readMac(PACKET, ARP_THA)).toBe(0x313233343536);
    expect(readU32(PACKET, ARP_TPA)).toBe(0x41424344);
  });

  it('construct writes every field at an offset', () => {
    const buf = new Uint8Array(ARP_LEN + 3).fill(0xa5);
    emitArpInto(buf, 3, REPR);
    expect(buf.slice(3)).toEqual(PACKET);
  });

  it('parse gives the repr', () => {
    expect(value(parseArp(PACKET))).toEqual(REPR);
  });

  it('emit gives the known 28 bytes', () => {
    expect(emitArp(REPR)).toEqual(PACKET);
  });

  it('a request inside a broadcast frame parses and tolerates trailing padding', () => {
    const padded = new Uint8Array(60);
    padded.set(REQUEST_FRAME);
    const eth = value(parseEthernet(padded));
    expect(value(parseArp(eth.payload))).toEqual({ op: 1, senderMac: 0x240ac4123456, senderIp: 0xc0a80164, targetMac: 0, targetIp: 0xc0a80101 });
    expect(emitArp(value(parseArp(eth.payload)))).toEqual(REQUEST_FRAME.slice(ETH_HEADER_LEN));
  });

  it('truncated packets are rejected', () => {
    for (let n = 0; n < ARP_LEN; n++) expectError(parseArp(PACKET.subarray(0, n)), 'arp', 'truncated');
  });

  it('non Ethernet/IPv4 hardware or protocol is unsupported', () => {
    for (const [off, v] of [[ARP_HTYPE, 6], [ARP_PTYPE, 0x86dd]] as const) {
      const p = PACKET.slice();
      writeU16(p, off, v);
      expectError(parseArp(p), 'arp', 'unsupported');
    }
    const p = PACKET.slice();
    p[ARP_HLEN] = 8;
    expectError(parseArp(p), 'arp', 'unsupported');
  });

  it('an unknown operation is unsupported', () => {
    const p = PACKET.slice();
    writeU16(p, ARP_OPER, 3);
    expectError(parseArp(p), 'arp', 'unsupported');
  });
});
