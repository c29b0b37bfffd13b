/**
 * Model-based coverage with xstate/graph: every transition of the machine
 * (every state-changing edge of its adjacency map, plus the TIME-WAIT 2·MSL
 * restart) is replayed against a real PCB: the shortest path to the source
 * state, then the edge, each abstract event turned into a real stimulus
 * (segment from the remote end, socket call, or virtual time passing). An
 * event's facts (acceptable, finAcked, ...) pick the stimulus.
 */
import { createTestModel } from 'xstate/graph';
import type { TcpPcb } from '../../../stack/tcp/api';
import { ESP32_TCP } from '../../../stack/tcp/config';
import { tcpMachine, TCP_STATES, type TcpMachineEvent } from '../../../stack/tcp/machine';
import type { Pcb } from '../../../stack/tcp/pcb';
import type { Arrival } from '../../../stack/tcp/segment';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpRepr } from '../../../stack/wire/tcp';
import { Tap } from './harness';

/** Abstract events carry no real segment: with no hooks the machine's actions never read it. */
const a = {} as Arrival;
const EVENTS: TcpMachineEvent[] = [
  { type: 'app.listen' },
  { type: 'app.connect' },
  { type: 'app.close', reset: false },
  { type: 'app.close', reset: true },
  { type: 'app.shutdown' },
  { type: 'app.abort' },
  { type: 'seg.syn', a, repeated: false },
  { type: 'seg.syn', a, repeated: true },
  { type: 'seg.synAck', a, ackAcceptable: true },
  { type: 'seg.synAck', a, ackAcceptable: false },
  { type: 'seg.ack', a, ackAcceptable: true },
  { type: 'seg.ack', a, ackAcceptable: false },
  { type: 'seg.rst', a, acceptable: true },
  { type: 'seg.rst', a, acceptable: false },
  { type: 'seg.unacceptable', a, repeatedSyn: false, retransmittedFin: false },
  { type: 'seg.unacceptable', a, repeatedSyn: true, retransmittedFin: false },
  { type: 'seg.unacceptable', a, repeatedSyn: false, retransmittedFin: true },
  { type: 'seg.ackUnsent' },
  { type: 'seg.textAfterClose' },
  { type: 'seg.fin', finAcked: true },
  { type: 'seg.fin', finAcked: false },
  { type: 'seg.finAcked' },
  { type: 'timer.giveUp', reason: 'rtx-timeout' },
  { type: 'timer.twoMsl' },
  { type: 'timer.finWait2' },
  { type: 'timer.synRcvd' },
];

const REMOTE_PORT = 40000;
const REMOTE_ISS = 5000;

/** Drives a real PCB through abstract machine events. */
class Driver {
  tap = new Tap(ESP32_TCP, 3);
  cur: Pcb = this.tap.tcp.createPcb() as Pcb;

  private seg(over: Partial<TcpRepr>): void {
    const t = this.cur.tcb;
    this.tap.send({
      srcPort: REMOTE_PORT,
      dstPort: this.cur.localPort,
      seq: t.rcv_nxt,
      ack: t.snd_nxt,
      flags: TCP_ACK,
      window: 5760,
      urgent: 0,
      payload: new Uint8Array(0),
      ...over,
    });
  }

  exec(ev: TcpMachineEvent): void {
    const p = this.cur;
    const t = p.tcb;
    switch (ev.type) {
      case 'app.listen':
        p.bind(0, 80);
        return p.listen(2);
      case 'app.connect':
        p.connect(this.tap.remote, REMOTE_PORT);
        return;
      case 'app.close':
        // The socket layer says how much the application left unread.
        return p.close({ unreadBytes: ev.reset ? 1 : 0 });
      case 'app.shutdown':
        return p.shutdownWrite();
      case 'app.abort':
        return p.abort();
      case 'seg.syn': {
        const before = new Set(this.tap.tcp.pcbs);
        this.seg({ dstPort: p.localPort, seq: REMOTE_ISS, ack: 0, flags: TCP_SYN });
        if (p.state === 'LISTEN') this.cur = [...this.tap.tcp.pcbs].find((x) => !before.has(x))!;
        return;
      }
      case 'seg.synAck':
        return this.seg({ seq: REMOTE_ISS, flags: TCP_SYN | TCP_ACK });
      case 'seg.ack':
      case 'seg.finAcked':
        return this.seg({});
      case 'seg.fin':
        return this.seg({ flags: TCP_FIN | TCP_ACK, ack: ev.finAcked ? t.snd_nxt : t.snd_una });
      case 'seg.unacceptable':
        // The peer's FIN again (TIME-WAIT restarts 2·MSL).
        return this.seg({ seq: (t.rcv_nxt - 1) >>> 0, flags: TCP_FIN | TCP_ACK });
      case 'seg.textAfterClose':
        return this.seg({ payload: new Uint8Array(5) });
      case 'seg.rst':
        return this.seg({ flags: p.state === 'SYN-SENT' ? TCP_RST | TCP_ACK : TCP_RST });
      case 'timer.synRcvd':
        this.tap.sim.runSync({ for: ESP32_TCP.synRcvdTimeoutUs + 1_000_000 });
        return;
      case 'timer.giveUp':
        // The remote end goes silent: whatever is outstanding exhausts its retransmissions.
        if (p.sndBufAvailable() > 0) p.write(new Uint8Array(10));
        p.output();
        this.tap.sim.runSync({ for: 10_000e6 });
        return;
      case 'timer.twoMsl':
        this.tap.sim.runSync({ for: 2 * ESP32_TCP.msl + 1 });
        return;
      case 'timer.finWait2':
        this.tap.sim.runSync({ for: ESP32_TCP.finWait2TimeoutUs + 1 });
        return;
    }
  }
}

type Snap = { value: unknown; context: { passive: boolean; rxClosed: boolean } };
const key = (s: Snap) => JSON.stringify([s.value, s.context.rxClosed]);

const model = createTestModel(tcpMachine, { events: EVENTS });
const toState = new Map<string, TcpMachineEvent[]>([[key({ value: 'CLOSED', context: { passive: false, rxClosed: false } }), []]]);
for (const path of model.getShortestPaths({ allowDuplicatePaths: true })) {
  // A PCB that reached CLOSED is freed (lwIP never reuses it): paths through CLOSED are not real.
  if (path.steps.slice(1, -1).some((s) => (s.state as Snap).value === 'CLOSED')) continue;
  const k = key(path.state as Snap);
  const events = path.steps.slice(1).map((s) => s.event as TcpMachineEvent);
  if (!toState.has(k) || toState.get(k)!.length > events.length) toState.set(k, events);
}

/** The event with the facts that pick its transition, e.g. `seg.fin(finAcked)`. */
function label(e: TcpMachineEvent): string {
  const facts = Object.entries(e)
    .filter(([k, v]) => k !== 'type' && v === true)
    .map(([k]) => k);
  return facts.length ? `${e.type}(${facts.join(',')})` : e.type;
}

interface Edge {
  from: Snap;
  event: TcpMachineEvent;
  to: string;
}
const edges: Edge[] = [];
const seen = new Set<string>();
for (const { state, transitions } of Object.values(model.getAdjacencyMap())) {
  for (const tr of Object.values(transitions) as { event: unknown; state: unknown }[]) {
    const { event, state: next } = tr;
    const from = state as Snap;
    const ev = event as TcpMachineEvent;
    const to = (next as Snap).value as string;
    const restart = from.value === 'TIME-WAIT' && ev.type === 'seg.unacceptable' && ev.retransmittedFin;
    // Only the fresh PCB starts in CLOSED; snapshots that differ only in xstate internals count once.
    const real = toState.has(key(from)) && (from.value !== 'CLOSED' || toState.get(key(from))!.length === 0);
    const id = `${key(from)} ${label(ev)} ${to}`;
    if ((to !== from.value || restart) && real && !seen.has(id)) {
      seen.add(id);
      edges.push({ from, event: ev, to });
    }
  }
}


describe('model-based coverage (xstate/graph)', () => {
  test('the model reaches all 11 RFC 9293 states', () => {
    const reached = new Set([...toState.keys()].map((k) => JSON.parse(k)[0]));
    expect([...reached].sort()).toEqual([...TCP_STATES].sort());
  });

  test('the model has every diagram transition', () => {
    const names = new Set(edges.map((e) => `${e.from.value} ${e.event.type} ${e.to}`));
    for (const t of [
      'CLOSED app.listen LISTEN',
      'CLOSED app.connect SYN-SENT',
      'LISTEN seg.syn SYN-RECEIVED',
      'LISTEN app.close CLOSED',
      'SYN-SENT seg.synAck ESTABLISHED',
      'SYN-SENT seg.syn SYN-RECEIVED',
      'SYN-SENT app.close CLOSED',
      'SYN-RECEIVED seg.ack ESTABLISHED',
      'SYN-RECEIVED app.close FIN-WAIT-1',
      'SYN-RECEIVED seg.rst CLOSED',
      'SYN-RECEIVED timer.synRcvd CLOSED',
      'ESTABLISHED app.close FIN-WAIT-1',
      'ESTABLISHED seg.fin CLOSE-WAIT',
      'FIN-WAIT-1 seg.finAcked FIN-WAIT-2',
      'FIN-WAIT-1 seg.fin CLOSING',
      'FIN-WAIT-1 seg.fin TIME-WAIT',
      'FIN-WAIT-2 seg.fin TIME-WAIT',
      'ESTABLISHED app.close CLOSED',
      'FIN-WAIT-1 seg.textAfterClose CLOSED',
      'CLOSE-WAIT app.close LAST-ACK',
      'CLOSING seg.finAcked TIME-WAIT',
      'LAST-ACK seg.finAcked CLOSED',
      'TIME-WAIT timer.twoMsl CLOSED',
    ]) {
      expect(names).toContain(t);
    }
  });

  test.each(edges.map((e) => [`${e.from.value}${e.from.context.rxClosed ? ' (closed)' : ''}`, label(e.event), e.to, e]))(
    '%s %s → %s on a real PCB',
    (_f, _e, _t, edge) => {
      const e = edge as Edge;
      const prefix = toState.get(key(e.from));
      expect(prefix).toBeDefined();
      const d = new Driver();
      const states: string[] = [];
      for (const ev of [...prefix!, e.event]) {
        d.exec(ev);
        states.push(d.cur.state);
      }
      expect(states[states.length - 1]).toBe(e.to);
      const cur: TcpPcb = d.cur;
      if (e.to === 'CLOSED') expect(d.tap.tcp.pcbs.has(cur as Pcb)).toBe(false);
    },
  );
});
