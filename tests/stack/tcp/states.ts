/**
 * smoltcp-style fixtures: a PCB of the device under test built in a named
 * state, segment templates from the remote end, and a compact view of the
 * segments the DUT answers with.
 */
import type { TcpConfig, TcpError, TcpPcb } from '../../../stack/tcp/api';
import { ESP32_TCP } from '../../../stack/tcp/config';
import { formatTcpFlags, TCP_ACK, TCP_FIN, TCP_SYN, type TcpRepr } from '../../../stack/wire/tcp';
import { Tap } from './harness';

export const LOCAL_PORT = 80;
export const REMOTE_PORT = 49500;
/** The remote end's initial sequence number. */
export const REMOTE_ISS = 10000;

export interface Seg {
  flags: string;
  seq: number;
  ack?: number;
  win: number;
  len: number;
  mss?: number;
}

/** The fields a test asserts (ack only when the ACK flag is set). */
export function view(r: TcpRepr): Seg {
  const s: Seg = { flags: formatTcpFlags(r.flags), seq: r.seq, win: r.window, len: r.payload.length };
  if (r.flags & TCP_ACK) s.ack = r.ack;
  if (r.mss !== undefined) s.mss = r.mss;
  return s;
}

export interface Conn {
  tap: Tap;
  pcb: TcpPcb;
  /** The DUT's ISS. */
  iss: number;
  /** Next sequence number the remote end sends. */
  rseq: number;
  localPort: number;
  errors: TcpError[];
  received: number[];
  fins: number;
  /** Segments sent by the DUT since the last call, compact. */
  out(): Seg[];
  /** A segment from the remote end: ACK of everything by default. */
  seg(over?: Partial<TcpRepr>): TcpRepr;
  feed(over?: Partial<TcpRepr>): Seg[];
}

const EMPTY = new Uint8Array(0);

function wire(tap: Tap, pcb: TcpPcb, localPort: number): Conn {
  const c: Conn = {
    tap,
    pcb,
    iss: 0,
    rseq: REMOTE_ISS + 1,
    localPort,
    errors: [],
    received: [],
    fins: 0,
    out: () => tap.take().map(view),
    seg: (over = {}) => ({
      srcPort: REMOTE_PORT,
      dstPort: c.localPort,
      seq: c.rseq,
      ack: (c.iss + 1) >>> 0,
      flags: TCP_ACK,
      window: 5760,
      urgent: 0,
      payload: EMPTY,
      ...over,
    }),
    feed: (over = {}) => {
      tap.send(c.seg(over));
      return c.out();
    },
  };
  attach(c, pcb);
  return c;
}

function attach(c: Conn, pcb: TcpPcb): void {
  pcb.events.onError = (e) => c.errors.push(e);
  pcb.events.onRecv = (d) => c.received.push(d.length);
  pcb.events.onFin = () => c.fins++;
}

export function listening(cfg: TcpConfig = ESP32_TCP, backlog = 2): Conn {
  const tap = new Tap(cfg);
  const pcb = tap.tcp.createPcb();
  pcb.bind(0, LOCAL_PORT);
  pcb.listen(backlog);
  return wire(tap, pcb, LOCAL_PORT);
}

/** LISTEN took our SYN: `pcb` is the child in SYN-RECEIVED. */
export function synReceived(cfg: TcpConfig = ESP32_TCP): Conn & { listener: TcpPcb; accepted: TcpPcb[] } {
  const c = listening(cfg);
  const listener = c.pcb;
  const accepted: TcpPcb[] = [];
  listener.events.onAccept = (p) => accepted.push(p);
  c.tap.send(c.seg({ seq: REMOTE_ISS, ack: 0, flags: TCP_SYN, mss: 1460 }));
  const [synAck] = c.tap.take();
  c.iss = synAck.seq;
  const child = [...c.tap.tcp.pcbs].find((p) => p !== listener)!;
  c.pcb = child;
  attach(c, child);
  return Object.assign(c, { listener, accepted });
}

export function established(cfg: TcpConfig = ESP32_TCP): Conn {
  const c = synReceived(cfg);
  c.feed();
  return c;
}

export function synSent(cfg: TcpConfig = ESP32_TCP): Conn {
  const tap = new Tap(cfg);
  const pcb = tap.tcp.createPcb();
  pcb.connect(tap.remote, REMOTE_PORT);
  const c = wire(tap, pcb, pcb.localPort);
  const [syn] = tap.take();
  c.iss = syn.seq;
  return c;
}

/** ESTABLISHED, then close(): our FIN (seq iss+1) is out. */
export function finWait1(cfg: TcpConfig = ESP32_TCP): Conn {
  const c = established(cfg);
  c.pcb.close();
  attach(c, c.pcb);
  c.out();
  return c;
}

export function finWait2(cfg: TcpConfig = ESP32_TCP): Conn {
  const c = finWait1(cfg);
  c.feed({ ack: (c.iss + 2) >>> 0 });
  return c;
}

export function closeWait(cfg: TcpConfig = ESP32_TCP): Conn {
  const c = established(cfg);
  c.feed({ flags: TCP_FIN | TCP_ACK });
  c.rseq++;
  return c;
}

export function lastAck(cfg: TcpConfig = ESP32_TCP): Conn {
  const c = closeWait(cfg);
  c.pcb.close();
  c.out();
  return c;
}

/** FIN-WAIT-1 took the peer's FIN before the ACK of ours (simultaneous close). */
export function closing(cfg: TcpConfig = ESP32_TCP): Conn {
  const c = finWait1(cfg);
  c.feed({ flags: TCP_FIN | TCP_ACK, ack: (c.iss + 1) >>> 0 });
  c.rseq++;
  return c;
}

export function timeWait(cfg: TcpConfig = ESP32_TCP): Conn {
  const c = finWait2(cfg);
  c.feed({ flags: TCP_FIN | TCP_ACK, ack: (c.iss + 2) >>> 0 });
  c.rseq++;
  return c;
}
