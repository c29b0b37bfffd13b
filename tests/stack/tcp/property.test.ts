/**
 * Property: over a pipe with up to 20% loss, duplication and reordering in
 * each direction, the receiver gets exactly the bytes sent, in order, and the
 * run ends. With a partition longer than the retransmission budget, both
 * ends fail with an error instead.
 */
import fc from 'fast-check';
import { ESP32_TCP, LINUX_TCP } from '../../../stack/tcp/config';
import { makePair, startBulk, type LinkOpts } from './harness';

const link = fc.record({
  loss: fc.double({ min: 0, max: 0.2, noNaN: true }),
  dup: fc.double({ min: 0, max: 0.2, noNaN: true }),
  reorder: fc.double({ min: 0, max: 0.2, noNaN: true }),
  latencyUs: fc.integer({ min: 100, max: 20_000 }),
});

// Mostly small transfers, a few up to 1 MB.
const size = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 0, max: 20_000 }) },
  { weight: 3, arbitrary: fc.integer({ min: 20_000, max: 200_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 200_000, max: 1_000_000 }) },
);

function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

test('lossy, duplicating, reordering pipe → exact bytes in order and the run ends (200 cases)', () => {
  fc.assert(
    fc.property(size, link, link, fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 1e9 }), (n, ab, ba, espA, espB, seed) => {
      const p = makePair(espA ? ESP32_TCP : LINUX_TCP, espB ? ESP32_TCP : LINUX_TCP, { seed, ab: ab as LinkOpts, ba: ba as LinkOpts });
      const data = pattern(n, seed);
      const { out, bytesReceived } = startBulk(p, data);
      const r = p.sim.runSync({ until: 36_000e6 });
      expect(r).toBe('idle');
      expect(out.clientError).toBeUndefined();
      expect(out.serverError).toBeUndefined();
      expect(bytesReceived()).toBe(n);
      expect(equal(out.received, data)).toBe(true);
      expect(out.serverFin).toBe(true);
      expect(p.a.pcbCount() + p.b.pcbCount()).toBe(0);
    }),
    { numRuns: 200, seed: 20251126 },
  );
});

test.each([
  ['ESP32', ESP32_TCP],
  ['Linux', LINUX_TCP],
])('%s partition longer than the retransmission budget → both ends fail with rtx-timeout', (_name, cfg) => {
  const p = makePair(cfg, cfg, { seed: 7 });
  const data = pattern(200_000, 3);
  const { out } = startBulk(p, data, { echoBack: pattern(200_000, 4), keepClientOpen: true });
  p.sim.runSync({ until: 50_000 });
  p.pipe.partitioned = true;
  const r = p.sim.runSync({ until: 10_000e6 });
  expect(r).toBe('idle');
  expect(out.clientError).toBe('rtx-timeout');
  expect(out.serverError).toBe('rtx-timeout');
  expect(p.a.pcbCount() + p.b.pcbCount()).toBe(0);
});
