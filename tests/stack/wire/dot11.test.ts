/**
 * 802.11 and ESP-NOW wire formats: the bytes of an ESP-NOW action frame and of an ACK laid out
 * by hand from the standard (IEEE 802.11 frame control, Duration, addresses, sequence control,
 * FCS = CRC-32) and Espressif's ESP-NOW frame format (category 127, OUI 18:fe:34, 4 random
 * bytes, vendor element 221 with OUI, type 4, version); round trips; parsers that never throw
 * on random or mutated input; the radiotap header.
 */
import fc from 'fast-check';
import { crc32 } from '../../../stack/wire/crc32';
import { ACK_LEN, emitAck, emitAction, emitEspNow, emitRadiotap, isGroup, parseDot11, parseEspNow, RADIOTAP_LEN, summarizeDot11 } from '../../../stack/wire/dot11';
import { BROADCAST_MAC, parseMac } from '../../../stack/wire/types';
import { bytes, mutate, mutation } from './arbitraries';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const A = parseMac('24:0a:c4:00:00:01')!;
const B = parseMac('24:0a:c4:00:00:02')!;

test('CRC-32 (the FCS): the standard check value', () => {
  expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  expect(crc32(new Uint8Array(0))).toBe(0);
});

test('an ESP-NOW frame, byte by byte', () => {
  const body = emitEspNow({ random: 0x01020304, version: 1, payload: new TextEncoder().encode('hi') });
  // category 127, OUI, random, element 221 length 7 (OUI + type + version + 2 bytes), OUI, type 4, version 1, "hi"
  expect(hex(body)).toBe('7f' + '18fe34' + '01020304' + 'dd07' + '18fe34' + '04' + '01' + '6869');
  const f = emitAction({ retry: true, durationUs: 314, dst: B, src: A, bssid: BROADCAST_MAC, seq: 0x123, body });
  expect(hex(f.subarray(0, 24))).toBe('d008' + '3a01' + '240ac4000002' + '240ac4000001' + 'ffffffffffff' + '3012');
  const fcs = new DataView(f.buffer).getUint32(f.length - 4, true);
  expect(fcs).toBe(crc32(f.subarray(0, f.length - 4)));
  const p = parseDot11(f);
  expect(p.ok && p.value).toEqual({ kind: 'action', retry: true, durationUs: 314, dst: B, src: A, bssid: BROADCAST_MAC, seq: 0x123, body });
  const e = parseEspNow(body);
  expect(e.ok && { ...e.value, payload: hex(e.value.payload) }).toEqual({ random: 0x01020304, version: 1, payload: '6869' });
  expect(() => emitEspNow({ random: 0, version: 1, payload: new Uint8Array(251) })).toThrow(RangeError);
});

test('an ACK: frame control d4, duration, RA, FCS; a bad FCS is refused', () => {
  const ack = emitAck({ durationUs: 0, ra: A });
  expect(ack.length).toBe(ACK_LEN);
  expect(hex(ack.subarray(0, 10))).toBe('d4000000240ac4000001');
  expect(parseDot11(ack)).toEqual({ ok: true, value: { kind: 'ack', durationUs: 0, ra: A } });
  const bad = ack.slice();
  bad[5] ^= 1;
  const r = parseDot11(bad);
  expect(!r.ok && r.error.kind).toBe('checksum');
});

test('group addresses; radiotap: flags (FCS at end), rate in 500 kb/s, channel MHz and CCK / OFDM flags', () => {
  expect(isGroup(BROADCAST_MAC)).toBe(true);
  expect(isGroup(parseMac('01:00:5e:00:00:01')!)).toBe(true);
  expect(isGroup(A)).toBe(false);
  expect(hex(emitRadiotap(6, 1000))).toBe('00000e00' + '0e000000' + '10' + '02' + '8509' + 'a000');
  expect(hex(emitRadiotap(1, 6000))).toBe('00000e00' + '0e000000' + '10' + '0c' + '6c09' + 'c000');
  expect(emitRadiotap(14, 1000).length).toBe(RADIOTAP_LEN);
});

const mac = fc.integer({ min: 0, max: 0xffffffffffff });
const espnowFrame = fc
  .record({ retry: fc.boolean(), durationUs: fc.integer({ min: 0, max: 0x7fff }), dst: mac, src: mac, bssid: mac, seq: fc.integer({ min: 0, max: 4095 }), random: fc.nat(), payload: bytes(250) })
  .map((r) => emitAction({ ...r, body: emitEspNow({ random: r.random, version: 1, payload: r.payload }) }));

test('round trips, and parsers that never throw on random or mutated frames', () => {
  fc.assert(
    fc.property(espnowFrame, (f) => {
      const p = parseDot11(f);
      if (!p.ok || p.value.kind !== 'action') return false;
      const e = parseEspNow(p.value.body);
      return e.ok && hex(emitAction(p.value)) === hex(f);
    }),
    { seed: 11, numRuns: 500 },
  );
  const typed = (b: Uint8Array): boolean => {
    const p = parseDot11(b);
    if (!p.ok) return p.error.layer === 'dot11';
    if (p.value.kind !== 'action') return true;
    const e = parseEspNow(p.value.body);
    return e.ok || e.error.layer === 'espnow';
  };
  fc.assert(fc.property(bytes(300), typed), { seed: 12, numRuns: 3000 });
  const ops = fc.array(mutation, { minLength: 1, maxLength: 4 });
  fc.assert(fc.property(espnowFrame, ops, (f, m) => typed(mutate(f, m))), { seed: 13, numRuns: 3000 });
  fc.assert(
    fc.property(espnowFrame, ops, (f, m) => {
      const e = parseEspNow(mutate(f.subarray(24, f.length - 4), m));
      return e.ok || e.error.layer === 'espnow';
    }),
    { seed: 14, numRuns: 3000 },
  );
});

test('--packets lines: ESP-NOW with its message, retries, ACKs, broadcast, names by MAC', () => {
  const body = emitEspNow({ random: 7, version: 1, payload: new TextEncoder().encode('toggle "x"\n') });
  const f = emitAction({ retry: true, durationUs: 314, dst: B, src: A, bssid: BROADCAST_MAC, seq: 1, body });
  expect(summarizeDot11(f, 1)).toBe('ESP-NOW 24:0a:c4:00:00:01 → 24:0a:c4:00:00:02 ch 1 "toggle .x.." (11 B) retry');
  const names = (m: number) => (m === A ? 'remote' : undefined);
  expect(summarizeDot11(emitAction({ retry: false, durationUs: 0, dst: BROADCAST_MAC, src: A, bssid: BROADCAST_MAC, seq: 2, body }), 6, names)).toBe('ESP-NOW remote → broadcast ch 6 "toggle .x.." (11 B)');
  expect(summarizeDot11(emitAck({ durationUs: 0, ra: A }), 1, names)).toBe('802.11 ACK → remote ch 1');
  expect(summarizeDot11(new Uint8Array(3), 1)).toMatch(/^802\.11 malformed \(truncated/);
});
