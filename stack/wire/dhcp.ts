/**
 * DHCP messages (RFC 2131 / 2132) over BOOTP. Ethernet hardware only.
 * Known options become Repr fields; unknown options are skipped.
 */
import { fail, ok, readMac, readU16, readU32, writeMac, writeU16, writeU32, type Ipv4Addr, type MacAddr, type ParseResult } from './types';

export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;

export const DHCP_DISCOVER = 1;
export const DHCP_OFFER = 2;
export const DHCP_REQUEST = 3;
export const DHCP_DECLINE = 4;
export const DHCP_ACK = 5;
export const DHCP_NAK = 6;
export const DHCP_RELEASE = 7;
export const DHCP_INFORM = 8;

export const DHCP_MESSAGE_NAMES: Readonly<Record<number, string>> = {
  1: 'DISCOVER', 2: 'OFFER', 3: 'REQUEST', 4: 'DECLINE', 5: 'ACK', 6: 'NAK', 7: 'RELEASE', 8: 'INFORM',
};

export const BOOTP_REQUEST = 1;
export const BOOTP_REPLY = 2;

/** Field offsets. */
export const DHCP_OP = 0;
export const DHCP_HTYPE = 1;
export const DHCP_HLEN = 2;
export const DHCP_HOPS = 3;
export const DHCP_XID = 4;
export const DHCP_SECS = 8;
export const DHCP_FLAGS = 10;
export const DHCP_CIADDR = 12;
export const DHCP_YIADDR = 16;
export const DHCP_SIADDR = 20;
export const DHCP_GIADDR = 24;
export const DHCP_CHADDR = 28;
export const DHCP_SNAME = 44;
export const DHCP_FILE = 108;
export const DHCP_MAGIC = 236;
export const DHCP_OPTIONS = 240;
export const DHCP_MAGIC_COOKIE = 0x63825363;
export const DHCP_FLAG_BROADCAST = 0x8000;
/** Real clients (lwIP, dhclient) pad BOOTP messages to at least 300 bytes. */
export const DHCP_MIN_LEN = 300;

/** Option codes. */
export const OPT_PAD = 0;
export const OPT_SUBNET_MASK = 1;
export const OPT_ROUTER = 3;
export const OPT_DNS_SERVERS = 6;
export const OPT_HOSTNAME = 12;
export const OPT_REQUESTED_IP = 50;
export const OPT_LEASE_TIME = 51;
export const OPT_MESSAGE_TYPE = 53;
export const OPT_SERVER_ID = 54;
export const OPT_PARAMETER_REQUEST_LIST = 55;
export const OPT_MESSAGE = 56;
export const OPT_MAX_MESSAGE_SIZE = 57;
export const OPT_RENEWAL_TIME = 58;
export const OPT_REBINDING_TIME = 59;
export const OPT_CLIENT_ID = 61;
export const OPT_END = 255;

export interface DhcpRepr {
  op: 1 | 2;
  xid: number;
  secs: number;
  broadcast: boolean;
  ciaddr: Ipv4Addr;
  yiaddr: Ipv4Addr;
  siaddr: Ipv4Addr;
  giaddr: Ipv4Addr;
  chaddr: MacAddr;
  messageType: number;
  subnetMask?: Ipv4Addr;
  router?: Ipv4Addr;
  dnsServers?: Ipv4Addr[];
  hostname?: string;
  requestedIp?: Ipv4Addr;
  leaseTime?: number;
  renewalTime?: number;
  rebindingTime?: number;
  serverId?: Ipv4Addr;
  parameterRequestList?: number[];
  /** Option 61 data as sent (type byte first, e.g. [1, mac...]). */
  clientId?: Uint8Array;
  message?: string;
  /** Option 57 (lwIP sends 1500 in DISCOVER and REQUEST). */
  maxMessageSize?: number;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

function bad(detail: string): ParseResult<never> {
  return fail('dhcp', 'malformed', detail);
}

function readAddrList(data: Uint8Array): Ipv4Addr[] {
  const out: Ipv4Addr[] = [];
  for (let i = 0; i + 4 <= data.length; i += 4) out.push(readU32(data, i));
  return out;
}

/** Applies one option to `r`; returns an error text when its length is wrong. */
function applyOption(r: Partial<DhcpRepr>, code: number, d: Uint8Array): string | undefined {
  const need = (n: number): string | undefined => (d.length === n ? undefined : `option ${code} length ${d.length} != ${n}`);
  const list = (): string | undefined => (d.length >= 4 && d.length % 4 === 0 ? undefined : `option ${code} length ${d.length}`);
  let err: string | undefined;
  switch (code) {
    case OPT_SUBNET_MASK: if (!(err = need(4))) r.subnetMask = readU32(d, 0); break;
    case OPT_ROUTER: if (!(err = list())) r.router = readU32(d, 0); break;
    case OPT_DNS_SERVERS: if (!(err = list())) r.dnsServers = readAddrList(d); break;
    case OPT_HOSTNAME: if (!(err = d.length ? undefined : 'empty hostname')) r.hostname = utf8Decoder.decode(d); break;
    case OPT_REQUESTED_IP: if (!(err = need(4))) r.requestedIp = readU32(d, 0); break;
    case OPT_LEASE_TIME: if (!(err = need(4))) r.leaseTime = readU32(d, 0); break;
    case OPT_MESSAGE_TYPE: if (!(err = need(1))) r.messageType = d[0]; break;
    case OPT_SERVER_ID: if (!(err = need(4))) r.serverId = readU32(d, 0); break;
    case OPT_PARAMETER_REQUEST_LIST: r.parameterRequestList = Array.from(d); break;
    case OPT_MESSAGE: r.message = utf8Decoder.decode(d); break;
    case OPT_MAX_MESSAGE_SIZE: if (!(err = need(2))) r.maxMessageSize = readU16(d, 0); break;
    case OPT_RENEWAL_TIME: if (!(err = need(4))) r.renewalTime = readU32(d, 0); break;
    case OPT_REBINDING_TIME: if (!(err = need(4))) r.rebindingTime = readU32(d, 0); break;
    case OPT_CLIENT_ID: if (!(err = d.length >= 2 ? undefined : `client id length ${d.length}`)) r.clientId = d.slice(); break;
    default: break; // unknown option: skipped
  }
  return err;
}

/** Parses a DHCP message (a UDP payload). */
export function parseDhcp(b: Uint8Array): ParseResult<DhcpRepr> {
  if (b.length < DHCP_OPTIONS) return fail('dhcp', 'truncated', `message of ${b.length} bytes`);
  const op = b[DHCP_OP];
  if (op !== BOOTP_REQUEST && op !== BOOTP_REPLY) return bad(`op ${op}`);
  if (b[DHCP_HTYPE] !== 1 || b[DHCP_HLEN] !== 6) return fail('dhcp', 'unsupported', `htype ${b[DHCP_HTYPE]} hlen ${b[DHCP_HLEN]}`);
  if (readU32(b, DHCP_MAGIC) !== DHCP_MAGIC_COOKIE) return bad('no magic cookie (BOOTP)');
  const r: Partial<DhcpRepr> = {
    op,
    xid: readU32(b, DHCP_XID),
    secs: readU16(b, DHCP_SECS),
    broadcast: (readU16(b, DHCP_FLAGS) & DHCP_FLAG_BROADCAST) !== 0,
    ciaddr: readU32(b, DHCP_CIADDR),
    yiaddr: readU32(b, DHCP_YIADDR),
    siaddr: readU32(b, DHCP_SIADDR),
    giaddr: readU32(b, DHCP_GIADDR),
    chaddr: readMac(b, DHCP_CHADDR),
  };
  let i = DHCP_OPTIONS;
  while (i < b.length) {
    const code = b[i];
    if (code === OPT_END) break;
    if (code === OPT_PAD) { i++; continue; }
    if (i + 2 > b.length) return fail('dhcp', 'truncated', `option ${code} without length`);
    const len = b[i + 1];
    if (i + 2 + len > b.length) return fail('dhcp', 'truncated', `option ${code} length ${len} past the end`);
    const err = applyOption(r, code, b.subarray(i + 2, i + 2 + len));
    if (err) return bad(err);
    i += 2 + len;
  }
  if (r.messageType === undefined) return fail('dhcp', 'unsupported', 'no message type (plain BOOTP)');
  return ok(r as DhcpRepr);
}

/** Option TLVs in a stable order (53 first, as every client and server sends it). */
function optionList(r: DhcpRepr): [number, Uint8Array][] {
  const u32 = (v: number): Uint8Array => { const a = new Uint8Array(4); writeU32(a, 0, v); return a; };
  const opts: [number, Uint8Array][] = [[OPT_MESSAGE_TYPE, Uint8Array.of(r.messageType)]];
  const add = (code: number, v: Uint8Array | undefined): void => { if (v) opts.push([code, v]); };
  const addr = (v: number | undefined): Uint8Array | undefined => (v === undefined ? undefined : u32(v));
  add(OPT_CLIENT_ID, r.clientId);
  add(OPT_MAX_MESSAGE_SIZE, r.maxMessageSize === undefined ? undefined : Uint8Array.of(r.maxMessageSize >> 8, r.maxMessageSize & 255));
  add(OPT_SERVER_ID, addr(r.serverId));
  add(OPT_REQUESTED_IP, addr(r.requestedIp));
  add(OPT_LEASE_TIME, addr(r.leaseTime));
  add(OPT_RENEWAL_TIME, addr(r.renewalTime));
  add(OPT_REBINDING_TIME, addr(r.rebindingTime));
  add(OPT_SUBNET_MASK, addr(r.subnetMask));
  add(OPT_ROUTER, addr(r.router));
  if (r.dnsServers && r.dnsServers.length > 0) {
    const d = new Uint8Array(4 * r.dnsServers.length);
    r.dnsServers.forEach((ip, k) => writeU32(d, 4 * k, ip));
    add(OPT_DNS_SERVERS, d);
  }
  add(OPT_HOSTNAME, r.hostname ? utf8.encode(r.hostname) : undefined);
  add(OPT_PARAMETER_REQUEST_LIST, r.parameterRequestList ? Uint8Array.from(r.parameterRequestList) : undefined);
  add(OPT_MESSAGE, r.message !== undefined ? utf8.encode(r.message) : undefined);
  return opts;
}

/** Emits the message (a UDP payload), padded with zeros to at least 300 bytes. */
export function emitDhcp(r: DhcpRepr): Uint8Array {
  const opts = optionList(r);
  let len = DHCP_OPTIONS + 1;
  for (const [code, d] of opts) {
    if (d.length > 255) throw new RangeError(`DHCP option ${code} of ${d.length} bytes`);
    len += 2 + d.length;
  }
  const out = new Uint8Array(Math.max(len, DHCP_MIN_LEN));
  out[DHCP_OP] = r.op;
  out[DHCP_HTYPE] = 1;
  out[DHCP_HLEN] = 6;
  writeU32(out, DHCP_XID, r.xid);
  writeU16(out, DHCP_SECS, r.secs & 0xffff);
  writeU16(out, DHCP_FLAGS, r.broadcast ? DHCP_FLAG_BROADCAST : 0);
  writeU32(out, DHCP_CIADDR, r.ciaddr);
  writeU32(out, DHCP_YIADDR, r.yiaddr);
  writeU32(out, DHCP_SIADDR, r.siaddr);
  writeU32(out, DHCP_GIADDR, r.giaddr);
  writeMac(out, DHCP_CHADDR, r.chaddr);
  writeU32(out, DHCP_MAGIC, DHCP_MAGIC_COOKIE);
  let i = DHCP_OPTIONS;
  for (const [code, d] of opts) {
    out[i] = code;
    out[i + 1] = d.length;
    out.set(d, i + 2);
    i += 2 + d.length;
  }
  out[i] = OPT_END;
  return out;
}
