/**
 * Composable frame checkers for device-level tests (gVisor's checker style):
 *
 *   expectFrame(f, ipv4(srcAddr('10.0.0.1'), tcp(flags('S.'), ack(n))));
 *   matching(frames, ipv4(tcp(dstPort(80), flags('R.'))))   // the frames that pass
 *
 * Each checker decodes one layer with the production parser (checksums
 * verified) and runs the checkers of the layer inside it; a mismatch names
 * its path ("ipv4.tcp.flags: R. (want S.)"). tshark stays the independent
 * outside check (tests/scenarios/examples/*-tshark.test.ts).
 */
import { parseEthernet, ETHERTYPE_IPV4, type EthernetRepr } from '../../stack/wire/ethernet';
import { parseIpv4, type Ipv4Repr } from '../../stack/wire/ipv4';
import { formatTcpFlags, parseTcp, type TcpRepr } from '../../stack/wire/tcp';
import { parseUdp, type UdpRepr } from '../../stack/wire/udp';
import { ipToString, macToString, parseIp, type MacAddr } from '../../stack/wire/types';

/** Checks one decoded header; returns what differs (nothing = it passes). */
export type Checker<T> = (v: T) => string[];

type Ipv4Packet = Ipv4Repr;
type UdpDatagram = UdpRepr & { src: number; dst: number };

const field = <T>(name: string, get: (v: T) => unknown, want: unknown, show: (x: unknown) => string = String): Checker<T> =>
  (v) => {
    const got = get(v);
    return got === want ? [] : [`${name}: ${show(got)} (want ${show(want)})`];
  };

function under<T>(path: string, checks: Checker<T>[], v: T): string[] {
  return checks.flatMap((c) => c(v)).map((m) => `${path}.${m}`);
}

// ---- Ethernet ----

export const srcMac = (m: MacAddr): Checker<EthernetRepr> => field('srcMac', (e) => e.src, m, (x) => macToString(x as MacAddr));
export const dstMac = (m: MacAddr): Checker<EthernetRepr> => field('dstMac', (e) => e.dst, m, (x) => macToString(x as MacAddr));

// ---- IPv4 ----

/** The frame carries an IPv4 packet (header checksum verified) that passes `checks`. */
export function ipv4(...checks: Checker<Ipv4Packet>[]): Checker<EthernetRepr> {
  return (e) => {
    if (e.ethertype !== ETHERTYPE_IPV4) return [`ethertype: 0x${e.ethertype.toString(16)} (want IPv4)`];
    const r = parseIpv4(e.payload);
    if (!r.ok) return [`ipv4: ${r.error.kind} ${r.error.detail}`];
    return under('ipv4', checks, r.value);
  };
}

const ip = (text: string): number => {
  const v = parseIp(text);
  if (v === undefined) throw new Error(`frames: bad IPv4 address ${text}`);
  return v;
};
export const srcAddr = (a: string): Checker<Ipv4Packet> => field('src', (p) => p.src, ip(a), (x) => ipToString(x as number));
export const dstAddr = (a: string): Checker<Ipv4Packet> => field('dst', (p) => p.dst, ip(a), (x) => ipToString(x as number));
export const ttl = (n: number): Checker<Ipv4Packet> => field('ttl', (p) => p.ttl, n);
export const dontFragment = (df = true): Checker<Ipv4Packet> => field('df', (p) => p.df, df);

// ---- TCP ----

/** The packet carries a TCP segment (pseudo-header checksum verified) that passes `checks`. */
export function tcp(...checks: Checker<TcpRepr>[]): Checker<Ipv4Packet> {
  return (p) => {
    if (p.proto !== 6) return [`proto: ${p.proto} (want TCP)`];
    const r = parseTcp(p.payload, p.src, p.dst);
    if (!r.ok) return [`tcp: ${r.error.kind} ${r.error.detail}`];
    return under('tcp', checks, r.value);
  };
}

/** tcpdump-style flags, exactly: 'S', 'S.', '.', 'P.', 'F.', 'R', 'R.'. */
export const flags = (f: string): Checker<TcpRepr> => field('flags', (s) => formatTcpFlags(s.flags), f);
// Sequence numbers compared (and shown) unsigned, as traces print them (parsed, they are signed: stack/tcp/seq.ts).
export const seq = (n: number): Checker<TcpRepr> => field('seq', (s) => s.seq >>> 0, n >>> 0);
export const ack = (n: number): Checker<TcpRepr> => field('ack', (s) => s.ack >>> 0, n >>> 0);
export const window = (n: number): Checker<TcpRepr> => field('window', (s) => s.window, n);
export const mss = (n: number | undefined): Checker<TcpRepr> => field('mss', (s) => s.mss, n);
export const srcPort = (n: number): Checker<TcpRepr | UdpDatagram> => field('srcPort', (s) => s.srcPort, n);
export const dstPort = (n: number): Checker<TcpRepr | UdpDatagram> => field('dstPort', (s) => s.dstPort, n);
export const payloadLen = (n: number): Checker<TcpRepr | UdpDatagram> => field('payloadLen', (s) => s.payload.length, n);

// ---- UDP ----

/** The packet carries a UDP datagram (checksum verified when present) that passes `checks`. */
export function udp(...checks: Checker<UdpDatagram>[]): Checker<Ipv4Packet> {
  return (p) => {
    if (p.proto !== 17) return [`proto: ${p.proto} (want UDP)`];
    const r = parseUdp(p.payload, p.src, p.dst);
    if (!r.ok) return [`udp: ${r.error.kind} ${r.error.detail}`];
    return under('udp', checks, { ...r.value, src: p.src, dst: p.dst });
  };
}

// ---- Frames ----

/** What is wrong with `frame` under `checks` (nothing = it passes). */
export function frameProblems(frame: Uint8Array, ...checks: Checker<EthernetRepr>[]): string[] {
  const e = parseEthernet(frame);
  if (!e.ok) return [`ethernet: ${e.error.kind} ${e.error.detail}`];
  return checks.flatMap((c) => c(e.value));
}

/** Throws, naming every mismatch, unless `frame` passes all `checks`. */
export function expectFrame(frame: Uint8Array, ...checks: Checker<EthernetRepr>[]): void {
  const problems = frameProblems(frame, ...checks);
  if (problems.length) throw new Error(`frame does not match:\n  ${problems.join('\n  ')}`);
}

/** The frames of `frames` that pass every one of `checks`. */
export function matching(frames: readonly Uint8Array[], ...checks: Checker<EthernetRepr>[]): Uint8Array[] {
  return frames.filter((f) => frameProblems(f, ...checks).length === 0);
}

/** Throws unless the TCP segment `seg` passes `checks` (for tests that see segments, not frames). */
export function expectSegment(seg: TcpRepr, ...checks: Checker<TcpRepr>[]): void {
  const problems = under('tcp', checks, seg);
  if (problems.length) throw new Error(`segment does not match:\n  ${problems.join('\n  ')}`);
}
