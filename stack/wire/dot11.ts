/**
 * IEEE 802.11 frames as ESP-NOW puts them on the air: the management Action
 * frame (type 0, subtype 13) carrying an Espressif vendor-specific action
 * (category 127, OUI 18:fe:34), and the ACK control frame (type 1, subtype 13)
 * a receiver answers a unicast with. Every frame ends with its FCS (CRC-32).
 *
 * ESP-NOW (ESP-IDF "ESP-NOW" frame format): MAC header (addr1 destination,
 * addr2 source, addr3 ff:ff:ff:ff:ff:ff, ToDS = FromDS = 0) | category 127 |
 * OUI 18fe34 | 4 random bytes | vendor-specific element: element ID 221 |
 * length (OUI + type + version + body) | OUI 18fe34 | type 4 | version (low
 * nibble; v2.0 adds a "more data" bit 4) | body (0-250 bytes).
 */
import { crc32 } from './crc32';
import { BROADCAST_MAC, fail, macToString, ok, readMac, writeMac, type MacAddr, type ParseResult } from './types';

export const DOT11_HEADER_LEN = 24;
export const FCS_LEN = 4;
export const ACK_LEN = 10 + FCS_LEN;
/** Frame Control byte 0: version 0, type 0 (management), subtype 13 (Action). */
export const FC_ACTION = 0xd0;
/** Frame Control byte 0: type 1 (control), subtype 13 (ACK). */
export const FC_ACK = 0xd4;
/** Frame Control byte 1 flags. */
export const FC_RETRY = 0x08;
export const CATEGORY_VENDOR = 127;
export const ESPRESSIF_OUI = [0x18, 0xfe, 0x34] as const;
export const ELEMENT_VENDOR = 221;
export const ESPNOW_TYPE = 4;
export const ESPNOW_MAX_BODY = 250;
/** The element's version nibble we write: ESP-NOW v1.0, one element (a body of at most 250 bytes). */
export const ESPNOW_VERSION = 1;
/** Category, OUI, random value, element header (ID, length, OUI, type, version). */
const ESPNOW_OVERHEAD = 1 + 3 + 4 + 2 + 3 + 1 + 1;

export interface ActionRepr {
  retry: boolean;
  /** Duration/ID field, µs the medium stays reserved after the frame (the ACK). */
  durationUs: number;
  dst: MacAddr;
  src: MacAddr;
  bssid: MacAddr;
  seq: number;
  /** Frame body after the 24-byte header (category onwards). */
  body: Uint8Array;
}

export interface AckRepr {
  durationUs: number;
  ra: MacAddr;
}

export type Dot11Repr = ({ kind: 'action' } & ActionRepr) | ({ kind: 'ack' } & AckRepr);

export interface EspNowRepr {
  random: number;
  version: number;
  payload: Uint8Array;
}

function withFcs(frame: Uint8Array): Uint8Array {
  const crc = crc32(frame.subarray(0, frame.length - FCS_LEN));
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  v.setUint32(frame.length - FCS_LEN, crc, true);
  return frame;
}

export function emitAction(r: ActionRepr): Uint8Array {
  const out = new Uint8Array(DOT11_HEADER_LEN + r.body.length + FCS_LEN);
  out[0] = FC_ACTION;
  out[1] = r.retry ? FC_RETRY : 0;
  out[2] = r.durationUs & 0xff;
  out[3] = (r.durationUs >> 8) & 0x7f;
  writeMac(out, 4, r.dst);
  writeMac(out, 10, r.src);
  writeMac(out, 16, r.bssid);
  out[22] = (r.seq << 4) & 0xf0;
  out[23] = (r.seq >> 4) & 0xff;
  out.set(r.body, DOT11_HEADER_LEN);
  return withFcs(out);
}

export function emitAck(r: AckRepr): Uint8Array {
  const out = new Uint8Array(ACK_LEN);
  out[0] = FC_ACK;
  out[1] = 0;
  out[2] = r.durationUs & 0xff;
  out[3] = (r.durationUs >> 8) & 0x7f;
  writeMac(out, 4, r.ra);
  return withFcs(out);
}

/** The ESP-NOW action body: category, OUI, random value, one vendor-specific element. */
export function emitEspNow(r: EspNowRepr): Uint8Array {
  if (r.payload.length > ESPNOW_MAX_BODY) throw new RangeError(`ESP-NOW body of ${r.payload.length} bytes > ${ESPNOW_MAX_BODY}`);
  const out = new Uint8Array(ESPNOW_OVERHEAD + r.payload.length);
  out[0] = CATEGORY_VENDOR;
  out.set(ESPRESSIF_OUI, 1);
  new DataView(out.buffer).setUint32(4, r.random >>> 0, false);
  out[8] = ELEMENT_VENDOR;
  out[9] = 3 + 1 + 1 + r.payload.length;
  out.set(ESPRESSIF_OUI, 10);
  out[13] = ESPNOW_TYPE;
  out[14] = r.version & 0x0f;
  out.set(r.payload, 15);
  return out;
}

/** Parses an 802.11 frame with FCS: an Action frame or an ACK. Never throws. */
export function parseDot11(b: Uint8Array): ParseResult<Dot11Repr> {
  if (b.length < ACK_LEN) return fail('dot11', 'truncated', `frame of ${b.length} bytes`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (crc32(b.subarray(0, b.length - FCS_LEN)) !== v.getUint32(b.length - FCS_LEN, true)) return fail('dot11', 'checksum', 'bad FCS');
  const durationUs = readU16Le(b, 2) & 0x7fff;
  if (b[0] === FC_ACK) {
    if (b.length !== ACK_LEN) return fail('dot11', 'length', `ACK of ${b.length} bytes`);
    return ok({ kind: 'ack', durationUs, ra: readMac(b, 4) });
  }
  if (b[0] !== FC_ACTION) return fail('dot11', 'unsupported', `frame control 0x${b[0].toString(16)}`);
  if (b.length < DOT11_HEADER_LEN + FCS_LEN + 1) return fail('dot11', 'truncated', `action frame of ${b.length} bytes`);
  if (b[1] & 0x03) return fail('dot11', 'unsupported', 'ToDS/FromDS set');
  const seq = (b[22] >> 4) | (b[23] << 4);
  return ok({
    kind: 'action',
    retry: (b[1] & FC_RETRY) !== 0,
    durationUs,
    dst: readMac(b, 4),
    src: readMac(b, 10),
    bssid: readMac(b, 16),
    seq,
    body: b.subarray(DOT11_HEADER_LEN, b.length - FCS_LEN),
  });
}

/** Parses an action body as ESP-NOW (Espressif vendor action, one ESP-NOW element). */
export function parseEspNow(body: Uint8Array): ParseResult<EspNowRepr> {
  if (body.length < ESPNOW_OVERHEAD) return fail('espnow', 'truncated', `body of ${body.length} bytes`);
  if (body[0] !== CATEGORY_VENDOR || !isOui(body, 1)) return fail('espnow', 'unsupported', 'not an Espressif vendor action');
  if (body[8] !== ELEMENT_VENDOR || !isOui(body, 10) || body[13] !== ESPNOW_TYPE) return fail('espnow', 'unsupported', 'not an ESP-NOW element');
  const len = body[9];
  if (len < 5 || 10 + len > body.length) return fail('espnow', 'length', `element length ${len}`);
  const random = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(4, false);
  return ok({ random, version: body[14] & 0x0f, payload: body.subarray(15, 10 + len) });
}

function isOui(b: Uint8Array, off: number): boolean {
  return b[off] === ESPRESSIF_OUI[0] && b[off + 1] === ESPRESSIF_OUI[1] && b[off + 2] === ESPRESSIF_OUI[2];
}

function readU16Le(b: Uint8Array, off: number): number {
  return b[off] | (b[off + 1] << 8);
}

export function isGroup(mac: MacAddr): boolean {
  return mac === BROADCAST_MAC || Math.floor(mac / 2 ** 40) % 2 === 1;
}

/** 2.4 GHz channel → centre frequency (MHz). */
export function channelMhz(ch: number): number {
  return ch === 14 ? 2484 : 2407 + 5 * ch;
}

/** Radiotap present bits we write: Flags, Rate, Channel. */
const RT_PRESENT = (1 << 1) | (1 << 2) | (1 << 3);
export const RADIOTAP_LEN = 14;
/** Radiotap Flags: the frame includes its FCS. */
const RT_FLAG_FCS = 0x10;
/** Channel flags: 2 GHz spectrum with CCK (802.11b DSSS/CCK rates) or OFDM (802.11g rates). */
const RT_CHAN_2GHZ_CCK = 0x0080 | 0x0020;
const RT_CHAN_2GHZ_OFDM = 0x0080 | 0x0040;
const DSSS_KBPS = new Set([1000, 2000, 5500, 11000]);

/** A radiotap header (LINKTYPE_IEEE802_11_RADIOTAP) for a frame sent on `channel` at `rateKbps`. */
export function emitRadiotap(channel: number, rateKbps: number): Uint8Array {
  const out = new Uint8Array(RADIOTAP_LEN);
  out[0] = 0; // version
  out[1] = 0; // pad
  out[2] = RADIOTAP_LEN;
  out[3] = 0;
  new DataView(out.buffer).setUint32(4, RT_PRESENT, true);
  out[8] = RT_FLAG_FCS;
  out[9] = Math.round(rateKbps / 500) & 0xff;
  const v = new DataView(out.buffer);
  v.setUint16(10, channelMhz(channel), true);
  v.setUint16(12, DSSS_KBPS.has(rateKbps) ? RT_CHAN_2GHZ_CCK : RT_CHAN_2GHZ_OFDM, true);
  return out;
}


/** One line for --packets: `ESP-NOW 24:0a:c4:00:00:01 → 30:ae:a4:6b:f0:ee ch 1 "toggle" (6 B) retry`. */
export function summarizeDot11(frame: Uint8Array, channel: number, nameOf?: (mac: MacAddr) => string | undefined): string {
  const p = parseDot11(frame);
  if (!p.ok) return `802.11 malformed (${p.error.kind}: ${p.error.detail})`;
  const who = (m: MacAddr) => nameOf?.(m) ?? (m === BROADCAST_MAC ? 'broadcast' : macToString(m));
  const v = p.value;
  if (v.kind === 'ack') return `802.11 ACK → ${who(v.ra)} ch ${channel}`;
  const retry = v.retry ? ' retry' : '';
  const e = parseEspNow(v.body);
  if (!e.ok) return `802.11 action ${who(v.src)} → ${who(v.dst)} ch ${channel} len=${v.body.length}${retry}`;
  const msg = e.value.payload;
  const text = Array.from(msg.subarray(0, 24), (b) => (b >= 0x20 && b < 0x7f && b !== 0x22 ? String.fromCharCode(b) : '.')).join('');
  return `ESP-NOW ${who(v.src)} → ${who(v.dst)} ch ${channel} "${text}${msg.length > 24 ? '…' : ''}" (${msg.length} B)${retry}`;
}
