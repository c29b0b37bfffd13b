/**
 * Per-layer decode of one Ethernet frame for the page's packet view (like
 * Wireshark's middle pane): Ethernet, ARP / IPv4, ICMP / UDP / TCP, and DHCP,
 * DNS, MQTT, HTTP where they are, each with its fields and byte range. Built
 * on the project's own wire parsers (stack/wire/); never throws: a layer that
 * does not parse ends the decode with a "malformed" layer. A layer's byte
 * range is its own header (or, for the last layer, what it carries).
 */
import { parser as mqttParser, type Packet } from 'mqtt-packet';
import { parseArp } from '../../stack/wire/arp';
import { DHCP_CLIENT_PORT, DHCP_MESSAGE_NAMES, DHCP_SERVER_PORT, parseDhcp } from '../../stack/wire/dhcp';
import { DNS_PORT, parseDns } from '../../stack/wire/dns';
import { ETH_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4, parseEthernet } from '../../stack/wire/ethernet';
import { parseIcmp } from '../../stack/wire/icmp';
import { parseIpv4 } from '../../stack/wire/ipv4';
import { summarizeFrame, type NameOf } from '../../stack/wire/summary';
import { formatTcpFlags, parseTcp, TCP_ACK } from '../../stack/wire/tcp';
import { ipToString, macToString, type WireError } from '../../stack/wire/types';
import { parseUdp } from '../../stack/wire/udp';
import type { DecodeField, DecodeLayer } from './protocol';

const MQTT_PORTS = [1883];
const HTTP_START = /^(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH) \S+ HTTP\/1\.[01]\r?\n|^HTTP\/1\.[01] \d{3}/;
const latin1 = new TextDecoder('latin1');

const f = (name: string, value: string | number | boolean): DecodeField => ({ name, value: String(value) });

function malformedLayer(e: WireError, start: number, end: number): DecodeLayer {
  return { name: `Malformed ${e.layer}`, summary: `${e.kind}: ${e.detail}`, fields: [f('error', e.kind), f('detail', e.detail)], start, end };
}

/** The row of the packet list: protocol column and source / destination names. */
export interface FrameSummary {
  src: string;
  dst: string;
  protocol: string;
  info: string;
}

/** Source, destination, protocol and info of a frame (info as `--packets` prints it). */
export function summarize(frame: Uint8Array, nameOf?: NameOf): FrameSummary {
  const layers = decodeFrame(frame);
  const top = layers[layers.length - 1];
  const eth = parseEthernet(frame);
  let src = '?';
  let dst = '?';
  if (eth.ok) {
    src = macToString(eth.value.src);
    dst = eth.value.dst === 0xffffffffffff ? 'broadcast' : macToString(eth.value.dst);
    const ip = eth.value.ethertype === ETHERTYPE_IPV4 ? parseIpv4(eth.value.payload) : undefined;
    if (ip?.ok) {
      src = nameOf?.(ip.value.src) ?? ipToString(ip.value.src);
      dst = ip.value.dst === 0xffffffff ? 'broadcast' : (nameOf?.(ip.value.dst) ?? ipToString(ip.value.dst));
    }
    const arp = eth.value.ethertype === ETHERTYPE_ARP ? parseArp(eth.value.payload) : undefined;
    if (arp?.ok) {
      src = nameOf?.(arp.value.senderIp) ?? ipToString(arp.value.senderIp);
      dst = arp.value.op === 1 ? 'broadcast' : (nameOf?.(arp.value.targetIp) ?? ipToString(arp.value.targetIp));
    }
  }
  const protocol = top ? top.name.replace(/^Malformed .*/, 'malformed').split(' ')[0] : 'frame';
  let info = summarizeFrame(frame, nameOf);
  const tcp = layers.find((l) => l.name === 'TCP');
  if (tcp) info = tcp.summary;
  if (top && top !== tcp && tcp) info += top.name === 'Data' ? ` ${top.summary.replace(/^\d+ bytes: ?/, '')}` : ` ${top.name} ${top.summary}`;
  return { src, dst, protocol, info };
}

/** Every layer of `frame`, outermost first. */
export function decodeFrame(frame: Uint8Array): DecodeLayer[] {
  const out: DecodeLayer[] = [];
  const eth = parseEthernet(frame);
  if (!eth.ok) return [malformedLayer(eth.error, 0, frame.length)];
  const e = eth.value;
  out.push({
    name: 'Ethernet II',
    summary: `${macToString(e.src)} → ${macToString(e.dst)}`,
    fields: [f('destination', macToString(e.dst)), f('source', macToString(e.src)), f('type', `0x${e.ethertype.toString(16).padStart(4, '0')}`)],
    start: 0,
    end: ETH_HEADER_LEN,
  });
  if (e.ethertype === ETHERTYPE_ARP) {
    const a = parseArp(e.payload);
    if (!a.ok) return [...out, malformedLayer(a.error, ETH_HEADER_LEN, frame.length)];
    const r = a.value;
    const op = r.op === 1 ? 'request' : r.op === 2 ? 'reply' : String(r.op);
    out.push({
      name: 'ARP',
      summary: r.op === 1 ? `who has ${ipToString(r.targetIp)}? tell ${ipToString(r.senderIp)}` : `${ipToString(r.senderIp)} is at ${macToString(r.senderMac)}`,
      fields: [f('operation', op), f('sender MAC', macToString(r.senderMac)), f('sender IP', ipToString(r.senderIp)), f('target MAC', macToString(r.targetMac)), f('target IP', ipToString(r.targetIp))],
      start: ETH_HEADER_LEN,
      end: ETH_HEADER_LEN + 28,
    });
    return out;
  }
  if (e.ethertype !== ETHERTYPE_IPV4) return out;
  const ipStart = ETH_HEADER_LEN;
  const ipr = parseIpv4(e.payload);
  if (!ipr.ok) return [...out, malformedLayer(ipr.error, ipStart, frame.length)];
  const ip = ipr.value;
  const ipHeaderLen = (e.payload[0] & 0x0f) * 4;
  const l4Start = ipStart + ipHeaderLen;
  const ipEnd = l4Start + ip.payload.length;
  const protoName = ip.proto === 1 ? 'ICMP' : ip.proto === 6 ? 'TCP' : ip.proto === 17 ? 'UDP' : String(ip.proto);
  out.push({
    name: 'IPv4',
    summary: `${ipToString(ip.src)} → ${ipToString(ip.dst)}`,
    fields: [f('source', ipToString(ip.src)), f('destination', ipToString(ip.dst)), f('protocol', `${protoName} (${ip.proto})`), f('TTL', ip.ttl), f('identification', `0x${ip.id.toString(16).padStart(4, '0')}`), f("don't fragment", ip.df), f('header length', ipHeaderLen), f('total length', ipHeaderLen + ip.payload.length)],
    start: ipStart,
    end: l4Start,
  });
  if (ip.proto === 1) {
    const m = parseIcmp(ip.payload);
    if (!m.ok) return [...out, malformedLayer(m.error, l4Start, ipEnd)];
    const v = m.value;
    const fields = v.type === 'dest-unreachable' ? [f('type', 'destination unreachable (3)'), f('code', v.code)] : [f('type', v.type === 'echo-request' ? 'echo request (8)' : 'echo reply (0)'), f('identifier', v.ident), f('sequence', v.seq), f('data', `${v.data.length} bytes`)];
    out.push({ name: 'ICMP', summary: v.type, fields, start: l4Start, end: ipEnd });
    return out;
  }
  if (ip.proto === 17) {
    const u = parseUdp(ip.payload, ip.src, ip.dst);
    if (!u.ok) return [...out, malformedLayer(u.error, l4Start, ipEnd)];
    const { srcPort, dstPort, payload } = u.value;
    out.push({ name: 'UDP', summary: `${srcPort} → ${dstPort} len=${payload.length}`, fields: [f('source port', srcPort), f('destination port', dstPort), f('length', payload.length + 8)], start: l4Start, end: l4Start + 8 });
    const appStart = l4Start + 8;
    const ports = [srcPort, dstPort];
    if (ports.includes(DHCP_SERVER_PORT) && ports.includes(DHCP_CLIENT_PORT)) out.push(dhcpLayer(payload, appStart, ipEnd));
    else if (ports.includes(DNS_PORT)) out.push(dnsLayer(payload, appStart, ipEnd));
    else if (payload.length) out.push(dataLayer(payload, appStart, ipEnd));
    return out;
  }
  if (ip.proto === 6) {
    const t = parseTcp(ip.payload, ip.src, ip.dst);
    if (!t.ok) return [...out, malformedLayer(t.error, l4Start, ipEnd)];
    const s = t.value;
    const fields = [f('source port', s.srcPort), f('destination port', s.dstPort), f('flags', `[${formatTcpFlags(s.flags)}]`), f('sequence number', s.seq >>> 0), f('acknowledgment number', s.ack >>> 0), f('window', s.window), f('payload', `${s.payload.length} bytes`)];
    if (s.mss !== undefined) fields.push(f('MSS option', s.mss));
    if (s.wscale !== undefined) fields.push(f('window scale option', s.wscale));
    if (s.sackPermitted) fields.push(f('SACK permitted', true));
    const appStart = ipEnd - s.payload.length;
    out.push({ name: 'TCP', summary: `${s.srcPort} → ${s.dstPort} [${formatTcpFlags(s.flags)}] seq=${s.seq >>> 0}${s.flags & TCP_ACK ? ` ack=${s.ack >>> 0}` : ''} win=${s.window} len=${s.payload.length}`, fields, start: l4Start, end: appStart });
    if (!s.payload.length) return out;
    if (MQTT_PORTS.includes(s.srcPort) || MQTT_PORTS.includes(s.dstPort)) out.push(mqttLayer(s.payload, appStart, ipEnd));
    else if (HTTP_START.test(latin1.decode(s.payload.subarray(0, 64)))) out.push(httpLayer(s.payload, appStart, ipEnd));
    else out.push(dataLayer(s.payload, appStart, ipEnd));
  }
  return out;
}

function dhcpLayer(b: Uint8Array, start: number, end: number): DecodeLayer {
  const d = parseDhcp(b);
  if (!d.ok) return malformedLayer(d.error, start, end);
  const m = d.value;
  const type = DHCP_MESSAGE_NAMES[m.messageType] ?? `type ${m.messageType}`;
  const fields = [f('message type', type), f('transaction id', `0x${m.xid.toString(16).padStart(8, '0')}`), f('client MAC', macToString(m.chaddr)), f('your IP', ipToString(m.yiaddr))];
  if (m.requestedIp !== undefined) fields.push(f('requested IP', ipToString(m.requestedIp)));
  if (m.serverId !== undefined) fields.push(f('server', ipToString(m.serverId)));
  if (m.subnetMask !== undefined) fields.push(f('subnet mask', ipToString(m.subnetMask)));
  if (m.router !== undefined) fields.push(f('router', ipToString(m.router)));
  if (m.dnsServers) fields.push(f('DNS servers', m.dnsServers.map(ipToString).join(', ')));
  if (m.leaseTime !== undefined) fields.push(f('lease time', `${m.leaseTime} s`));
  if (m.hostname) fields.push(f('hostname', m.hostname));
  return { name: 'DHCP', summary: type, fields, start, end };
}

function dnsLayer(b: Uint8Array, start: number, end: number): DecodeLayer {
  const d = parseDns(b);
  if (!d.ok) return malformedLayer(d.error, start, end);
  const m = d.value;
  const fields = [f('id', m.id), f('kind', m.qr ? 'response' : 'query'), f('rcode', m.rcode)];
  for (const q of m.questions) fields.push(f('question', `${q.name} type ${q.type}`));
  for (const a of m.answers) fields.push(f('answer', `${a.name} ${a.address !== undefined ? ipToString(a.address) : `${a.data.length} bytes`} ttl=${a.ttl}`));
  return { name: 'DNS', summary: `${m.qr ? 'response' : 'query'} ${m.questions[0]?.name ?? ''}`, fields, start, end };
}

function mqttLayer(b: Uint8Array, start: number, end: number): DecodeLayer {
  const packets: Packet[] = [];
  let error: string | undefined;
  try {
    const p = mqttParser({ protocolVersion: 4 });
    p.on('packet', (x: Packet) => packets.push(x));
    p.on('error', (e: Error) => {
      error = e.message;
    });
    p.parse(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  } catch (e) {
    error = (e as Error).message;
  }
  const fields: DecodeField[] = [];
  for (const x of packets) {
    const extra: string[] = [];
    const r = x as unknown as Record<string, unknown>;
    if (typeof r.topic === 'string') extra.push(`topic=${r.topic}`);
    if (r.payload && (r.payload as Buffer).length !== undefined) extra.push(`payload=${JSON.stringify(latin1.decode(r.payload as Buffer).slice(0, 80))}`);
    if (typeof r.clientId === 'string') extra.push(`client=${r.clientId}`);
    if (Array.isArray(r.subscriptions)) extra.push(`topics=${(r.subscriptions as { topic: string }[]).map((s) => s.topic).join(',')}`);
    fields.push(f(x.cmd.toUpperCase(), extra.join(' ') || '-'));
  }
  if (error) fields.push(f('error', error));
  return { name: 'MQTT', summary: packets.map((x) => x.cmd.toUpperCase()).join(', ') || 'segment of a message', fields, start, end };
}

function httpLayer(b: Uint8Array, start: number, end: number): DecodeLayer {
  const text = latin1.decode(b);
  const head = text.split(/\r?\n\r?\n/)[0];
  const lines = head.split(/\r?\n/);
  const fields = lines.slice(1).map((l) => {
    const i = l.indexOf(':');
    return i > 0 ? f(l.slice(0, i), l.slice(i + 1).trim()) : f('line', l);
  });
  const body = text.length - head.length;
  if (body > 0) fields.push(f('body', `${Math.max(0, body - 4)} bytes`));
  return { name: 'HTTP', summary: lines[0], fields: [f('first line', lines[0]), ...fields], start, end };
}

function dataLayer(b: Uint8Array, start: number, end: number): DecodeLayer {
  const text = latin1.decode(b.subarray(0, 200));
  const printable = /^[\x20-\x7e\r\n\t]*$/.test(text);
  return { name: 'Data', summary: `${b.length} bytes${printable ? `: ${JSON.stringify(text)}` : ''}`, fields: [f('length', b.length), f(printable ? 'text' : 'bytes', printable ? JSON.stringify(text) : hex(b.subarray(0, 64)))], start, end };
}

export function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}
