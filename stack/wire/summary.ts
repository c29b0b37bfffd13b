/**
 * One readable, tcpdump-like line per frame, for `--packets` output and
 * traces. Never throws: a frame that does not parse reads
 * `malformed <layer>: <kind>`.
 */
import { parseArp } from './arp';
import { DHCP_CLIENT_PORT, DHCP_MESSAGE_NAMES, DHCP_OFFER, DHCP_ACK, DHCP_REQUEST, DHCP_SERVER_PORT, parseDhcp } from './dhcp';
import { DNS_PORT, RCODE_NOERROR, RCODE_NXDOMAIN, TYPE_A, parseDns, type DnsRepr } from './dns';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, parseEthernet } from './ethernet';
import { parseIcmp, type IcmpRepr } from './icmp';
import { parseIpv4, type Ipv4Repr } from './ipv4';
import { formatSegment, parseTcp } from './tcp';
import { ipToString, macToString, type Ipv4Addr, type ParseResult, type WireError } from './types';
import { parseUdp } from './udp';

export type NameOf = (ip: Ipv4Addr) => string | undefined;

const IP_ICMP = 1;
const IP_TCP = 6;
const IP_UDP = 17;

const RCODE_NAMES: Readonly<Record<number, string>> = { 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED' };
const UNREACH_NAMES: Readonly<Record<number, string>> = { 0: 'net', 1: 'host', 2: 'protocol', 3: 'port', 4: 'frag-needed' };

export function malformed(e: WireError): string {
  return `malformed ${e.layer}: ${e.kind}`;
}

/** `name` when nameOf knows the address, else the dotted quad. */
function host(ip: Ipv4Addr, nameOf?: NameOf): string {
  let name: string | undefined;
  try {
    name = nameOf?.(ip);
  } catch {
    name = undefined;
  }
  return name ?? ipToString(ip);
}

function typeName(type: number): string {
  return type === TYPE_A ? 'A' : type === 28 ? 'AAAA' : type === 5 ? 'CNAME' : `TYPE${type}`;
}

function summarizeDns(d: DnsRepr): string {
  const q = d.questions[0];
  const qname = q ? q.name || '.' : '(no question)';
  if (!d.qr) return `DNS ${q ? typeName(q.type) : ''}? ${qname} id=${d.id}`;
  if (d.rcode === RCODE_NXDOMAIN) return `DNS NXDOMAIN ${qname}`;
  if (d.rcode !== RCODE_NOERROR) return `DNS ${RCODE_NAMES[d.rcode] ?? `RCODE${d.rcode}`} ${qname}`;
  if (d.answers.length === 0) return `DNS ${qname} no answer id=${d.id}`;
  const answers = d.answers.map((a) => {
    const value = a.address !== undefined ? ipToString(a.address) : `(${a.data.length} bytes)`;
    return `${a.name || '.'} ${typeName(a.type)} ${value}`;
  });
  return `DNS ${answers.join(', ')}`;
}

function summarizeUdp(ip: Ipv4Repr, nameOf?: NameOf): string {
  const u = parseUdp(ip.payload, ip.src, ip.dst);
  if (!u.ok) return malformed(u.error);
  const { srcPort, dstPort, payload } = u.value;
  const ports = [srcPort, dstPort];
  if (ports.includes(DHCP_SERVER_PORT) && ports.includes(DHCP_CLIENT_PORT)) {
    const d = parseDhcp(payload);
    if (!d.ok) return malformed(d.error);
    const m = d.value;
    let line = `DHCP ${DHCP_MESSAGE_NAMES[m.messageType] ?? `type${m.messageType}`} xid=0x${m.xid.toString(16).padStart(8, '0')}`;
    if ((m.messageType === DHCP_OFFER || m.messageType === DHCP_ACK) && m.yiaddr) line += ` yiaddr=${ipToString(m.yiaddr)}`;
    if (m.messageType === DHCP_REQUEST && m.requestedIp !== undefined) line += ` requested=${ipToString(m.requestedIp)}`;
    return line;
  }
  if (ports.includes(DNS_PORT)) {
    const d = parseDns(payload);
    return d.ok ? summarizeDns(d.value) : malformed(d.error);
  }
  return `UDP ${host(ip.src, nameOf)}:${srcPort} → ${host(ip.dst, nameOf)}:${dstPort} len=${payload.length}`;
}

function summarizeIcmp(r: ParseResult<IcmpRepr>): string {
  if (!r.ok) return malformed(r.error);
  const m = r.value;
  if (m.type === 'dest-unreachable') return `ICMP dest-unreachable ${UNREACH_NAMES[m.code] ?? `code=${m.code}`} len=${m.quoted.length}`;
  return `ICMP echo ${m.type === 'echo-request' ? 'request' : 'reply'} id=${m.ident} seq=${m.seq} len=${m.data.length}`;
}

/** `pc → esp32 TCP 54321→10000 [S] seq=… win=5760 mss=1440`: who talks to whom, then the segment. */
function summarizeTcp(ip: Ipv4Repr, nameOf?: NameOf): string {
  const t = parseTcp(ip.payload, ip.src, ip.dst);
  return t.ok ? `${host(ip.src, nameOf)} → ${host(ip.dst, nameOf)} TCP ${formatSegment(t.value)}` : malformed(t.error);
}

function summarizeIpv4(payload: Uint8Array, nameOf?: NameOf): string {
  const r = parseIpv4(payload);
  if (!r.ok) return malformed(r.error);
  const ip = r.value;
  switch (ip.proto) {
    case IP_ICMP: return `${host(ip.src, nameOf)} → ${host(ip.dst, nameOf)} ${summarizeIcmp(parseIcmp(ip.payload))}`;
    case IP_UDP: return summarizeUdp(ip, nameOf);
    case IP_TCP: return summarizeTcp(ip, nameOf);
    default: return `IP ${host(ip.src, nameOf)} → ${host(ip.dst, nameOf)} proto=${ip.proto} len=${ip.payload.length}`;
  }
}

function summarizeArp(payload: Uint8Array, nameOf?: NameOf): string {
  const r = parseArp(payload);
  if (!r.ok) return malformed(r.error);
  const a = r.value;
  if (a.op === 1) return `ARP who-has ${host(a.targetIp, nameOf)} tell ${host(a.senderIp, nameOf)}`;
  return `ARP ${host(a.senderIp, nameOf)} is-at ${macToString(a.senderMac)}`;
}

/** One line describing `frame` (an Ethernet II frame). */
export function summarizeFrame(frame: Uint8Array, nameOf?: NameOf): string {
  try {
    const eth = parseEthernet(frame);
    if (!eth.ok) return malformed(eth.error);
    const { ethertype, payload } = eth.value;
    if (ethertype === ETHERTYPE_ARP) return summarizeArp(payload, nameOf);
    if (ethertype === ETHERTYPE_IPV4) return summarizeIpv4(payload, nameOf);
    return `ethertype 0x${ethertype.toString(16).padStart(4, '0')} len=${payload.length}`;
  } catch (e) {
    // Parsers never throw; this guards the contract for trace output anyway.
    return `malformed frame: ${e instanceof Error ? e.message : String(e)}`;
  }
}
