/**
 * Decode of an 802.11 frame sent between radios outside a BSS (ESP-NOW and
 * its ACKs) for the page's packet view, on the project's parsers in
 * stack/wire/dot11.ts. Never throws.
 */
import { DOT11_HEADER_LEN, FCS_LEN, parseDot11, parseEspNow, summarizeDot11 } from '../../stack/wire/dot11';
import { macToString, type MacAddr } from '../../stack/wire/types';
import type { DecodeLayer } from './protocol';

const latin1 = new TextDecoder('latin1');
const BROADCAST = 0xffffffffffff;

export interface RadioSummary {
  src: string;
  dst: string;
  protocol: string;
  info: string;
}

export function summarizeRadio(frame: Uint8Array, channel: number, nameOf: (mac: MacAddr) => string | undefined): RadioSummary {
  const p = parseDot11(frame);
  const info = summarizeDot11(frame, channel, nameOf);
  if (!p.ok) return { src: '?', dst: '?', protocol: 'malformed', info };
  const who = (m: MacAddr) => nameOf(m) ?? (m === BROADCAST ? 'broadcast' : macToString(m));
  if (p.value.kind === 'ack') return { src: '', dst: who(p.value.ra), protocol: '802.11', info };
  const esp = parseEspNow(p.value.body);
  return { src: who(p.value.src), dst: who(p.value.dst), protocol: esp.ok ? 'ESP-NOW' : '802.11', info };
}

export function decodeRadio(frame: Uint8Array, channel: number): DecodeLayer[] {
  const p = parseDot11(frame);
  if (!p.ok) return [{ name: 'Malformed 802.11', summary: `${p.error.kind}: ${p.error.detail}`, fields: [{ name: 'detail', value: p.error.detail }], start: 0, end: frame.length }];
  const r = p.value;
  if (r.kind === 'ack') {
    return [{ name: '802.11 ACK', summary: `to ${macToString(r.ra)}`, fields: [{ name: 'receiver', value: macToString(r.ra) }, { name: 'duration', value: `${r.durationUs} µs` }, { name: 'channel', value: String(channel) }], start: 0, end: frame.length }];
  }
  const layers: DecodeLayer[] = [
    {
      name: '802.11 action',
      summary: `${macToString(r.src)} → ${macToString(r.dst)}`,
      fields: [
        { name: 'destination', value: macToString(r.dst) },
        { name: 'source', value: macToString(r.src) },
        { name: 'BSSID', value: macToString(r.bssid) },
        { name: 'sequence', value: String(r.seq) },
        { name: 'retry', value: String(r.retry) },
        { name: 'duration', value: `${r.durationUs} µs` },
        { name: 'channel', value: String(channel) },
      ],
      start: 0,
      end: DOT11_HEADER_LEN,
    },
  ];
  const esp = parseEspNow(r.body);
  const end = frame.length - FCS_LEN;
  if (!esp.ok) return layers;
  const text = latin1.decode(esp.value.payload.subarray(0, 200));
  const printable = /^[\x20-\x7e\r\n\t]*$/.test(text);
  layers.push({
    name: 'ESP-NOW',
    summary: `${esp.value.payload.length} bytes${printable ? `: ${JSON.stringify(text)}` : ''}`,
    fields: [
      { name: 'version', value: String(esp.value.version) },
      { name: 'payload', value: `${esp.value.payload.length} bytes` },
      ...(printable ? [{ name: 'text', value: JSON.stringify(text) }] : []),
    ],
    start: end - esp.value.payload.length,
    end,
  });
  return layers;
}
