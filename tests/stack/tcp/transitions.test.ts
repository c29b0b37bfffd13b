/**
 * Every transition of the RFC 9293 state diagram, smoltcp-style: build a PCB
 * in a named state, feed one segment (or make one call), assert the exact
 * segments sent back and the new state. Plus RST generation and acceptability.
 */
import { ESP32_TCP, LINUX_TCP } from '../../../stack/tcp/config';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../../../stack/wire/tcp';
import { dstPort, expectSegment, flags, mss, payloadLen, srcPort, window } from '../frames';
import { Tap } from './harness';
import {
  closeWait,
  closing,
  established,
  finWait1,
  finWait2,
  lastAck,
  listening,
  LOCAL_PORT,
  REMOTE_ISS,
  REMOTE_PORT,
  synReceived,
  synSent,
  timeWait,
  view,
} from './states';

const data = (n: number) => new Uint8Array(n).fill(0x61);

describe('RFC 9293 state diagram (ESP32 personality)', () => {
  test('CLOSED listen() → LISTEN, sends nothing', () => {
    const c = listening();
    expect(c.pcb.state).toBe('LISTEN');
    expect(c.out()).toEqual([]);
  });

  test('CLOSED connect() → SYN-SENT, sends one SYN with MSS 1440 and window 5760 from an ephemeral port', () => {
    const tap = new Tap(ESP32_TCP);
    const pcb = tap.tcp.createPcb();
    pcb.connect(tap.remote, REMOTE_PORT);
    expect(pcb.state).toBe('SYN-SENT');
    const out = tap.take();
    expect(out).toHaveLength(1);
    expectSegment(out[0], flags('S'), mss(1440), window(5760), dstPort(REMOTE_PORT), srcPort(pcb.localPort), payloadLen(0));
    expect(pcb.localPort).toBeGreaterThanOrEqual(49152);
  });

  test('CLOSED connect() on Linux → SYN with MSS 1460 and window 65535', () => {
    const tap = new Tap(LINUX_TCP);
    const pcb = tap.tcp.createPcb();
    pcb.connect(tap.remote, REMOTE_PORT);
    const [syn] = tap.take();
    expect(view(syn)).toEqual({ flags: 'S', seq: syn.seq, win: 65535, len: 0, mss: 1460 });
  });

  test('LISTEN rcv SYN → SYN-RECEIVED, sends SYN-ACK acking ISS+1', () => {
    const c = listening();
    const out = c.feed({ seq: REMOTE_ISS, ack: 0, flags: TCP_SYN, mss: 1460 });
    expect(out).toEqual([{ flags: 'S.', seq: out[0].seq, ack: REMOTE_ISS + 1, win: 5760, len: 0, mss: 1440 }]);
    const child = [...c.tap.tcp.pcbs].find((p) => p !== c.pcb)!;
    expect(child.state).toBe('SYN-RECEIVED');
    expect(c.pcb.state).toBe('LISTEN');
  });

  test('LISTEN close() → CLOSED, sends nothing', () => {
    const c = listening();
    c.pcb.close();
    expect(c.pcb.state).toBe('CLOSED');
    expect(c.out()).toEqual([]);
  });

  test('LISTEN rcv ACK → RST from SEG.ACK (lwIP sets ACK too)', () => {
    const c = listening();
    const out = c.feed({ seq: 500, ack: 777 });
    expect(out).toEqual([{ flags: 'R.', seq: 777, ack: 500, win: 5760, len: 0 }]);
  });

  test('SYN-SENT rcv SYN-ACK → ESTABLISHED, sends ACK', () => {
    const c = synSent();
    let connected = 0;
    c.pcb.events.onConnected = () => connected++;
    const out = c.feed({ seq: REMOTE_ISS, flags: TCP_SYN | TCP_ACK, mss: 1460 });
    expect(c.pcb.state).toBe('ESTABLISHED');
    expect(out).toEqual([{ flags: '.', seq: c.iss + 1, ack: REMOTE_ISS + 1, win: 5760, len: 0 }]);
    expect(connected).toBe(1);
  });

  test('SYN-SENT rcv SYN (simultaneous open) → SYN-RECEIVED, sends SYN-ACK with our ISS', () => {
    const c = synSent();
    const out = c.feed({ seq: REMOTE_ISS, ack: 0, flags: TCP_SYN, mss: 1460 });
    expect(c.pcb.state).toBe('SYN-RECEIVED');
    expect(out).toEqual([{ flags: 'S.', seq: c.iss, ack: REMOTE_ISS + 1, win: 5760, len: 0, mss: 1440 }]);
    c.feed({ seq: REMOTE_ISS + 1, flags: TCP_SYN | TCP_ACK, ack: c.iss + 1 });
    // The peer's SYN-ACK repeats its SYN: challenge-ACKed, then its ACK completes the open.
    c.feed();
    expect(c.pcb.state).toBe('ESTABLISHED');
  });

  test('SYN-SENT close() → CLOSED, sends nothing', () => {
    const c = synSent();
    c.pcb.close();
    expect(c.pcb.state).toBe('CLOSED');
    expect(c.out()).toEqual([]);
  });

  test('SYN-SENT rcv RST,ACK → CLOSED with refused', () => {
    const c = synSent();
    const out = c.feed({ seq: 0, flags: TCP_RST | TCP_ACK });
    expect(out).toEqual([]);
    expect(c.pcb.state).toBe('CLOSED');
    expect(c.errors).toEqual(['refused']);
  });

  test('SYN-SENT rcv ACK for something never sent → RST, stays SYN-SENT', () => {
    const c = synSent();
    const out = c.feed({ seq: REMOTE_ISS, ack: c.iss + 100, flags: TCP_SYN | TCP_ACK });
    expect(out).toEqual([{ flags: 'R.', seq: c.iss + 100, ack: REMOTE_ISS + 1, win: 5760, len: 0 }]);
    expect(c.pcb.state).toBe('SYN-SENT');
  });

  test('SYN-RECEIVED rcv ACK → ESTABLISHED, accepted, sends nothing', () => {
    const c = synReceived();
    expect(c.feed()).toEqual([]);
    expect(c.pcb.state).toBe('ESTABLISHED');
    expect(c.accepted).toEqual([c.pcb]);
  });

  test('SYN-RECEIVED rcv repeated SYN → SYN-ACK again', () => {
    const c = synReceived();
    const out = c.feed({ seq: REMOTE_ISS, ack: 0, flags: TCP_SYN });
    expect(out).toEqual([{ flags: 'S.', seq: c.iss, ack: REMOTE_ISS + 1, win: 5760, len: 0, mss: 1440 }]);
  });

  test('SYN-RECEIVED close() → FIN-WAIT-1, sends FIN', () => {
    const c = synReceived();
    c.pcb.close();
    expect(c.pcb.state).toBe('FIN-WAIT-1');
    expect(c.out()).toEqual([{ flags: 'F.', seq: c.iss + 1, ack: REMOTE_ISS + 1, win: 5760, len: 0 }]);
  });

  test('SYN-RECEIVED rcv RST → CLOSED silently (passive open), listener stays', () => {
    const c = synReceived();
    expect(c.feed({ flags: TCP_RST })).toEqual([]);
    expect(c.pcb.state).toBe('CLOSED');
    expect(c.listener.state).toBe('LISTEN');
    expect(c.errors).toEqual([]);
  });

  test('SYN-RECEIVED rcv bad ACK → RST from SEG.ACK', () => {
    const c = synReceived();
    const out = c.feed({ ack: c.iss + 50 });
    expect(out).toEqual([{ flags: 'R.', seq: c.iss + 50, ack: c.rseq, win: 5760, len: 0 }]);
    expect(c.pcb.state).toBe('SYN-RECEIVED');
  });

  test('ESTABLISHED close() → FIN-WAIT-1, sends FIN', () => {
    const c = established();
    c.pcb.close();
    expect(c.pcb.state).toBe('FIN-WAIT-1');
    expect(c.out()).toEqual([{ flags: 'F.', seq: c.iss + 1, ack: c.rseq, win: 5760, len: 0 }]);
  });

  test('ESTABLISHED rcv FIN → CLOSE-WAIT, ACKs the FIN at once', () => {
    const c = established();
    const out = c.feed({ flags: TCP_FIN | TCP_ACK });
    expect(c.pcb.state).toBe('CLOSE-WAIT');
    expect(out).toEqual([{ flags: '.', seq: c.iss + 1, ack: c.rseq + 1, win: 5760, len: 0 }]);
    expect(c.fins).toBe(1);
  });

  test('ESTABLISHED rcv RST → CLOSED with reset', () => {
    const c = established();
    expect(c.feed({ flags: TCP_RST })).toEqual([]);
    expect(c.pcb.state).toBe('CLOSED');
    expect(c.errors).toEqual(['reset']);
  });

  test('ESTABLISHED abort() → CLOSED, sends RST,ACK', () => {
    const c = established();
    c.pcb.abort();
    expect(c.out()).toEqual([{ flags: 'R.', seq: c.iss + 1, ack: c.rseq, win: 5760, len: 0 }]);
    expect(c.pcb.state).toBe('CLOSED');
  });

  test('ESTABLISHED close() with unread data → RST instead of FIN', () => {
    const c = established();
    c.feed({ payload: data(100), flags: TCP_ACK | TCP_PSH });
    c.pcb.close();
    expect(c.out()).toEqual([{ flags: 'R.', seq: c.iss + 1, ack: c.rseq + 100, win: 5660, len: 0 }]);
    expect(c.pcb.state).toBe('CLOSED');
  });

  test('ESTABLISHED shutdownWrite() → FIN-WAIT-1 and still receives', () => {
    const c = established();
    c.pcb.shutdownWrite();
    c.feed({ ack: c.iss + 2 });
    expect(c.pcb.state).toBe('FIN-WAIT-2');
    c.feed({ payload: data(10) });
    expect(c.received).toEqual([10]);
  });

  test('FIN-WAIT-1 rcv ACK of FIN → FIN-WAIT-2, sends nothing', () => {
    const c = finWait1();
    expect(c.feed({ ack: c.iss + 2 })).toEqual([]);
    expect(c.pcb.state).toBe('FIN-WAIT-2');
  });

  test('FIN-WAIT-1 rcv FIN → CLOSING, ACKs it', () => {
    const c = finWait1();
    const out = c.feed({ flags: TCP_FIN | TCP_ACK, ack: c.iss + 1 });
    expect(c.pcb.state).toBe('CLOSING');
    expect(out).toEqual([{ flags: '.', seq: c.iss + 2, ack: c.rseq + 1, win: 5760, len: 0 }]);
  });

  test('FIN-WAIT-1 rcv FIN+ACK of FIN → TIME-WAIT, ACKs it', () => {
    const c = finWait1();
    const out = c.feed({ flags: TCP_FIN | TCP_ACK, ack: c.iss + 2 });
    expect(c.pcb.state).toBe('TIME-WAIT');
    expect(out).toEqual([{ flags: '.', seq: c.iss + 2, ack: c.rseq + 1, win: 5760, len: 0 }]);
  });

  test('FIN-WAIT-2 rcv FIN → TIME-WAIT, ACKs it', () => {
    const c = finWait2();
    const out = c.feed({ flags: TCP_FIN | TCP_ACK, ack: c.iss + 2 });
    expect(c.pcb.state).toBe('TIME-WAIT');
    expect(out).toEqual([{ flags: '.', seq: c.iss + 2, ack: c.rseq + 1, win: 5760, len: 0 }]);
  });

  test('FIN-WAIT-2 after close() times out after 20 s → CLOSED', () => {
    const c = finWait2();
    c.tap.sim.runSync({ for: 19_000_000 });
    expect(c.pcb.state).toBe('FIN-WAIT-2');
    c.tap.sim.runSync({ for: 1_500_000 });
    expect(c.pcb.state).toBe('CLOSED');
    expect(c.out()).toEqual([]);
  });

  test('FIN-WAIT-2 after close() rcv data → RST (lwIP: data after close)', () => {
    const c = finWait2();
    const out = c.feed({ ack: c.iss + 2, payload: data(5) });
    expect(out).toEqual([{ flags: 'R.', seq: c.iss + 2, ack: c.rseq, win: 5760, len: 0 }]);
    expect(c.pcb.state).toBe('CLOSED');
  });

  test('CLOSE-WAIT close() → LAST-ACK, sends FIN', () => {
    const c = closeWait();
    c.pcb.close();
    expect(c.pcb.state).toBe('LAST-ACK');
    expect(c.out()).toEqual([{ flags: 'F.', seq: c.iss + 1, ack: c.rseq, win: 5760, len: 0 }]);
  });

  test('CLOSING rcv ACK of FIN → TIME-WAIT, sends nothing', () => {
    const c = closing();
    expect(c.feed({ ack: c.iss + 2 })).toEqual([]);
    expect(c.pcb.state).toBe('TIME-WAIT');
  });

  test('LAST-ACK rcv ACK of FIN → CLOSED, sends nothing', () => {
    const c = lastAck();
    expect(c.feed({ ack: c.iss + 2 })).toEqual([]);
    expect(c.pcb.state).toBe('CLOSED');
    expect(c.tap.tcp.pcbCount()).toBe(1); // only the listener
  });

  test('TIME-WAIT after 2·MSL (120 s) → CLOSED', () => {
    const c = timeWait();
    c.tap.sim.runSync({ for: 119_000_000 });
    expect(c.pcb.state).toBe('TIME-WAIT');
    c.tap.sim.runSync({ for: 2_000_000 });
    expect(c.pcb.state).toBe('CLOSED');
  });

  test('TIME-WAIT rcv repeated FIN → ACK again and restart 2·MSL', () => {
    const c = timeWait();
    c.tap.sim.runSync({ for: 60_000_000 });
    const out = c.feed({ seq: c.rseq - 1, flags: TCP_FIN | TCP_ACK, ack: c.iss + 2 });
    expect(out).toEqual([{ flags: '.', seq: c.iss + 2, ack: c.rseq, win: 5760, len: 0 }]);
    c.tap.sim.runSync({ for: 100_000_000 });
    expect(c.pcb.state).toBe('TIME-WAIT');
  });
});

describe('RST generation and acceptability', () => {
  test('closed port rcv SYN → RST,ACK acking SYN+1 (lwIP tcp_rst)', () => {
    const tap = new Tap(ESP32_TCP);
    tap.send({ srcPort: REMOTE_PORT, dstPort: 81, seq: 5, ack: 0, flags: TCP_SYN, window: 100, urgent: 0, payload: new Uint8Array(0) });
    expect(tap.take().map(view)).toEqual([{ flags: 'R.', seq: 0, ack: 6, win: 5760, len: 0 }]);
  });

  test('closed port rcv SYN on Linux → RST,ACK seq 0 window 0 (RFC 9293)', () => {
    const tap = new Tap(LINUX_TCP);
    tap.send({ srcPort: REMOTE_PORT, dstPort: 81, seq: 5, ack: 0, flags: TCP_SYN, window: 100, urgent: 0, payload: new Uint8Array(0) });
    expect(tap.take().map(view)).toEqual([{ flags: 'R.', seq: 0, ack: 6, win: 0, len: 0 }]);
  });

  test('closed port rcv ACK on Linux → bare RST with SEQ=SEG.ACK', () => {
    const tap = new Tap(LINUX_TCP);
    tap.send({ srcPort: REMOTE_PORT, dstPort: 81, seq: 5, ack: 999, flags: TCP_ACK, window: 100, urgent: 0, payload: new Uint8Array(3) });
    expect(tap.take().map(view)).toEqual([{ flags: 'R', seq: 999, win: 0, len: 0 }]);
  });

  test('closed port rcv RST → nothing', () => {
    const tap = new Tap(ESP32_TCP);
    tap.send({ srcPort: REMOTE_PORT, dstPort: 81, seq: 5, ack: 0, flags: TCP_RST, window: 0, urgent: 0, payload: new Uint8Array(0) });
    expect(tap.take()).toEqual([]);
  });

  test('ESTABLISHED rcv segment left of the window → ACK, data dropped', () => {
    const c = established();
    const out = c.feed({ seq: c.rseq - 10, payload: data(5) });
    expect(out).toEqual([{ flags: '.', seq: c.iss + 1, ack: c.rseq, win: 5760, len: 0 }]);
    expect(c.received).toEqual([]);
  });

  test('ESTABLISHED rcv in-window RST with wrong seq → challenge ACK, stays', () => {
    const c = established();
    const out = c.feed({ seq: c.rseq + 100, flags: TCP_RST });
    expect(out).toEqual([{ flags: '.', seq: c.iss + 1, ack: c.rseq, win: 5760, len: 0 }]);
    expect(c.pcb.state).toBe('ESTABLISHED');
  });

  test('ESTABLISHED rcv SYN → challenge ACK, stays', () => {
    const c = established();
    const out = c.feed({ flags: TCP_SYN | TCP_ACK });
    expect(out).toEqual([{ flags: '.', seq: c.iss + 1, ack: c.rseq, win: 5760, len: 0 }]);
    expect(c.pcb.state).toBe('ESTABLISHED');
  });

  test('ESTABLISHED rcv ACK of unsent data → ACK, segment dropped', () => {
    const c = established();
    const out = c.feed({ ack: c.iss + 1000, payload: data(10) });
    expect(out).toEqual([{ flags: '.', seq: c.iss + 1, ack: c.rseq, win: 5760, len: 0 }]);
    expect(c.received).toEqual([]);
  });

  test('ESTABLISHED rcv out-of-order data → duplicate ACK now, delivered once the hole fills', () => {
    const c = established();
    const out = c.feed({ seq: c.rseq + 100, payload: data(50) });
    expect(out).toEqual([{ flags: '.', seq: c.iss + 1, ack: c.rseq, win: 5760, len: 0 }]);
    const out2 = c.feed({ payload: data(100) });
    expect(c.received).toEqual([100, 50]);
    expect(out2).toEqual([{ flags: '.', seq: c.iss + 1, ack: c.rseq + 150, win: 5760 - 150, len: 0 }]);
  });

  test('ESTABLISHED rcv SYN beyond backlog on listener → dropped silently', () => {
    const c = listening(ESP32_TCP, 1);
    c.feed({ seq: REMOTE_ISS, ack: 0, flags: TCP_SYN });
    const out = c.feed({ srcPort: REMOTE_PORT + 1, seq: REMOTE_ISS, ack: 0, flags: TCP_SYN });
    expect(out).toEqual([]);
    expect(c.tap.tcp.counters.listenOverflow).toBe(1);
  });

  test('listen(0) means backlog 1 on ESP32', () => {
    const c = listening(ESP32_TCP, 0);
    c.feed({ seq: REMOTE_ISS, ack: 0, flags: TCP_SYN });
    expect(c.feed({ srcPort: REMOTE_PORT + 1, seq: REMOTE_ISS, ack: 0, flags: TCP_SYN })).toEqual([]);
  });

  test('ESTABLISHED send() of 3000 bytes → MSS-sized segments, Nagle holds the 120-byte tail until ACK', () => {
    const c = established();
    c.pcb.write(data(3000));
    c.pcb.output();
    expect(c.out().map((s) => [s.flags, s.seq - c.iss, s.len])).toEqual([
      ['.', 1, 1440],
      ['.', 1441, 1440],
    ]);
    const out = c.feed({ ack: c.iss + 2881 });
    expect(out.map((s) => [s.flags, s.seq - c.iss, s.len])).toEqual([['P.', 2881, 120]]);
  });

  test('ESTABLISHED send() beyond a 2000-byte peer window → only what fits', () => {
    const c = established();
    c.feed({ window: 2000 });
    c.pcb.write(data(3000));
    c.pcb.output();
    expect(c.out().map((s) => s.len)).toEqual([1440]);
    expect(c.feed({ ack: c.iss + 1441, window: 2000 }).map((s) => s.len)).toEqual([1440]);
  });
});
