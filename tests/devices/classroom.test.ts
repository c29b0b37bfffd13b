/**
 * The scale benchmark's classroom (tests/bench/scale.ts) at a small N: every
 * board joins the /22 LAN by DHCP, blinks GPIO 2 and the PC counts one datagram
 * per board per second. No timing: the benchmark measures, this checks it counts.
 */
import { classroom, type ScaleKind } from '../bench/scale';

describe('scale classroom', () => {
  test.each<ScaleKind>(['micropython', 'typescript'])('5 %s boards join, blink and are counted', async (kind) => {
    const { s, boards, counted } = classroom(kind, 5);
    try {
      await s.run({ stopWhen: () => boards.every((b) => b.ip() !== '0.0.0.0' && b.scriptState() === 'running'), forUs: 30_000_000 });
      expect(boards.map((b) => b.ip().startsWith('10.0.0.'))).toEqual([true, true, true, true, true]);
      const before = counted();
      await s.run({ forUs: 10_000_000 });
      expect(counted() - before).toBeGreaterThanOrEqual(5 * 9);
      expect(counted() - before).toBeLessThanOrEqual(5 * 11);
      for (const b of boards) {
        expect(b.failure()).toBeUndefined();
        expect(b.pinHistory(2).length).toBeGreaterThanOrEqual(10);
      }
    } finally {
      await s.close();
    }
  }, 60_000);
});
