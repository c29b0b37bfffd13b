import {
  DHCP_ACK, DHCP_CHADDR, DHCP_CIADDR, DHCP_DISCOVER, DHCP_FLAGS, DHCP_HLEN, DHCP_HOPS, DHCP_HTYPE, DHCP_MAGIC, DHCP_MAGIC_COOKIE,
  DHCP_OFFER, DHCP_OP, DHCP_OPTIONS, DHCP_SECS, DHCP_SIADDR, DHCP_XID, DHCP_YIADDR, DHCP_GIADDR, OPT_END,
  emitDhcp, parseDhcp, type DhcpRepr,
} from '../../../stack/wire/dhcp';
import { readMac, readU16, readU32, writeU32 } from '../../../stack/wire/types';
import { expectError, hex, value } from './bytes';

function bootp(head: string, opts: string, total: number): Uint8Array {
  const out = new Uint8Array(total);
  out.set(hex(head));
  writeU32(out, DHCP_MAGIC, DHCP_MAGIC_COOKIE);
  out.set(hex(opts), DHCP_OPTIONS);
  return out;
}

// smoltcp src/wire/dhcpv4.rs DISCOVER_BYTES (272 bytes): options 53, 61, 50, 55, end, 7 pad bytes.
const DISCOVER = bootp(
  '01 01 06 00 00 00 3d 1d 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 0b 82 01 fc 42',
  '35 01 01 3d 07 01 00 0b 82 01 fc 42 32 04 00 00 00 00 37 04 01 03 06 2a ff',
  272,
);
const CLIENT_MAC = 0x000b8201fc42;
const DISCOVER_REPR: DhcpRepr = {
  op: 1, xid: 0x3d1d, secs: 0, broadcast: false, ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: CLIENT_MAC,
  messageType: DHCP_DISCOVER, clientId: hex('01 00 0b 82 01 fc 42'), requestedIp: 0, parameterRequestList: [1, 3, 6, 42],
};

// Hand-built OFFER (Python struct, RFC 2131/2132 layout), padded to 300 bytes.
const OFFER = bootp(
  '02 01 06 00 12 34 ab cd 00 00 80 00 00 00 00 00 c0 a8 01 64 c0 a8 01 01 00 00 00 00 24 0a c4 12 34 56',
  `35 01 02 36 04 c0 a8 01 01 33 04 00 00 1c 20 01 04 ff ff ff 00 03 04 c0 a8 01 01 06 08 c0 a8 01 01 08 08 08 08
   0c 05 65 73 70 33 32 ff`,
  300,
);
const OFFER_REPR: DhcpRepr = {
  op: 2, xid: 0x1234abcd, secs: 0, broadcast: true, ciaddr: 0, yiaddr: 0xc0a80164, siaddr: 0xc0a80101, giaddr: 0,
  chaddr: 0x240ac4123456, messageType: DHCP_OFFER, serverId: 0xc0a80101, leaseTime: 7200, subnetMask: 0xffffff00,
  router: 0xc0a80101, dnsServers: [0xc0a80101, 0x08080808], hostname: 'esp32',
};

describe('dhcp', () => {
  it('deconstruct reads the fixed fields of the DISCOVER at their offsets', () => {
    expect(DISCOVER[DHCP_OP]).toBe(1);
    expect(DISCOVER[DHCP_HTYPE]).toBe(1);
    expect(DISCOVER[DHCP_HLEN]).toBe(6);
    expect(DISCOVER[DHCP_HOPS]).toBe(0);
    expect(readU32(DISCOVER, DHCP_XID)).toBe(0x3d1d);
    expect(readU16(DISCOVER, DHCP_SECS)).toBe(0);
    expect(readU16(DISCOVER, DHCP_FLAGS)).toBe(0);
    for (const off of [DHCP_CIADDR, DHCP_YIADDR, DHCP_SIADDR, DHCP_GIADDR]) expect(readU32(DISCOVER, off)).toBe(0);
    expect(readMac(DISCOVER, DHCP_CHADDR)).toBe(CLIENT_MAC);
    expect(readU32(DISCOVER, DHCP_MAGIC)).toBe(0x63825363);
    expect(DISCOVER[DHCP_OPTIONS]).toBe(53);
    expect(DISCOVER[264]).toBe(OPT_END);
  });

  it('construct: the OFFER flags word carries the broadcast bit', () => {
    expect(readU16(OFFER, DHCP_FLAGS)).toBe(0x8000);
    expect(readU32(OFFER, DHCP_YIADDR)).toBe(0xc0a80164);
  });

  it('parse DISCOVER gives the repr (trailing pad bytes ignored)', () => {
    expect(value(parseDhcp(DISCOVER))).toEqual(DISCOVER_REPR);
  });

  it('emit DISCOVER gives the known bytes, zero-padded to 300', () => {
    const out = emitDhcp(DISCOVER_REPR);
    expect(out.length).toBe(300);
    expect(out.subarray(0, 272)).toEqual(DISCOVER);
    expect(out.subarray(272).every((b) => b === 0)).toBe(true);
  });

  it('parse OFFER gives the repr', () => {
    expect(value(parseDhcp(OFFER))).toEqual(OFFER_REPR);
  });

  it('emit OFFER gives the known bytes', () => {
    expect(emitDhcp(OFFER_REPR)).toEqual(OFFER);
  });

  it('an ACK with every option round-trips', () => {
    const ack: DhcpRepr = {
      ...OFFER_REPR, messageType: DHCP_ACK, secs: 3, ciaddr: 0xc0a80164, giaddr: 0x0a000001, renewalTime: 3600, rebindingTime: 6300,
      requestedIp: 0xc0a80164, parameterRequestList: [1, 3, 28, 6, 15], clientId: hex('01 24 0a c4 12 34 56'), message: 'ok',
      maxMessageSize: 1500,
    };
    const out = emitDhcp(ack);
    expect(out.length).toBeGreaterThan(300);
    expect(value(parseDhcp(out))).toEqual(ack);
  });

  it('pad options between options are skipped and unknown options ignored', () => {
    const m = bootp('01 01 06 00 00 00 00 07', '00 00 35 01 03 2b 03 aa bb cc 00 32 04 c0 a8 01 07 ff', 300);
    expect(value(parseDhcp(m))).toMatchObject({ messageType: 3, requestedIp: 0xc0a80107, xid: 7 });
  });

  it('a message without an end option is accepted up to its last whole option', () => {
    expect(value(parseDhcp(DISCOVER.subarray(0, 264))).parameterRequestList).toEqual([1, 3, 6, 42]);
  });

  it('messages shorter than the fixed part are truncated', () => {
    for (const n of [0, 1, 100, 239]) expectError(parseDhcp(DISCOVER.subarray(0, n)), 'dhcp', 'truncated');
  });

  it('an option running past the end is truncated', () => {
    expectError(parseDhcp(DISCOVER.subarray(0, 262)), 'dhcp', 'truncated');
    expectError(parseDhcp(DISCOVER.subarray(0, 253)), 'dhcp', 'truncated');
  });

  it('a wrong option length is malformed', () => {
    const m = bootp('01 01 06 00', '35 02 01 01 ff', 300);
    expectError(parseDhcp(m), 'dhcp', 'malformed');
    const n = bootp('01 01 06 00', '35 01 01 36 03 c0 a8 01 ff', 300);
    expectError(parseDhcp(n), 'dhcp', 'malformed');
  });

  it('a bad op or magic cookie is malformed', () => {
    const bad = DISCOVER.slice();
    bad[DHCP_OP] = 3;
    expectError(parseDhcp(bad), 'dhcp', 'malformed');
    const noMagic = DISCOVER.slice();
    noMagic[DHCP_MAGIC] = 0;
    expectError(parseDhcp(noMagic), 'dhcp', 'malformed');
  });

  it('non-Ethernet hardware is unsupported', () => {
    const m = DISCOVER.slice();
    m[DHCP_HLEN] = 8;
    expectError(parseDhcp(m), 'dhcp', 'unsupported');
  });

  it('a BOOTP message without a message type is unsupported', () => {
    expectError(parseDhcp(bootp('01 01 06 00', 'ff', 300)), 'dhcp', 'unsupported');
  });
});
