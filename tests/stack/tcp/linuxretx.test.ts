/**
 * The receiver against Linux-style retransmissions: Linux collapses
 * retransmitted segments up to the MSS, so a retransmission can start before
 * RCV.NXT and end past the right window edge. lwIP's tcp_receive accepts it
 * (RCV.NXT falls inside the segment) and keeps the part inside the window.
 */
import { established } from './states';

const bytes = (n: number): Uint8Array => new Uint8Array(n);

test('a retransmission straddling both window edges delivers the in-window part', () => {
  const c = established();
  const base = c.rseq;
  // 5260 bytes in order, the application reads nothing: RCV.WND = 500.
  for (const [off, n] of [[0, 1440], [1440, 1440], [2880, 1440], [4320, 940]]) c.feed({ seq: base + off, payload: bytes(n) });
  c.out();
  c.feed({ seq: base + 5000, payload: bytes(1440) });
  expect(c.received).toEqual([1440, 1440, 1440, 940, 500]);
});
