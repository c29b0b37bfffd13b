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

/**
 * The pattern of the TAP test's lossy upload (issue #13) around a retransmission timeout, as
 * captured: two of Linux's segments were lost, the two after them wait out of order; after the
 * timeout Linux resends everything outstanding (go-back-N, it has no SACK to know better), so two
 * copies of data we already hold arrive after the hole is filled; then new data, whose first
 * segment is lost again. The receiver does what lwIP's tcp_receive does: one ACK per copy (it is
 * entirely old, counted as out of window), one duplicate ACK per out-of-order segment, and the
 * next retransmission drains the queue. Linux counts those four ACKs at the same SEG.ACK as
 * duplicates and takes the one beyond what it had in flight for reordering; nothing here stalls.
 */
test("Linux's go-back-N after a timeout: each copy we hold gets one ACK, and the queue drains", () => {
  const c = established();
  const x = c.rseq;
  const read = () => c.pcb.recved(c.received.splice(0).reduce((a, n) => a + n, 0)); // the application reads it all
  // X+2880 and X+4320 arrive, X and X+1440 were lost: a duplicate ACK each.
  expect(c.feed({ seq: x + 2880, payload: bytes(1440) })).toEqual([{ flags: '.', seq: c.iss + 1, ack: x, win: 5760, len: 0 }]);
  expect(c.feed({ seq: x + 4320, payload: bytes(1440) })).toEqual([{ flags: '.', seq: c.iss + 1, ack: x, win: 5760, len: 0 }]);
  // The timeout's retransmissions of X and X+1440: the second fills the hole and the queue drains.
  expect(c.feed({ seq: x, payload: bytes(1440) })).toEqual([{ flags: '.', seq: c.iss + 1, ack: x + 1440, win: 4320, len: 0 }]);
  expect(c.feed({ seq: x + 1440, payload: bytes(1440) })).toEqual([{ flags: '.', seq: c.iss + 1, ack: x + 5760, win: 0, len: 0 }]);
  expect(c.received).toEqual([1440, 1440, 1440, 1440]);
  read();
  expect(c.out()).toEqual([{ flags: '.', seq: c.iss + 1, ack: x + 5760, win: 5760, len: 0 }]); // the window update
  // Go-back-N: the copies of X+2880 and X+4320, entirely below RCV.NXT, one ACK each.
  const dup = { flags: '.', seq: c.iss + 1, ack: x + 5760, win: 5760, len: 0 };
  expect(c.feed({ seq: x + 2880, payload: bytes(1440) })).toEqual([dup]);
  expect(c.feed({ seq: x + 4320, payload: bytes(1440) })).toEqual([dup]);
  expect(c.tap.tcp.counters.rxOutOfWindow).toBe(2);
  // New data past a new loss (X+5760): a duplicate ACK each, kept for later.
  expect(c.feed({ seq: x + 7200, payload: bytes(1440) })).toEqual([dup]);
  expect(c.feed({ seq: x + 8640, payload: bytes(1440) })).toEqual([dup]);
  expect(c.received).toEqual([]);
  // Its retransmission delivers all three.
  expect(c.feed({ seq: x + 5760, payload: bytes(1440) })).toEqual([{ flags: '.', seq: c.iss + 1, ack: x + 10080, win: 1440, len: 0 }]);
  expect(c.received).toEqual([1440, 1440, 1440]);
  expect(c.tap.tcp.counters.rxOutOfWindow).toBe(2);
});
