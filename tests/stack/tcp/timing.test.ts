/** Timers in virtual time: RTO and backoff, SYN give-up, TIME-WAIT and SO_REUSEADDR, Nagle, delayed ACK, persist, keepalive. */
import { ESP32_TCP, LINUX_TCP } from '../../../stack/tcp/config';
import { TCP_ACK } from '../../../stack/wire/tcp';
import { Tap } from './harness';
import { established, LOCAL_PORT, REMOTE_PORT, synSent, timeWait, view } from './states';

const data = (n: number) => new Uint8Array(n).fill(0x62);

/** Runs the tap's simulator, recording when each DUT segment left (µs). */
function record(tap: Tap, forUs: number): { t: number; flags: string; len: number; seq: number }[] {
  const out: { t: number; flags: string; len: number; seq: number }[] = [];
  const orig = tap.ip.sink;
  tap.ip.sink = (s, d, p, b) => {
    orig(s, d, p, b);
    const v = view(tap.sent.pop()!);
    out.push({ t: tap.sim.now, flags: v.flags, len: v.len, seq: v.seq });
  };
  tap.sim.runSync({ for: forUs });
  tap.ip.sink = orig;
  return out;
}

describe('retransmission timing (ESP32)', () => {
  test('ESTABLISHED unacked data → RTO 1.5 s, then 3 s, 6 s, 12 s (lwIP tcp_backoff)', () => {
    const c = established();
    c.pcb.write(data(100));
    c.pcb.output();
    c.out();
    const rtx = record(c.tap, 30_000_000);
    expect(rtx.slice(0, 4).map((s) => s.t)).toEqual([1_500_000, 4_500_000, 10_500_000, 22_500_000]);
    expect(rtx.every((s) => s.len === 100 && s.seq === c.iss + 1)).toBe(true);
  });

  test('SYN-SENT with no answer → 12 SYNs 1.5 s apart, then syn-timeout at 18.5 s', () => {
    const c = synSent();
    let at = -1;
    c.pcb.events.onError = (e) => {
      c.errors.push(e);
      at = c.tap.sim.now;
    };
    const syns = record(c.tap, 60_000_000);
    expect(syns.map((s) => s.t)).toEqual(Array.from({ length: 12 }, (_, i) => (i + 1) * 1_500_000));
    expect(syns.every((s) => s.flags === 'S')).toBe(true);
    // lwIP drops the PCB on the first slow tick after the last SYN.
    expect(at).toBe(18_500_000);
    expect(c.errors).toEqual(['syn-timeout']);
    expect(c.pcb.state).toBe('CLOSED');
  });

  test('SYN-SENT gives up between 18 and 20 s', () => {
    const c = synSent();
    let at = -1;
    c.pcb.events.onError = () => (at = c.tap.sim.now);
    c.tap.sim.runSync({ for: 60_000_000 });
    expect(at).toBeGreaterThanOrEqual(18_000_000);
    expect(at).toBeLessThanOrEqual(20_000_000);
  });

  test('Linux SYN-SENT → retries at 1, 3, 7, 15, 31, 63 s and gives up at 127 s', () => {
    const c = synSent(LINUX_TCP);
    let at = -1;
    c.pcb.events.onError = () => (at = c.tap.sim.now);
    const syns = record(c.tap, 200_000_000);
    expect(syns.map((s) => s.t / 1e6)).toEqual([1, 3, 7, 15, 31, 63]);
    expect(at).toBe(127_000_000);
  });

  test('ESTABLISHED 3 duplicate ACKs → fast retransmit of the first segment', () => {
    const c = established();
    c.pcb.write(data(5760));
    c.pcb.output();
    expect(c.out().length).toBe(3); // initial cwnd 4380 (RFC 3390)
    c.feed({ ack: c.iss + 1441, window: 5760 });
    c.out();
    expect(c.feed()).toEqual([]);
    c.feed({ ack: c.iss + 1441 });
    c.feed({ ack: c.iss + 1441 });
    const out = c.feed({ ack: c.iss + 1441 });
    expect(out.map((s) => [s.seq - c.iss, s.len])).toContainEqual([1441, 1440]);
  });
});

describe('duplicate ACKs (lwIP tcp_receive)', () => {
  /** ESTABLISHED with 4 segments in flight after the first ACK; returns the ACK number at SND.UNA. */
  function inFlight() {
    const c = established();
    c.pcb.write(data(5760));
    c.pcb.output();
    c.out();
    c.feed({ ack: c.iss + 1441, window: 5760 });
    c.out();
    return { c, una: c.iss + 1441 };
  }
  const rtx = (out: { seq: number; len: number }[], c: { iss: number }) => out.filter((s) => s.seq - c.iss === 1441 && s.len > 0);

  test('ESTABLISHED 2 duplicate ACKs, a window update at SND.UNA, 2 more → no fast retransmit; a third → fast retransmit', () => {
    const { c, una } = inFlight();
    const out = [c.feed({ ack: una }), c.feed({ ack: una }), c.feed({ ack: una, window: 5000 }), c.feed({ ack: una, window: 5000 }), c.feed({ ack: una, window: 5000 })].flat();
    expect(rtx(out, c)).toEqual([]);
    expect(c.tap.tcp.counters.rtxFast).toBeUndefined();
    expect(rtx(c.feed({ ack: una, window: 5000 }), c)).toEqual([expect.objectContaining({ len: 1440 })]);
    expect(c.tap.tcp.counters.rtxFast).toBe(1);
  });

  test('ESTABLISHED 2 duplicate ACKs, a data segment at SND.UNA, 2 more → no fast retransmit', () => {
    const { c, una } = inFlight();
    c.feed({ ack: una });
    c.feed({ ack: una });
    c.feed({ ack: una, payload: data(10) });
    c.rseq += 10;
    const out = [c.feed({ ack: una }), c.feed({ ack: una })].flat();
    expect(rtx(out, c)).toEqual([]);
    expect(c.tap.tcp.counters.rtxFast).toBeUndefined();
  });

  test('ESTABLISHED 2 duplicate ACKs, an old ACK, 2 more → no fast retransmit', () => {
    const { c, una } = inFlight();
    c.feed({ ack: una });
    c.feed({ ack: una });
    c.feed({ ack: una - 1000 });
    c.feed({ ack: una });
    c.feed({ ack: una });
    expect(c.tap.tcp.counters.rtxFast).toBeUndefined();
  });
});

describe('TIME-WAIT and SO_REUSEADDR', () => {
  test('TIME-WAIT holding port 80 → bind in-use without reuseAddr, ok with it, ok after 120 s', () => {
    const c = timeWait();
    const listener = [...c.tap.tcp.pcbs].find((p) => p.state === 'LISTEN')!;
    listener.close();
    const a = c.tap.tcp.createPcb();
    expect(a.bind(0, LOCAL_PORT)).toBe('in-use');
    const b = c.tap.tcp.createPcb();
    b.reuseAddr = true;
    expect(b.bind(0, LOCAL_PORT)).toBe('ok');
    b.close();
    c.tap.sim.runSync({ for: 119_000_000 });
    expect(c.tap.tcp.createPcb().bind(0, LOCAL_PORT)).toBe('in-use');
    c.tap.sim.runSync({ for: 2_000_000 });
    expect(c.tap.tcp.createPcb().bind(0, LOCAL_PORT)).toBe('ok');
  });
});

describe('Nagle and delayed ACK', () => {
  test('ESTABLISHED small writes → first goes out, the rest coalesce until the ACK', () => {
    const c = established();
    for (let i = 0; i < 4; i++) {
      c.pcb.write(data(10));
      c.pcb.output();
    }
    expect(c.out().map((s) => s.len)).toEqual([10]);
    expect(c.feed({ ack: c.iss + 11 }).map((s) => [s.seq - c.iss, s.len])).toEqual([[11, 30]]);
  });

  test('ESTABLISHED small writes with noDelay → each goes out at once', () => {
    const c = established();
    c.pcb.noDelay = true;
    for (let i = 0; i < 3; i++) {
      c.pcb.write(data(10));
      c.pcb.output();
    }
    expect(c.out().map((s) => s.len)).toEqual([10, 10, 10]);
  });

  test('ESTABLISHED one data segment → ACK delayed to the next 250 ms fast tick', () => {
    const c = established();
    c.tap.sim.schedule(1_100_000, () => {});
    c.tap.sim.runSync();
    expect(c.feed({ payload: data(100) })).toEqual([]);
    const acks = record(c.tap, 1_000_000);
    expect(acks).toEqual([{ t: 1_250_000, flags: '.', len: 0, seq: c.iss + 1 }]);
    expect(acks[0].t - 1_100_000).toBeLessThanOrEqual(250_000);
  });

  test('ESTABLISHED second data segment → ACK at once', () => {
    const c = established();
    c.feed({ payload: data(1440) });
    const out = c.feed({ seq: c.rseq + 1440, payload: data(1440) });
    expect(out).toEqual([{ flags: '.', seq: c.iss + 1, ack: c.rseq + 2880, win: 5760 - 2880, len: 0 }]);
  });

  test('Linux delayed ACK fires after 40 ms', () => {
    const c = established(LINUX_TCP);
    c.feed({ payload: data(100) });
    expect(record(c.tap, 1_000_000).map((s) => s.t)).toEqual([40_000]);
  });
});

describe('persist and keepalive', () => {
  test('ESTABLISHED peer window 0 → zero-window probe of 1 byte after 1.5 s, then backoff', () => {
    const c = established();
    c.feed({ window: 0 });
    c.pcb.write(data(100));
    c.pcb.output();
    expect(c.out()).toEqual([]);
    const probes = record(c.tap, 12_000_000);
    expect(probes.map((s) => [s.t, s.len])).toEqual([
      [1_500_000, 1],
      [4_500_000, 1],
      [10_500_000, 1],
    ]);
    // Window opens: the data flows.
    const out = c.feed({ ack: c.iss + 1, window: 5760 });
    expect(out.map((s) => s.len)).toEqual([100]);
  });

  test('ESTABLISHED keepalive with a silent peer → 9 probes 75 s apart after 2 h idle, then RST and keepalive-timeout', () => {
    const c = established();
    c.pcb.keepAlive = true;
    const segs = record(c.tap, 7200e6 + 10 * 75e6 + 1e6);
    const probes = segs.filter((s) => s.flags === '.');
    expect(probes.length).toBe(9);
    expect(probes[0].t).toBe(7200e6);
    expect(probes[0].seq).toBe(c.iss);
    expect(segs[segs.length - 1].flags).toBe('R.');
    expect(c.errors).toEqual(['keepalive-timeout']);
  });

  test('ESTABLISHED keepalive answered → connection stays', () => {
    const c = established();
    c.pcb.keepAlive = true;
    c.tap.sim.runSync({ for: 7200e6 + 1 });
    expect(c.out().length).toBe(1);
    c.feed({ ack: c.iss + 1 });
    c.tap.sim.runSync({ for: 600e6 });
    expect(c.pcb.state).toBe('ESTABLISHED');
    expect(c.errors).toEqual([]);
  });
});

test('closed port answers a data segment on ESP32 with RST,ACK', () => {
  const tap = new Tap(ESP32_TCP);
  tap.send({ srcPort: REMOTE_PORT, dstPort: 9, seq: 1, ack: 2, flags: TCP_ACK, window: 1, urgent: 0, payload: data(4) });
  expect(tap.take().map(view)).toEqual([{ flags: 'R.', seq: 2, ack: 5, win: 5760, len: 0 }]);
});
