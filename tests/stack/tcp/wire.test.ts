import fc from 'fast-check';
import {
  emitTcp,
  formatSegment,
  formatTcpFlags,
  parseTcp,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  TCP_URG,
  type TcpRepr,
} from '../../../stack/wire/tcp';
import { parseIp } from '../../../stack/wire/types';

// Known-good segments from smoltcp's src/wire/tcp.rs tests.
const SRC = parseIp('192.168.1.1')!;
const DST = parseIp('192.168.1.2')!;
const PAYLOAD = Uint8Array.from([0xaa, 0x00, 0x00, 0xff]);
const PACKET_BYTES = Uint8Array.from([
  0xbf, 0x00, 0x00, 0x50, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x60, 0x35, 0x01, 0x23, 0x01, 0xb6, 0x02,
  0x01, 0x03, 0x03, 0x0c, 0x01, 0xaa, 0x00, 0x00, 0xff,
]);
const SYN_PACKET_BYTES = Uint8Array.from([
  0xbf, 0x00, 0x00, 0x50, 0x01, 0x23, 0x45, 0x67, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0x01, 0x23, 0x7a, 0x8d, 0x00,
  0x00, 0xaa, 0x00, 0x00, 0xff,
]);
const SYN_REPR: TcpRepr = {
  srcPort: 48896,
  dstPort: 80,
  seq: 0x01234567,
  ack: 0,
  flags: TCP_SYN,
  window: 0x0123,
  urgent: 0,
  payload: PAYLOAD,
};

describe('wire/tcp', () => {
  test('smoltcp packet with options deconstructs to its fields and verifies', () => {
    const r = parseTcp(PACKET_BYTES, SRC, DST);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      srcPort: 48896,
      dstPort: 80,
      seq: 0x01234567,
      // Sequence numbers parse in their signed 32-bit form (stack/tcp/seq.ts).
      ack: 0x89abcdef | 0,
      flags: TCP_FIN | TCP_RST | TCP_ACK | TCP_URG,
      window: 0x0123,
      urgent: 0x0201,
      wscale: 12,
    });
    expect([...r.value.payload]).toEqual([...PAYLOAD]);
  });

  test('smoltcp SYN parses and emits byte-identical', () => {
    const r = parseTcp(SYN_PACKET_BYTES, SRC, DST);
    expect(r.ok && { ...r.value, payload: [...r.value.payload] }).toEqual({ ...SYN_REPR, payload: [...PAYLOAD] });
    expect([...emitTcp(SYN_REPR, SRC, DST)]).toEqual([...SYN_PACKET_BYTES]);
  });

  test('smoltcp packet with options re-emits byte-identical (wscale then NOP)', () => {
    const r = parseTcp(PACKET_BYTES, SRC, DST);
    if (!r.ok) throw new Error('parse');
    // We pad options as NOP+WS; smoltcp's vector has WS+NOP, so compare after parse round-trip instead.
    const again = parseTcp(emitTcp(r.value, SRC, DST), SRC, DST);
    expect(again.ok && again.value).toMatchObject({ ...r.value, payload: r.value.payload });
  });

  test('truncated header is a typed error', () => {
    const r = parseTcp(PACKET_BYTES.subarray(0, 19), SRC, DST);
    expect(r.ok ? 'ok' : r.error.kind).toBe('truncated');
  });

  test('data offset below 20 is malformed', () => {
    const b = SYN_PACKET_BYTES.slice();
    b[12] = 0x40;
    const r = parseTcp(b, SRC, DST, { verifyChecksum: false });
    expect(r.ok ? 'ok' : r.error.kind).toBe('malformed');
  });

  test('flipped payload bit fails the checksum', () => {
    const b = SYN_PACKET_BYTES.slice();
    b[21] ^= 1;
    const r = parseTcp(b, SRC, DST);
    expect(r.ok ? 'ok' : r.error.kind).toBe('checksum');
    expect(parseTcp(b, SRC, DST, { verifyChecksum: false }).ok).toBe(true);
  });

  test('option with a bad length is malformed', () => {
    const b = emitTcp({ ...SYN_REPR, mss: 1460, payload: new Uint8Array(0) }, SRC, DST);
    b[21] = 9; // MSS length 9 runs past the header
    const r = parseTcp(b, SRC, DST, { verifyChecksum: false });
    expect(r.ok ? 'ok' : r.error.kind).toBe('malformed');
  });

  test('MSS, SACK-permitted and window scale round-trip', () => {
    const repr: TcpRepr = { ...SYN_REPR, mss: 1440, sackPermitted: true, wscale: 7, payload: new Uint8Array(0) };
    const bytes = emitTcp(repr, SRC, DST);
    expect(bytes.length).toBe(32);
    const r = parseTcp(bytes, SRC, DST);
    expect(r.ok && r.value).toMatchObject({ mss: 1440, sackPermitted: true, wscale: 7 });
  });

  test('flags format tcpdump-style', () => {
    expect(formatTcpFlags(TCP_SYN)).toBe('S');
    expect(formatTcpFlags(TCP_SYN | TCP_ACK)).toBe('S.');
    expect(formatTcpFlags(TCP_ACK)).toBe('.');
    expect(formatTcpFlags(TCP_PSH | TCP_ACK)).toBe('P.');
    expect(formatTcpFlags(TCP_FIN | TCP_ACK)).toBe('F.');
    expect(formatTcpFlags(TCP_FIN | TCP_PSH | TCP_ACK)).toBe('FP.');
    expect(formatTcpFlags(TCP_RST)).toBe('R');
    expect(formatTcpFlags(TCP_RST | TCP_ACK)).toBe('R.');
  });

  test('segment line reads like the trace format', () => {
    const line = formatSegment({ ...SYN_REPR, srcPort: 54321, dstPort: 10000, seq: 1000, window: 5760, mss: 1440, payload: new Uint8Array(0) });
    expect(line).toBe('54321→10000 [S] seq=1000 win=5760 mss=1440');
  });

  test('parse never throws on 10,000 random and mutated segments', () => {
    const seeds = [PACKET_BYTES, SYN_PACKET_BYTES, emitTcp({ ...SYN_REPR, mss: 1440, wscale: 2, sackPermitted: true }, SRC, DST)];
    const mutated = fc
      .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(40))
      .map(([base, edits, cut]) => {
        const b = base.slice(0, Math.max(0, base.length - (cut % (base.length + 1))));
        for (const [i, v] of edits) if (b.length) b[i % b.length] = v;
        return b;
      });
    const random = fc.uint8Array({ maxLength: 80 });
    fc.assert(
      fc.property(fc.oneof(mutated, random), fc.boolean(), (bytes, verify) => {
        const r = parseTcp(bytes, SRC, DST, { verifyChecksum: verify });
        if (r.ok) {
          // Whatever parses must re-emit and parse again to the same fields.
          const again = parseTcp(emitTcp(r.value, SRC, DST), SRC, DST);
          expect(again.ok).toBe(true);
        }
      }),
      { numRuns: 10_000, seed: 42 },
    );
  });
});
