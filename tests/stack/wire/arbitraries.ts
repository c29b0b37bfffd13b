/** fast-check arbitraries for valid Reprs, whole frames, and byte mutations (fuzz tests). */
import fc from 'fast-check';
import { internetChecksum, pseudoHeaderSum } from '../../../stack/wire/checksum';
import type { ArpRepr } from '../../../stack/wire/arp';
import { emitArp } from '../../../stack/wire/arp';
import { emitDhcp, type DhcpRepr } from '../../../stack/wire/dhcp';
import { emitDns, type DnsAnswer, type DnsRepr } from '../../../stack/wire/dns';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, emitEthernet, type EthernetRepr } from '../../../stack/wire/ethernet';
import { emitIcmp, type IcmpRepr } from '../../../stack/wire/icmp';
import { emitIpv4, type Ipv4Repr } from '../../../stack/wire/ipv4';
import { emitTcp, type TcpRepr } from '../../../stack/wire/tcp';
import { readU16, writeU16 } from '../../../stack/wire/types';
import { emitUdp, type UdpRepr } from '../../../stack/wire/udp';

export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.tuple(u16, u16).map(([h, l]) => h * 0x10000 + l);
export const mac = fc.tuple(fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 0, max: 0xffffff })).map(([h, l]) => h * 0x1000000 + l);
export const bytes = (maxLength: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength });

export const ethernetRepr: fc.Arbitrary<EthernetRepr> = fc.record({ dst: mac, src: mac, ethertype: fc.integer({ min: 0x0600, max: 0xffff }), payload: bytes(80) });
export const arpRepr: fc.Arbitrary<ArpRepr> = fc.record({ op: fc.constantFrom(1 as const, 2 as const), senderMac: mac, senderIp: u32, targetMac: mac, targetIp: u32 });
export const ipv4Repr: fc.Arbitrary<Ipv4Repr> = fc.record({ src: u32, dst: u32, proto: u8, ttl: u8, id: u16, df: fc.boolean(), tos: u8, payload: bytes(120) });
export const icmpRepr: fc.Arbitrary<IcmpRepr> = fc.oneof(
  fc.record({ type: fc.constantFrom('echo-request' as const, 'echo-reply' as const), ident: u16, seq: u16, data: bytes(64) }),
  fc.record({ type: fc.constant('dest-unreachable' as const), code: fc.integer({ min: 0, max: 15 }), quoted: bytes(40) }),
);
export const udpRepr: fc.Arbitrary<UdpRepr> = fc.record({ srcPort: u16, dstPort: u16, payload: bytes(120) });
export const tcpRepr: fc.Arbitrary<TcpRepr> = fc.record(
  {
    srcPort: u16, dstPort: u16, seq: u32, ack: u32, flags: u8, window: u16, urgent: u16, payload: bytes(100),
    mss: u16, wscale: fc.integer({ min: 0, max: 14 }), sackPermitted: fc.constant(true),
  },
  { requiredKeys: ['srcPort', 'dstPort', 'seq', 'ack', 'flags', 'window', 'urgent', 'payload'] },
);

export const dhcpRepr: fc.Arbitrary<DhcpRepr> = fc.record(
  {
    op: fc.constantFrom(1 as const, 2 as const), xid: u32, secs: u16, broadcast: fc.boolean(),
    ciaddr: u32, yiaddr: u32, siaddr: u32, giaddr: u32, chaddr: mac, messageType: fc.integer({ min: 1, max: 8 }),
    subnetMask: u32, router: u32, dnsServers: fc.array(u32, { minLength: 1, maxLength: 4 }),
    hostname: fc.string({ minLength: 1, maxLength: 32 }), requestedIp: u32, leaseTime: u32, renewalTime: u32, rebindingTime: u32,
    serverId: u32, parameterRequestList: fc.array(u8, { maxLength: 12 }), clientId: fc.uint8Array({ minLength: 2, maxLength: 16 }),
    message: fc.string({ maxLength: 40 }), maxMessageSize: u16,
  },
  { requiredKeys: ['op', 'xid', 'secs', 'broadcast', 'ciaddr', 'yiaddr', 'siaddr', 'giaddr', 'chaddr', 'messageType'] },
);

const label = fc.array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'.split('')), { minLength: 1, maxLength: 12 }).map((a) => a.join(''));
/** A few shared suffixes so that compression gets exercised. */
export const dnsName = fc.tuple(fc.array(label, { maxLength: 3 }), fc.constantFrom('', 'lan', 'example.com', 'esp32.lan')).map(
  ([ls, suffix]) => [...ls, ...(suffix ? [suffix] : [])].join('.'),
);
const aRecord: fc.Arbitrary<DnsAnswer> = fc.record({ name: dnsName, ttl: u32, address: u32 }).map((a) => ({
  ...a, type: 1, cls: 1, data: Uint8Array.of(a.address >>> 24, (a.address >>> 16) & 255, (a.address >>> 8) & 255, a.address & 255),
}));
const otherRecord: fc.Arbitrary<DnsAnswer> = fc.record({ name: dnsName, type: fc.integer({ min: 2, max: 0xffff }), cls: u16, ttl: u32, data: bytes(24) });
export const dnsRepr: fc.Arbitrary<DnsRepr> = fc.record({
  id: u16, qr: fc.boolean(), opcode: fc.integer({ min: 0, max: 15 }), aa: fc.boolean(), tc: fc.boolean(), rd: fc.boolean(), ra: fc.boolean(),
  rcode: fc.integer({ min: 0, max: 15 }),
  questions: fc.array(fc.record({ name: dnsName, type: u16, cls: u16 }), { maxLength: 3 }),
  answers: fc.array(fc.oneof(aRecord, otherRecord), { maxLength: 3 }),
});

const APP_PORTS = [53, 67, 68];

/** A valid Ethernet frame of any kind the stack speaks (plain UDP avoids the DNS/DHCP ports). */
export const validFrame: fc.Arbitrary<Uint8Array> = fc.record({ dst: mac, src: mac, ip: ipv4Repr }).chain(({ dst, src, ip }) => {
  const frame = (ethertype: number, payload: Uint8Array): Uint8Array => emitEthernet({ dst, src, ethertype, payload });
  const inIp = (proto: number, payload: Uint8Array): Uint8Array => frame(ETHERTYPE_IPV4, emitIpv4({ ...ip, proto, payload }));
  const udpWith = (app: fc.Arbitrary<Uint8Array>, srcPort: fc.Arbitrary<number>, dstPort: number): fc.Arbitrary<Uint8Array> =>
    fc.tuple(srcPort, app).map(([p, payload]) => inIp(17, emitUdp({ srcPort: p, dstPort, payload }, ip.src, ip.dst)));
  return fc.oneof(
    arpRepr.map((a) => frame(ETHERTYPE_ARP, emitArp(a))),
    icmpRepr.map((m) => inIp(1, emitIcmp(m))),
    udpRepr.filter((u) => !APP_PORTS.includes(u.srcPort) && !APP_PORTS.includes(u.dstPort)).map((u) => inIp(17, emitUdp(u, ip.src, ip.dst))),
    tcpRepr.map((t) => inIp(6, emitTcp(t, ip.src, ip.dst))),
    udpWith(dhcpRepr.map(emitDhcp), fc.constant(68), 67),
    udpWith(dnsRepr.map(emitDns), u16, 53),
    fc.constant(inIp([1, 6, 17].includes(ip.proto) ? 47 : ip.proto, ip.payload)),
  );
});

export type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'set16'; at: number; value: number }
  | { kind: 'extend'; junk: Uint8Array };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: u8 }),
  // Length fields: extreme values and small shifts of whatever is there.
  fc.record({ kind: fc.constant('set16' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(0, 1, 7, 8, 19, 20, 0xffff), fc.integer({ min: -4, max: 4 })) }),
  fc.record({ kind: fc.constant('extend' as const), junk: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
);

export function mutate(input: Uint8Array, ops: Mutation[]): Uint8Array {
  let b = input.slice();
  for (const op of ops) {
    if (op.kind === 'extend') {
      const out = new Uint8Array(b.length + op.junk.length);
      out.set(b);
      out.set(op.junk, b.length);
      b = out;
      continue;
    }
    if (b.length === 0) continue;
    const at = op.at % b.length;
    if (op.kind === 'truncate') b = b.slice(0, at);
    else if (op.kind === 'flip') b[at] ^= 1 << op.bit;
    else if (op.kind === 'set') b[at] = op.value;
    else if (at + 1 < b.length) writeU16(b, at, op.value >= -4 && op.value <= 4 ? (readU16(b, at) + op.value) & 0xffff : op.value);
  }
  return b;
}

/** Re-fills an internet checksum at `field` over `data` (so mutations reach the deeper checks). */
export function refillChecksum(data: Uint8Array, field: number, pseudo = 0): Uint8Array {
  if (field + 2 > data.length) return data;
  writeU16(data, field, 0);
  writeU16(data, field, internetChecksum(data, pseudo));
  return data;
}

/** Re-fills the IPv4 header checksum of a packet whose header length field is plausible. */
export function refillIpv4(packet: Uint8Array): Uint8Array {
  const hlen = (packet[0] & 0x0f) * 4;
  if (packet.length < 20 || hlen < 20 || hlen > packet.length) return packet;
  writeU16(packet, 10, 0);
  writeU16(packet, 10, internetChecksum(packet.subarray(0, hlen)));
  return packet;
}

export { pseudoHeaderSum };
