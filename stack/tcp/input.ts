/**
 * Segment arrival (RFC 9293 §3.10.7, lwIP tcp_in.c): demultiplex, then
 * LISTEN / SYN-SENT / synchronized-state processing in the RFC's order
 * (sequence check, RST, SYN, ACK, data, FIN). State changes are events to the
 * PCB's machine; the rest works on the TCB.
 */
import { bump, type IpDatagram } from '../contracts';
import { parseTcp, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpRepr } from '../wire/tcp';
import { initialCwnd } from './config';
import type { TcpLayer } from './index';
import type { Pcb } from './pcb';
import { replyRst, retransmitFirst, retransmitSyn, tcpOutput, updateRcvAnnWnd } from './output';
import { seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq';
import { armDelayedAck, restartRtx, rttSample, baseRto, stopPersist } from './timers';
import type { OoSeg } from './tcb';

/** Default MSS when the peer sends no option (RFC 9293 §3.7.1). */
const DEFAULT_MSS = 536;

export function tcpInput(layer: TcpLayer, d: IpDatagram): void {
  const r = parseTcp(d.payload, d.src, d.dst);
  if (!r.ok) {
    bump(layer.counters, r.error.kind === 'checksum' ? 'rxBadChecksum' : 'rxMalformed');
    return;
  }
  const seg = r.value;
  layer.counters.rxSegments = (layer.counters.rxSegments ?? 0) + 1;
  layer.traceSeg('rx', seg);
  const pcb = layer.lookup(seg.dstPort, d.src, seg.srcPort);
  if (pcb) {
    if (pcb.state === 'SYN-SENT') synSentInput(pcb, seg, d);
    else synchronizedInput(pcb, seg, d);
    if (!pcb.freed) tcpOutput(pcb);
    return;
  }
  const listener = layer.findListener(d.dst, seg.dstPort);
  if (listener) return listenInput(listener, seg, d);
  bump(layer.counters, 'rxNoPcb');
  if (!(seg.flags & TCP_RST)) replyRst(layer, { src: d.src, dst: d.dst, seg });
}

function effectiveMss(pcb: Pcb, seg: TcpRepr): number {
  return Math.max(1, Math.min(pcb.cfg.mss, pcb.layer.ip.mtu - 40, seg.mss ?? DEFAULT_MSS));
}

/** LISTEN: a SYN makes a child PCB in SYN-RECEIVED (if the backlog has room). */
function listenInput(l: Pcb, seg: TcpRepr, d: IpDatagram): void {
  const f = seg.flags;
  if (f & TCP_RST) return;
  if (f & TCP_ACK) return replyRst(l.layer, { src: d.src, dst: d.dst, seg });
  if (!(f & TCP_SYN)) return;
  if (l.acceptsPending >= l.backlog) {
    bump(l.layer.counters, 'listenOverflow');
    return;
  }
  const c = l.layer.newPcb(true);
  c.localIp = d.dst;
  c.localPort = l.localPort;
  c.remoteIp = d.src;
  c.remotePort = seg.srcPort;
  c.bound = true;
  c.reuseAddr = l.reuseAddr;
  c.noDelay = l.noDelay;
  c.keepAlive = l.keepAlive;
  c.joinBacklog(l);
  const t = c.tcb;
  t.irs = seg.seq;
  t.rcv_nxt = (seg.seq + 1) >>> 0;
  t.iss = l.layer.newIss();
  t.snd_una = t.snd_nxt = t.snd_max = t.iss;
  t.sndBufSeq = (t.iss + 1) >>> 0;
  t.snd_wnd = t.snd_wnd_max = seg.window;
  t.snd_wl1 = seg.seq;
  t.snd_wl2 = t.iss;
  t.mss = effectiveMss(c, seg);
  t.cwnd = initialCwnd(c.cfg, t.mss);
  t.rcv_ann_wnd = t.rcv_wnd;
  t.lastRxUs = c.sim.now;
  l.layer.addConnection(c);
  c.fireQuiet({ type: 'app.listen' });
  c.fire({ type: 'seg.syn' });
}

/** SYN-SENT (RFC 9293 §3.10.7.3). */
function synSentInput(pcb: Pcb, seg: TcpRepr, d: IpDatagram): void {
  const t = pcb.tcb;
  const f = seg.flags;
  if (f & TCP_ACK && (seqLe(seg.ack, t.iss) || seqGt(seg.ack, t.snd_max))) {
    if (!(f & TCP_RST)) replyRst(pcb.layer, { src: d.src, dst: d.dst, seg });
    return;
  }
  if (f & TCP_RST) {
    if (f & TCP_ACK) pcb.fire({ type: 'seg.rst' });
    return;
  }
  if (!(f & TCP_SYN)) return;
  t.irs = seg.seq;
  t.rcv_nxt = (seg.seq + 1) >>> 0;
  t.rcv_ann_right_edge = t.rcv_nxt;
  t.mss = effectiveMss(pcb, seg);
  t.snd_wnd = t.snd_wnd_max = seg.window;
  t.snd_wl1 = seg.seq;
  t.lastRxUs = pcb.sim.now;
  updateRcvAnnWnd(pcb);
  if (f & TCP_ACK) {
    t.snd_wl2 = seg.ack;
    synAcked(pcb, seg.ack);
    pcb.fire({ type: 'seg.synAck' });
  } else {
    // Simultaneous open: our SYN-ACK repeats our ISS.
    pcb.fire({ type: 'seg.syn' });
  }
}

/** Our SYN is acknowledged: the handshake is done on our side. */
function synAcked(pcb: Pcb, ack: number): void {
  const t = pcb.tcb;
  t.snd_una = ack;
  if (seqLt(t.snd_nxt, ack)) t.snd_nxt = ack;
  if (t.rttest && seqGt(ack, t.rttSeq) && t.nrtx === 0) rttSample(pcb);
  t.rttest = 0;
  t.nrtx = 0;
  t.rto = baseRto(pcb);
  t.cwnd = initialCwnd(pcb.cfg, t.mss);
  pcb.rtx.disarm();
}

/** Is a segment of `len` sequence numbers at `seq` inside the receive window (RFC 9293 table)? */
export function acceptable(rcvNxt: number, rcvWnd: number, seq: number, len: number): boolean {
  if (len === 0) {
    if (rcvWnd === 0) return seq === rcvNxt;
    return seqLe(rcvNxt, seq) && seqLt(seq, (rcvNxt + rcvWnd) >>> 0);
  }
  if (rcvWnd === 0) return false;
  const end = (seq + len - 1) >>> 0;
  const right = (rcvNxt + rcvWnd) >>> 0;
  return (seqLe(rcvNxt, seq) && seqLt(seq, right)) || (seqLe(rcvNxt, end) && seqLt(end, right));
}

/** Every state after SYN-SENT. */
function synchronizedInput(pcb: Pcb, seg: TcpRepr, d: IpDatagram): void {
  const t = pcb.tcb;
  const f = seg.flags;
  let payload = seg.payload;
  let fin = (f & TCP_FIN) !== 0;
  const segLen = payload.length + (f & TCP_SYN ? 1 : 0) + (fin ? 1 : 0);
  t.lastRxUs = pcb.sim.now;
  t.keep_cnt_sent = 0;

  // The peer lost our SYN-ACK and repeats its SYN (lwIP: tcp_rexmit).
  if (pcb.state === 'SYN-RECEIVED' && f & TCP_SYN && !(f & TCP_ACK) && seg.seq === t.irs) {
    retransmitSyn(pcb);
    return;
  }
  // TIME-WAIT: a retransmitted FIN is ACKed again and restarts 2·MSL.
  if (pcb.state === 'TIME-WAIT' && fin && !(f & TCP_RST) && ((seg.seq + segLen) >>> 0) === t.rcv_nxt) {
    pcb.fire({ type: 'seg.fin', finAcked: true });
    return;
  }
  // 1. Sequence number check.
  if (!acceptable(t.rcv_nxt, t.rcv_wnd, seg.seq, segLen)) {
    if (t.rcv_wnd === 0 && seg.seq === t.rcv_nxt && !(f & TCP_SYN)) {
      // Zero window: still take the ACK (RFC 9293 §3.10.7.4), drop the data.
      payload = payload.subarray(0, 0);
      fin = false;
      t.ackNow = true;
    } else {
      bump(pcb.layer.counters, 'rxOutOfWindow');
      if (!(f & TCP_RST)) t.ackNow = true;
      return;
    }
  }
  // 2. RST (RFC 5961 §3: exact match resets, in-window gets a challenge ACK).
  if (f & TCP_RST) {
    if (seg.seq !== t.rcv_nxt) {
      t.ackNow = true;
      return;
    }
    pcb.fire({ type: 'seg.rst' });
    return;
  }
  // 3. SYN in a synchronized state: challenge ACK (RFC 5961 §4).
  if (f & TCP_SYN) {
    t.ackNow = true;
    return;
  }
  // 4. ACK.
  if (!(f & TCP_ACK)) return;
  if (pcb.state === 'SYN-RECEIVED') {
    if (!(seqLt(t.snd_una, seg.ack) && seqLe(seg.ack, t.snd_max))) {
      replyRst(pcb.layer, { src: d.src, dst: d.dst, seg });
      return;
    }
    t.snd_wnd = t.snd_wnd_max = seg.window;
    t.snd_wl1 = seg.seq;
    t.snd_wl2 = seg.ack;
    synAcked(pcb, seg.ack);
    pcb.fire({ type: 'seg.ack' });
    if (pcb.freed) return;
  } else if (!ackInput(pcb, seg, payload.length, fin)) {
    return;
  }
  if (pcb.freed) return;
  const st = pcb.state;
  const ourFinAcked = t.finQueued && t.snd_una === ((t.finSeq + 1) >>> 0);
  if (ourFinAcked && (st === 'CLOSING' || st === 'LAST-ACK')) {
    pcb.fire({ type: 'seg.finAcked' });
    return;
  }
  if (st === 'TIME-WAIT') return;
  // 6-7. Data and FIN.
  let finIn = false;
  if (st === 'ESTABLISHED' || st === 'FIN-WAIT-1' || st === 'FIN-WAIT-2') {
    if (payload.length > 0 && pcb.rxClosed()) {
      // lwIP: data after close() → abort with RST.
      bump(pcb.layer.counters, 'rxAfterClose');
      pcb.abort();
      return;
    }
    if (payload.length > 0 || fin) finIn = receiveData(pcb, seg.seq, payload, fin);
    if (pcb.freed) return;
  } else if (fin) {
    t.ackNow = true; // a repeated FIN (CLOSE-WAIT, CLOSING)
  }
  if (pcb.state === 'FIN-WAIT-1') {
    if (finIn) pcb.fire({ type: 'seg.fin', finAcked: ourFinAcked });
    else if (ourFinAcked) pcb.fire({ type: 'seg.finAcked' });
  } else if (finIn) {
    pcb.fire({ type: 'seg.fin', finAcked: false });
  }
}

/**
 * ACK processing in ESTABLISHED and later: window update, new data
 * acknowledged (RTT, congestion control, NewReno), duplicate ACKs. Returns
 * false when the segment must be dropped.
 */
function ackInput(pcb: Pcb, seg: TcpRepr, dataLen: number, fin: boolean): boolean {
  const t = pcb.tcb;
  const ack = seg.ack;
  if (seqGt(ack, t.snd_max)) {
    t.ackNow = true;
    return false;
  }
  if (seqLt(ack, t.snd_una)) return true; // old duplicate: ignore the ACK field
  const rightEdgeBefore = (t.snd_wl2 + t.snd_wnd) >>> 0;
  if (seqLt(t.snd_wl1, seg.seq) || (t.snd_wl1 === seg.seq && seqLe(t.snd_wl2, ack))) {
    t.snd_wnd = seg.window;
    if (seg.window > t.snd_wnd_max) t.snd_wnd_max = seg.window;
    t.snd_wl1 = seg.seq;
    t.snd_wl2 = ack;
    if (t.persist_backoff > 0 && t.snd_wnd > 0) stopPersist(pcb);
  }
  if (ack === t.snd_una) {
    const outstanding = t.snd_max !== t.snd_una;
    if (dataLen === 0 && !fin && outstanding && ((ack + seg.window) >>> 0) === rightEdgeBefore) dupAck(pcb);
    return true;
  }
  newAck(pcb, ack);
  return true;
}

function dupAck(pcb: Pcb): void {
  const t = pcb.tcb;
  t.dupacks++;
  if (t.dupacks === 3 && !t.inRecovery) {
    const flight = (t.snd_max - t.snd_una) | 0;
    t.ssthresh = Math.max(flight >> 1, 2 * t.mss);
    t.recover = t.snd_max;
    t.inRecovery = true;
    retransmitFirst(pcb);
    t.cwnd = t.ssthresh + 3 * t.mss;
  } else if (t.dupacks > 3 && t.inRecovery) {
    t.cwnd += t.mss;
  }
}

function newAck(pcb: Pcb, ack: number): void {
  const t = pcb.tcb;
  const acked = seqDiff(ack, t.snd_una);
  let data = 0;
  if (seqGt(ack, t.sndBufSeq)) {
    data = Math.min(seqDiff(ack, t.sndBufSeq), t.unsent_unacked.length);
    if (data > 0) {
      t.unsent_unacked.consume(data);
      t.sndBufSeq = (t.sndBufSeq + data) >>> 0;
    }
  }
  t.snd_una = ack;
  if (seqLt(t.snd_nxt, ack)) t.snd_nxt = ack;
  if (t.rttest && seqGt(ack, t.rttSeq)) rttSample(pcb);
  if (t.inRecovery) {
    if (seqGe(ack, t.recover)) {
      t.inRecovery = false;
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
    t.ackNow = true; // duplicate ACK tells the sender about the hole
    return false;
  }
  let finIn = false;
  if (data.length > 0) deliver(pcb, data);
  if (fin) {
    t.rcv_nxt = (t.rcv_nxt + 1) >>> 0;
    finIn = true;
  }
  if (t.ooseq.length > 0 && !finIn) {
    finIn = drainOoseq(pcb);
    t.ackNow = true;
  } else if (data.length > 0 && !finIn) {
    // Delayed ACK: every second segment is ACKed at once (lwIP tcp_ack).
    if (t.ackDelayed) t.ackNow = true;
    else {
      t.ackDelayed = true;
      armDelayedAck(pcb);
    }
  }
  return finIn;
}

function deliver(pcb: Pcb, data: Uint8Array): void {
  const t = pcb.tcb;
  t.rcv_nxt = (t.rcv_nxt + data.length) >>> 0;
  t.rcv_wnd -= data.length;
  t.rcvQueued += data.length;
  updateRcvAnnWnd(pcb);
  pcb.count('rxData', data.length);
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
    if (s.fin && ((s.seq + s.data.length) >>> 0) === t.rcv_nxt) {
      t.rcv_nxt = (t.rcv_nxt + 1) >>> 0;
      q.length = 0;
      return true;
    }
  }
  return false;
}
