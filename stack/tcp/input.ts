/**
 * Segment arrival (RFC 9293 §3.10.7, lwIP tcp_in.c): demultiplex, then
 * LISTEN / SYN-SENT / synchronized-state processing in the RFC's order
 * (sequence check, RST, SYN, ACK, text, FIN). Each check is asked once
 * (segment.ts) and its answer goes to the connection's machine, which owns
 * every decision that depends on the state; the data path (new ACKs, window
 * updates, in-order text) works on the TCB here without the machine.
 */
import { bump, type Counters, type IpDatagram } from '../contracts';
import type { WordView } from '../wire/checksum';
import { newTcpRepr, parseTcpInto, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpParseOptions, type TcpRepr } from '../wire/tcp';
import type { Ipv4Addr } from '../wire/types';
import { initialCwnd } from './config';
import type { TcpHost } from './conn';
import { effectiveMss } from './handshake';
import { replyRst, retransmitFirst, tcpOutput, updateRcvAnnWnd } from './output';
import type { Pcb } from './pcb';
import {
  acceptable,
  ackRange,
  ourFinAcked,
  repeatedSyn,
  retransmittedFin,
  rstExact,
  segLen,
  synRcvdAckAcceptable,
  synSentAckAcceptable,
  zeroWindowUsable,
  type Arrival,
} from './segment';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq';
import { HANDSHAKE, RECEIVES_TEXT, SYNCHRONIZED } from './states';
import { TF_ACK_DELAY, TF_ACK_NOW, TF_INFR, type OoSeg } from './tcb';
import { armDelayedAck, baseRto, restartRtx, rttSample, stopPersist } from './timers';

/**
 * What tcpInput reuses from one segment to the next: the Arrival (header
 * parsed into it) and the checksum's word view. Nothing keeps the Arrival
 * past the call (the machine's actions read it synchronously; payload views
 * are new per segment). A segment handed in while another is being handled
 * (a synchronous test pipe) gets its own.
 */
export class RxScratch {
  busy = false;
  readonly a: Arrival = { seg: newTcpRepr(), src: 0, dst: 0 };
  readonly parse: TcpParseOptions;

  constructor(readonly words: WordView) {
    this.parse = { words };
  }
}

/** What segment arrival needs of the device's TCP layer (TcpLayer in index.ts). */
export interface Demux extends TcpHost {
  readonly counters: Counters;
  readonly rx: RxScratch;
  traceSeg(dir: 'tx' | 'rx', repr: TcpRepr): void;
  lookup(localPort: number, remoteIp: Ipv4Addr, remotePort: number): Pcb | undefined;
  findListener(localIp: Ipv4Addr, port: number): Pcb | undefined;
  newPcb(passive: boolean): Pcb;
}

export function tcpInput(layer: Demux, d: IpDatagram): void {
  const rx = layer.rx;
  const nested = rx.busy;
  const a: Arrival = nested ? { seg: newTcpRepr(), src: 0, dst: 0 } : rx.a;
  // In place when the IP layer says where the segment lies (no view of the IP payload).
  const f = d.frame;
  const error =
    f !== undefined
      ? parseTcpInto(f, d.payloadStart!, d.payloadEnd!, d.src, d.dst, a.seg, rx.parse)
      : parseTcpInto(d.payload, 0, d.payload.length, d.src, d.dst, a.seg, rx.parse);
  if (error) {
    bump(layer.counters, error.kind === 'checksum' ? 'rxBadChecksum' : 'rxMalformed');
    return;
  }
  a.src = d.src;
  a.dst = d.dst;
  rx.busy = true;
  arrive(layer, a);
  rx.busy = nested;
}

function arrive(layer: Demux, a: Arrival): void {
  layer.hot.rxSegment();
  layer.traceSeg('rx', a.seg);
  const pcb = layer.lookup(a.seg.dstPort, a.src, a.seg.srcPort);
  if (pcb) {
    if (pcb.is(SYNCHRONIZED)) synchronizedInput(pcb, a);
    else synSentInput(pcb, a);
    if (!pcb.freed) tcpOutput(pcb);
    return;
  }
  const listener = layer.findListener(a.dst, a.seg.dstPort);
  if (listener) return listenInput(layer, listener, a);
  bump(layer.counters, 'rxNoPcb');
  if (!(a.seg.flags & TCP_RST)) replyRst(layer, a);
}

/** LISTEN: a SYN makes a child PCB in SYN-RECEIVED (if the backlog has room). */
function listenInput(layer: Demux, l: Pcb, a: Arrival): void {
  const seg = a.seg;
  const f = seg.flags;
  if (f & TCP_RST) return;
  if (f & TCP_ACK) return replyRst(layer, a);
  if (!(f & TCP_SYN)) return;
  if (l.acceptsPending >= l.backlog) {
    bump(layer.counters, 'listenOverflow');
    return;
  }
  const c = layer.newPcb(true);
  c.localIp = a.dst;
  c.localPort = l.localPort;
  c.remoteIp = a.src;
  c.remotePort = seg.srcPort;
  c.bound = true;
  c.reuseAddr = l.reuseAddr;
  c.noDelay = l.noDelay;
  c.keepAlive = l.keepAlive;
  c.joinBacklog(l);
  const t = c.tcb;
  t.irs = seg.seq;
  t.rcv_nxt = seqAdd(seg.seq, 1);
  t.iss = layer.newIss();
  t.snd_una = t.snd_nxt = t.snd_max = t.iss;
  t.snd_lbb = seqAdd(t.iss, 1);
  t.snd_wnd = t.snd_wnd_max = seg.window;
  t.snd_wl1 = seg.seq;
  t.snd_wl2 = t.iss;
  t.mss = effectiveMss(c, seg);
  t.cwnd = initialCwnd(c.cfg, t.mss);
  t.rcv_ann_wnd = t.rcv_wnd;
  t.tmr = c.sim.now;
  layer.addConnection(c);
  c.fireQuiet({ type: 'app.listen' });
  c.fire({ type: 'seg.syn', a, repeated: false });
}

/** SYN-SENT (RFC 9293 §3.10.7.3): the machine decides from whether the ACK acknowledges our SYN. */
function synSentInput(pcb: Pcb, a: Arrival): void {
  const f = a.seg.flags;
  const ackAcceptable = synSentAckAcceptable(pcb.tcb, a.seg);
  if (f & TCP_RST) pcb.fire({ type: 'seg.rst', a, acceptable: ackAcceptable });
  else if (f & TCP_SYN) pcb.fire(f & TCP_ACK ? { type: 'seg.synAck', a, ackAcceptable } : { type: 'seg.syn', a, repeated: false });
  else if (f & TCP_ACK) pcb.fire({ type: 'seg.ack', a, ackAcceptable });
}

/** Every state after SYN-SENT (RFC 9293 §3.10.7.4). */
function synchronizedInput(pcb: Pcb, a: Arrival): void {
  const t = pcb.tcb;
  const seg = a.seg;
  const f = seg.flags;
  let payload = seg.payload;
  let fin = (f & TCP_FIN) !== 0;
  const len = segLen(seg);
  t.tmr = pcb.sim.now;
  t.keep_cnt_sent = 0;

  // First, check the sequence number.
  if (!acceptable(t.rcv_nxt, t.rcv_wnd, seg.seq, len)) {
    if (zeroWindowUsable(t, seg)) {
      // Zero window: still take the ACK, drop the text.
      payload = payload.subarray(0, 0);
      fin = false;
      t.flags |= TF_ACK_NOW;
    } else {
      pcb.fire({ type: 'seg.unacceptable', a, repeatedSyn: repeatedSyn(t, seg), retransmittedFin: retransmittedFin(t, seg, len) });
      return;
    }
  }
  // Second, the RST bit (RFC 5961 §3: only SEG.SEQ = RCV.NXT resets).
  if (f & TCP_RST) return pcb.fire({ type: 'seg.rst', a, acceptable: rstExact(t, seg) });
  // Fourth, the SYN bit.
  if (f & TCP_SYN) return pcb.fire({ type: 'seg.syn', a, repeated: repeatedSyn(t, seg) });
  // Fifth, the ACK field.
  if (!(f & TCP_ACK)) return;
  let finAcked = false;
  if (pcb.is(HANDSHAKE)) {
    pcb.fire({ type: 'seg.ack', a, ackAcceptable: synRcvdAckAcceptable(t, seg.ack) });
    if (pcb.is(HANDSHAKE) || pcb.freed) return;
  } else {
    const range = ackRange(t, seg.ack);
    if (range === 'unsent') return pcb.fire({ type: 'seg.ackUnsent' });
    finAcked = ourFinAcked(t, seg.ack, range);
    if (range !== 'old') ackInput(pcb, seg, range === 'new', payload.length, fin);
    // lwIP tcp_receive: an old ACK is no duplicate either, and ends a run of them.
    else t.dupacks = 0;
    if (pcb.freed) return;
  }
  // Seventh and eighth: the segment text and the FIN.
  let finIn = fin;
  if (pcb.is(RECEIVES_TEXT)) {
    if (payload.length > 0 && pcb.rxClosed) return pcb.fire({ type: 'seg.textAfterClose' });
    finIn = payload.length > 0 || fin ? receiveData(pcb, seg.seq, payload, fin) : false;
    if (pcb.freed) return;
  }
  if (finIn) pcb.fire({ type: 'seg.fin', finAcked });
  else if (finAcked) pcb.fire({ type: 'seg.finAcked' });
}

/**
 * ACK processing in ESTABLISHED and later for SEG.ACK >= SND.UNA: window
 * update, new data acknowledged (RTT, congestion control, NewReno), duplicate
 * ACKs (RFC 5681 §2: no data, no window change, something outstanding).
 */
function ackInput(pcb: Pcb, seg: TcpRepr, isNew: boolean, dataLen: number, fin: boolean): void {
  const t = pcb.tcb;
  const ack = seg.ack;
  const rightEdgeBefore = seqAdd(t.snd_wl2, t.snd_wnd);
  if (seqLt(t.snd_wl1, seg.seq) || (t.snd_wl1 === seg.seq && seqLe(t.snd_wl2, ack))) {
    t.snd_wnd = seg.window;
    if (seg.window > t.snd_wnd_max) t.snd_wnd_max = seg.window;
    t.snd_wl1 = seg.seq;
    t.snd_wl2 = ack;
    if (t.persist_backoff > 0 && t.snd_wnd > 0) stopPersist(pcb);
  }
  if (isNew) return newAck(pcb, ack);
  const outstanding = t.snd_max !== t.snd_una;
  if (dataLen === 0 && !fin && outstanding && seqAdd(ack, seg.window) === rightEdgeBefore) dupAck(pcb);
  // lwIP tcp_receive: an ACK at SND.UNA that is not a duplicate (data, a window change,
  // nothing outstanding) ends a run of duplicates: only consecutive ones trigger fast retransmit.
  else t.dupacks = 0;
}

function dupAck(pcb: Pcb): void {
  const t = pcb.tcb;
  t.dupacks++;
  if (t.dupacks === 3 && !(t.flags & TF_INFR)) {
    const flight = seqDiff(t.snd_max, t.snd_una);
    t.ssthresh = Math.max(flight >> 1, 2 * t.mss);
    t.recover = t.snd_max;
    t.flags |= TF_INFR;
    retransmitFirst(pcb);
    t.cwnd = t.ssthresh + 3 * t.mss;
  } else if (t.dupacks > 3 && t.flags & TF_INFR) {
    t.cwnd += t.mss;
  }
}

function newAck(pcb: Pcb, ack: number): void {
  const t = pcb.tcb;
  const acked = seqDiff(ack, t.snd_una);
  const q = t.snd_queue;
  const start = t.sndQueueStart;
  let data = 0;
  if (seqGt(ack, start)) {
    data = Math.min(seqDiff(ack, start), q.length);
    if (data > 0) q.consume(data);
  }
  t.snd_una = ack;
  if (seqLt(t.snd_nxt, ack)) t.snd_nxt = ack;
  if (t.rttest >= 0 && seqGt(ack, t.rtseq)) rttSample(pcb);
  if (t.flags & TF_INFR) {
    if (seqGe(ack, t.recover)) {
      t.flags &= ~TF_INFR;
      t.cwnd = t.ssthresh;
    } else {
      retransmitFirst(pcb); // NewReno partial ACK
      t.cwnd = Math.max(t.cwnd - acked + t.mss, t.mss);
    }
  } else if (t.cwnd < t.ssthresh) {
    t.cwnd += Math.min(acked, 2 * t.mss);
  } else {
    t.bytes_acked += acked;
    if (t.bytes_acked >= t.cwnd) {
      t.bytes_acked -= t.cwnd;
      t.cwnd += t.mss;
    }
  }
  if (t.cwnd > 0x3fffffff) t.cwnd = 0x3fffffff;
  t.dupacks = 0;
  t.nrtx = 0;
  t.rto = baseRto(pcb);
  if (t.persist_backoff === 0) {
    if (t.snd_max === t.snd_una) pcb.rtx.disarm();
    else restartRtx(pcb);
  }
  if (data > 0) pcb.events.onSent?.(data);
}

/**
 * Queues or delivers data (and FIN) at `seq`; returns true when the peer's
 * FIN is now in order (rcv_nxt has moved past it).
 */
function receiveData(pcb: Pcb, seq: number, data: Uint8Array, fin: boolean): boolean {
  const t = pcb.tcb;
  // Trim what we already have.
  const dup = seqDiff(t.rcv_nxt, seq);
  if (dup > 0) {
    if (dup > data.length) return false; // only an old FIN
    data = data.subarray(dup);
    seq = t.rcv_nxt;
  }
  // Trim to the window.
  const room = t.rcv_wnd - seqDiff(seq, t.rcv_nxt);
  if (data.length > room) {
    data = data.subarray(0, Math.max(0, room));
    fin = false;
  }
  if (seq !== t.rcv_nxt) {
    insertOoseq(t.ooseq, { seq, data, fin });
    t.flags |= TF_ACK_NOW; // duplicate ACK tells the sender about the hole
    return false;
  }
  let finIn = false;
  if (data.length > 0) deliver(pcb, data);
  if (fin) {
    t.rcv_nxt = seqAdd(t.rcv_nxt, 1);
    finIn = true;
  }
  if (t.ooseq.length > 0 && !finIn) {
    finIn = drainOoseq(pcb);
    t.flags |= TF_ACK_NOW;
  } else if (data.length > 0 && !finIn) {
    // Delayed ACK: every second segment is ACKed at once (lwIP tcp_ack).
    if (t.flags & TF_ACK_DELAY) t.flags |= TF_ACK_NOW;
    else {
      t.flags |= TF_ACK_DELAY;
      armDelayedAck(pcb);
    }
  }
  return finIn;
}

function deliver(pcb: Pcb, data: Uint8Array): void {
  const t = pcb.tcb;
  t.rcv_nxt = seqAdd(t.rcv_nxt, data.length);
  t.rcv_wnd -= data.length;
  t.rcv_queued += data.length;
  updateRcvAnnWnd(pcb);
  pcb.host.hot.received(data.length);
  pcb.events.onRecv?.(data);
}

function insertOoseq(q: OoSeg[], s: OoSeg): void {
  let i = q.length;
  while (i > 0 && seqGt(q[i - 1].seq, s.seq)) i--;
  const prev = q[i - 1];
  if (prev && prev.seq === s.seq) {
    if (s.data.length > prev.data.length || s.fin) q[i - 1] = s;
    return;
  }
  q.splice(i, 0, s);
}

function drainOoseq(pcb: Pcb): boolean {
  const t = pcb.tcb;
  const q = t.ooseq;
  while (q.length > 0 && seqLe(q[0].seq, t.rcv_nxt)) {
    const s = q.shift()!;
    const skip = seqDiff(t.rcv_nxt, s.seq);
    if (skip < s.data.length) deliver(pcb, s.data.subarray(skip));
    if (s.fin && seqAdd(s.seq, s.data.length) === t.rcv_nxt) {
      t.rcv_nxt = seqAdd(t.rcv_nxt, 1);
      q.length = 0;
      return true;
    }
  }
  return false;
}
