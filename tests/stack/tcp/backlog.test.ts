/**
 * The listener's backlog, smoltcp-style: half-open connections in SYN-RECEIVED
 * are dropped after lwIP's TCP_SYN_RCVD_TIMEOUT (20 s since the last segment,
 * counted on the 500 ms slow-tick grid), and connections the application
 * closes never hold a backlog slot.
 */
import { ESP32_TCP, LINUX_TCP } from '../../../stack/tcp/config';
import type { TcpPcb } from '../../../stack/tcp/api';
import { TCP_ACK, TCP_FIN, TCP_SYN } from '../../../stack/wire/tcp';
import { listening, REMOTE_ISS, REMOTE_PORT, synReceived, synSent } from './states';

const SYN = { seq: REMOTE_ISS, ack: 0, flags: TCP_SYN, mss: 1460 };

/** The listener's children (every PCB but the listener). */
const children = (c: ReturnType<typeof listening>) => [...c.tap.tcp.pcbs].filter((p) => p !== c.pcb);

describe('SYN-RECEIVED timeout (lwIP TCP_SYN_RCVD_TIMEOUT)', () => {
  test('SYN-RECEIVED with no ACK for 20 s → dropped at the 41st slow tick, silently', () => {
    const c = listening();
    c.tap.sim.runSync({ for: 200_000 }); // the SYN arrives at 0.2 s, within slow tick 0
    c.feed(SYN);
    const [child] = children(c);
    expect(child.state).toBe('SYN-RECEIVED');
    c.tap.sim.runSync({ until: 20_499_999 });
    expect(child.state).toBe('SYN-RECEIVED');
    const before = c.out();
    expect(before.every((s) => s.flags === 'S.')).toBe(true); // SYN-ACK retransmissions only
    c.tap.sim.runSync({ until: 20_500_000 });
    expect(child.state).toBe('CLOSED');
    expect(c.tap.tcp.pcbCount()).toBe(1);
    expect(c.out()).toEqual([]); // no RST: lwIP just frees the PCB
    expect(c.pcb.state).toBe('LISTEN');
  });

  test('LISTEN backlog 2 full of half-open connections → a third SYN is dropped; after 20 s it is answered', () => {
    const c = listening(ESP32_TCP, 2);
    c.feed(SYN);
    c.feed({ ...SYN, srcPort: REMOTE_PORT + 1 });
    c.out();
    expect(c.feed({ ...SYN, srcPort: REMOTE_PORT + 2 })).toEqual([]);
    expect(c.tap.tcp.counters.listenOverflow).toBe(1);
    c.tap.sim.runSync({ for: 21_000_000 });
    c.out();
    const out = c.feed({ ...SYN, srcPort: REMOTE_PORT + 2 });
    expect(out.map((s) => s.flags)).toEqual(['S.']);
  });

  test('SYN-RECEIVED rcv repeated SYN → SYN-ACK again and the 20 s start over', () => {
    const c = synReceived();
    c.tap.sim.runSync({ until: 10_100_000 });
    c.out();
    expect(c.feed({ seq: REMOTE_ISS, ack: 0, flags: TCP_SYN }).map((s) => s.flags)).toEqual(['S.']);
    c.tap.sim.runSync({ until: 25_000_000 });
    expect(c.pcb.state).toBe('SYN-RECEIVED');
    // Last segment at 10.1 s (slow tick 20): dropped at tick 20 + 41.
    c.tap.sim.runSync({ until: 30_499_999 });
    expect(c.pcb.state).toBe('SYN-RECEIVED');
    c.tap.sim.runSync({ until: 30_500_000 });
    expect(c.pcb.state).toBe('CLOSED');
  });

  test('SYN-RECEIVED rcv ACK within 20 s → ESTABLISHED stays after the deadline', () => {
    const c = synReceived();
    c.tap.sim.runSync({ for: 19_000_000 });
    c.feed();
    c.tap.sim.runSync({ for: 5_000_000 });
    expect(c.pcb.state).toBe('ESTABLISHED');
  });

  test('simultaneous open stuck in SYN-RECEIVED → CLOSED with aborted after 20 s', () => {
    const c = synSent();
    c.feed({ seq: REMOTE_ISS, ack: 0, flags: TCP_SYN, mss: 1460 });
    expect(c.pcb.state).toBe('SYN-RECEIVED');
    c.tap.sim.runSync({ for: 21_000_000 });
    expect(c.pcb.state).toBe('CLOSED');
    expect(c.errors).toEqual(['aborted']);
  });

  test('Linux SYN-RECEIVED → no 20 s timeout (the SYN-ACK retransmissions decide)', () => {
    const c = synReceived(LINUX_TCP);
    c.tap.sim.runSync({ for: 25_000_000 });
    expect(c.pcb.state).toBe('SYN-RECEIVED');
  });
});

describe('backlog slots', () => {
  /** LISTEN (backlog 1) whose one slot holds an ESTABLISHED connection nobody accepted. */
  function fullListener() {
    const c = listening(ESP32_TCP, 1);
    const acceptedQ: TcpPcb[] = [];
    c.pcb.events.onAccept = (p) => acceptedQ.push(p);
    const [synAck] = c.feed(SYN);
    c.iss = synAck.seq;
    c.feed();
    expect(acceptedQ).toHaveLength(1);
    expect(c.feed({ ...SYN, srcPort: REMOTE_PORT + 1 })).toEqual([]);
    return { c, child: acceptedQ[0] };
  }

  test('ESTABLISHED child not accepted holds the slot; closed by the application (FIN-WAIT-1) → frees it', () => {
    const { c, child } = fullListener();
    child.close();
    expect(child.state).toBe('FIN-WAIT-1');
    c.out();
    expect(c.feed({ ...SYN, srcPort: REMOTE_PORT + 1 }).map((s) => s.flags)).toEqual(['S.']);
  });

  test('CLOSE-WAIT child not accepted, closed by the application (LAST-ACK) → the slot is free', () => {
    const { c, child } = fullListener();
    c.feed({ flags: TCP_FIN | TCP_ACK });
    expect(child.state).toBe('CLOSE-WAIT');
    child.close();
    expect(child.state).toBe('LAST-ACK');
    c.out();
    expect(c.feed({ ...SYN, srcPort: REMOTE_PORT + 1 }).map((s) => s.flags)).toEqual(['S.']);
  });

  test('accepted() frees the slot; a later close() does not free it twice', () => {
    const { c, child } = fullListener();
    child.accepted?.();
    child.close();
    c.out();
    expect(c.feed({ ...SYN, srcPort: REMOTE_PORT + 1 }).map((s) => s.flags)).toEqual(['S.']);
    expect(c.feed({ ...SYN, srcPort: REMOTE_PORT + 2 })).toEqual([]);
    expect((c.pcb as unknown as { acceptsPending: number }).acceptsPending).toBe(1);
  });

  test('SYN-RECEIVED child reset by the peer → the slot is free', () => {
    const c = listening(ESP32_TCP, 1);
    c.feed(SYN);
    c.feed({ seq: REMOTE_ISS + 1, ack: 0, flags: TCP_ACK | 4 /* RST */ });
    c.out();
    expect(c.feed({ ...SYN, srcPort: REMOTE_PORT + 1 }).map((s) => s.flags)).toEqual(['S.']);
  });
});
