/**
 * Property tests: every parser, fed random bytes and mutations of valid
 * frames (truncation, bit flips, length-field changes, junk appended), never
 * throws and answers ok or a typed error of its own layer; emit → parse is the
 * identity on random valid Reprs. 10,000 inputs per parser family, fixed seeds.
 */
import fc from 'fast-check';
import { emitArp, parseArp } from '../../../stack/wire/arp';
import { emitDhcp, parseDhcp } from '../../../stack/wire/dhcp';
import { emitDns, parseDns } from '../../../stack/wire/dns';
import { emitEthernet, parseEthernet } from '../../../stack/wire/ethernet';
import { emitIcmp, parseIcmp } from '../../../stack/wire/icmp';
import { emitIpv4, parseIpv4 } from '../../../stack/wire/ipv4';
import { summarizeFrame } from '../../../stack/wire/summary';
import { emitTcp, parseTcp } from '../../../stack/wire/tcp';
import type { ParseResult, WireErrorKind, WireLayer } from '../../../stack/wire/types';
import { emitUdp, parseUdp } from '../../../stack/wire/udp';
import {
  arpRepr, bytes, dhcpRepr, dnsRepr, ethernetRepr, icmpRepr, ipv4Repr, mutate, mutation, pseudoHeaderSum, refillChecksum, refillIpv4,
  tcpRepr, u32, udpRepr, validFrame,
} from './arbitraries';

const RUNS = 5000; // random inputs per parser; as many mutated ones again → 10,000 per family
const ROUND_TRIPS = 1000;
const KINDS: ReadonlySet<WireErrorKind> = new Set(['truncated', 'checksum', 'length', 'version', 'unsupported', 'malformed']);
const params = (seed: number, numRuns = RUNS): fc.Parameters<unknown> => ({ seed, numRuns });

/** ok, or a typed error of `layer` with a known kind and a text detail. */
function typed<T>(r: ParseResult<T>, layer: WireLayer): boolean {
  if (r.ok) return true;
  return r.error.layer === layer && KINDS.has(r.error.kind) && typeof r.error.detail === 'string';
}

const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });
/** Mutations of `valid`, with the checksum re-filled half of the time (reaching the checks behind it). */
const mutated = (valid: fc.Arbitrary<Uint8Array>, refill?: (b: Uint8Array) => Uint8Array): fc.Arbitrary<Uint8Array> =>
  fc.tuple(valid, mutations, fc.boolean()).map(([b, ops, fix]) => {
    const m = mutate(b, ops);
    return fix && refill ? refill(m) : m;
  });

type Family = {
  name: WireLayer;
  parse: (b: Uint8Array, src: number, dst: number) => ParseResult<unknown>;
  /** Valid encodings for a given pseudo-header pair. */
  valid: (src: number, dst: number) => fc.Arbitrary<Uint8Array>;
  refill?: (b: Uint8Array, src: number, dst: number) => Uint8Array;
  maxRandom: number;
};

const FAMILIES: Family[] = [
  { name: 'ethernet', parse: (b) => parseEthernet(b), valid: () => ethernetRepr.map(emitEthernet), maxRandom: 80 },
  { name: 'arp', parse: (b) => parseArp(b), valid: () => arpRepr.map(emitArp), maxRandom: 40 },
  { name: 'ipv4', parse: (b) => parseIpv4(b), valid: () => ipv4Repr.map(emitIpv4), refill: refillIpv4, maxRandom: 80 },
  { name: 'icmp', parse: (b) => parseIcmp(b), valid: () => icmpRepr.map(emitIcmp), refill: (b) => refillChecksum(b, 2), maxRandom: 60 },
  {
    name: 'udp', parse: (b, s, d) => parseUdp(b, s, d), valid: (s, d) => udpRepr.map((u) => emitUdp(u, s, d)),
    refill: (b, s, d) => refillChecksum(b, 6, pseudoHeaderSum(s, d, 17, b.length >= 6 ? (b[4] << 8) | b[5] : 0)), maxRandom: 60,
  },
  {
    name: 'tcp', parse: (b, s, d) => parseTcp(b, s, d), valid: (s, d) => tcpRepr.map((t) => emitTcp(t, s, d)),
    refill: (b, s, d) => refillChecksum(b, 16, pseudoHeaderSum(s, d, 6, b.length)), maxRandom: 80,
  },
  { name: 'dhcp', parse: (b) => parseDhcp(b), valid: () => dhcpRepr.map(emitDhcp), maxRandom: 400 },
  { name: 'dns', parse: (b) => parseDns(b), valid: () => dnsRepr.map(emitDns), maxRandom: 120 },
];

describe.each(FAMILIES)('$name parser fuzz', (f) => {
  it('random bytes never throw and give ok or a typed error', () => {
    fc.assert(fc.property(bytes(f.maxRandom), u32, u32, (b, s, d) => typed(f.parse(b, s, d), f.name)), params(101));
  });

  it('mutated valid encodings never throw and give ok or a typed error', () => {
    const input = fc.tuple(u32, u32).chain(([s, d]) =>
      mutated(f.valid(s, d), f.refill && ((b) => f.refill!(b, s, d))).map((b) => [b, s, d] as const));
    fc.assert(fc.property(input, ([b, s, d]) => typed(f.parse(b, s, d), f.name)), params(202));
  });
});

describe('summarizeFrame fuzz', () => {
  const line = (s: string): boolean => typeof s === 'string' && s.length > 0 && !s.startsWith('malformed frame:') && !s.includes('\n');

  it('random bytes give one line and never throw', () => {
    fc.assert(fc.property(bytes(120), (b) => line(summarizeFrame(b))), params(303));
  });

  it('mutated valid frames give one line and never throw', () => {
    const refillInner = (b: Uint8Array): Uint8Array => { if (b.length > 14) refillIpv4(b.subarray(14)); return b; };
    fc.assert(fc.property(mutated(validFrame, refillInner), (b) => line(summarizeFrame(b, (ip) => (ip & 1 ? 'odd' : undefined)))), params(404));
  });

  it('valid frames never summarise as malformed', () => {
    fc.assert(fc.property(validFrame, (b) => line(summarizeFrame(b)) && !summarizeFrame(b).startsWith('malformed')), params(505, ROUND_TRIPS));
  });
});

describe('emit → parse is the identity', () => {
  const roundTrip = <T>(arb: fc.Arbitrary<T>, emit: (r: T) => Uint8Array, parse: (b: Uint8Array) => ParseResult<T>, seed: number): void => {
    fc.assert(fc.property(arb, (r) => {
      const back = parse(emit(r));
      expect(back.ok ? back.value : back.error).toEqual(r);
    }), params(seed, ROUND_TRIPS));
  };

  it('ethernet', () => roundTrip(ethernetRepr, emitEthernet, parseEthernet, 1));
  it('arp', () => roundTrip(arpRepr, emitArp, parseArp, 2));
  it('ipv4', () => roundTrip(ipv4Repr, emitIpv4, parseIpv4, 3));
  it('icmp', () => roundTrip(icmpRepr, emitIcmp, parseIcmp, 4));
  it('udp', () => roundTrip(udpRepr, (u) => emitUdp(u, 0xc0a80164, 0xc0a80101), (b) => parseUdp(b, 0xc0a80164, 0xc0a80101), 5));
  // Sequence numbers parse in their signed 32-bit form (stack/tcp/seq.ts).
  const signedSeq = tcpRepr.map((t) => ({ ...t, seq: t.seq | 0, ack: t.ack | 0 }));
  it('tcp', () => roundTrip(signedSeq, (t) => emitTcp(t, 0x0a000001, 0x0a000002), (b) => parseTcp(b, 0x0a000001, 0x0a000002), 6));
  it('dhcp', () => roundTrip(dhcpRepr, emitDhcp, parseDhcp, 7));
  it('dns', () => roundTrip(dnsRepr, emitDns, parseDns, 8));
});
