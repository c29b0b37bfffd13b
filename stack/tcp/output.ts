/**
 * Outgoing segments (lwIP tcp_out.c): cutting the send buffer into segments
 * within min(snd_wnd, cwnd), Nagle, FIN piggy-backing, pure ACKs with the
 * receiver's SWS-avoiding window, retransmissions, probes and RSTs.
 */
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, type TcpRepr } from '../wire/tcp';
import type { Ipv4Addr } from '../wire/types';
import type { TcpStateName } from './api';
import { lwipMode } from './config';
import type { Pcb } from './pcb';
import { seqGt, seqMax } from './seq';
import { restartRtx, startPersist } from './timers';

const EMPTY = new Uint8Array(0);

/** States in which queued data (and our FIN) may be sent. */
export function canSendData(st: TcpStateName): boolean {
  return st === 'ESTABLISHED' || st === 'CLOSE-WAIT' || st === 'FIN-WAIT-1' || st === 'CLOSING' || st === 'LAST-ACK';
}

/** Synchronized states: every segment carries ACK. */
export function synchronized(st: TcpStateName): boolean {
  return st !== 'CLOSED' && st !== 'LISTEN' && st !== 'SYN-SENT';
}

/**
 * lwIP tcp_update_rcv_ann_wnd: only move the announced right edge by at least
 * min(TCP_WND/2, MSS) (receiver silly-window avoidance). Returns by how much
 * the announced window grew.
 */
export function updateRcvAnnWnd(pcb: Pcb): number {
  const t = pcb.tcb;
  const newRight = (t.rcv_nxt + t.rcv_wnd) >>> 0;
  const grow = (newRight - t.rcv_ann_right_edge) | 0;
  if (grow >= Math.min(pcb.cfg.rcvWnd >> 1, pcb.cfg.mss)) {
    t.rcv_ann_wnd = t.rcv_wnd;
    return grow;
  }
  const left = (t.rcv_ann_right_edge - t.rcv_nxt) | 0;
  t.rcv_ann_wnd = left > 0 ? left : 0;
  return 0;
}

/** Sends one segment of this connection (ACK field filled when TCP_ACK is set). */
export function sendSegment(pcb: Pcb, flags: number, seq: number, payload: Uint8Array, mss?: number): void {
  const t = pcb.tcb;
  const window = Math.min(t.rcv_ann_wnd, 0xffff);
  t.rcv_ann_right_edge = (t.rcv_nxt + t.rcv_ann_wnd) >>> 0;
  const repr: TcpRepr = {
    srcPort: pcb.localPort,
    dstPort: pcb.remotePort,
    seq,
    ack: flags & TCP_ACK ? t.rcv_nxt : 0,
    flags,
    window,
    urgent: 0,
    payload,
  };
  if (mss !== undefined) repr.mss = mss;
  if (flags & TCP_ACK) {
    t.ackNow = false;
    t.ackDelayed = false;
    pcb.delack.disarm();
  }
  pcb.layer.transmit(pcb.localIp, pcb.remoteIp, repr);
}

/** Our SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED), first copy or retransmission. */
export function retransmitSyn(pcb: Pcb, withAck = pcb.state !== 'SYN-SENT'): void {
  const t = pcb.tcb;
  const flags = withAck ? TCP_SYN | TCP_ACK : TCP_SYN;
  if (!withAck) t.rcv_ann_wnd = Math.min(t.rcv_wnd, 0xffff);
  sendSegment(pcb, flags, t.iss, EMPTY, Math.min(pcb.cfg.mss, pcb.layer.ip.mtu - 40));
  t.snd_nxt = (t.iss + 1) >>> 0;
  t.snd_max = seqMax(t.snd_max, t.snd_nxt);
}

/** Sends the SYN or SYN-ACK and starts the retransmission timer. */
export function sendSynAndArm(pcb: Pcb, withAck: boolean): void {
  const t = pcb.tcb;
  t.snd_max = t.snd_nxt = t.iss;
  retransmitSyn(pcb, withAck);
  t.rttest = 1;
  t.rttSeq = t.iss;
  t.rttStartUs = pcb.sim.now;
  restartRtx(pcb);
}

/** Sends `len` bytes of the send buffer starting at `seq` (+ FIN when `fin`). */
function sendData(pcb: Pcb, seq: number, len: number, fin: boolean): void {
  const t = pcb.tcb;
  const off = (seq - t.sndBufSeq) | 0;
  const buf = t.unsent_unacked;
  const payload = len > 0 ? buf.read(off, len) : EMPTY;
  let flags = TCP_ACK;
  if (len > 0 && off + len === buf.length) flags |= TCP_PSH;
  if (fin) flags |= TCP_FIN;
  sendSegment(pcb, flags, seq, payload);
  pcb.count('txData', len);
}

/**
 * lwIP tcp_output: sends as much queued data as the windows, Nagle and the
 * state allow, piggy-backing a pending ACK; else a pure ACK if one is due.
 */
export function tcpOutput(pcb: Pcb): void {
  if (pcb.freed) return;
  const t = pcb.tcb;
  const st = pcb.state;
  let sent = false;
  if (canSendData(st) && t.persist_backoff === 0) {
    const buf = t.unsent_unacked;
    const wnd = Math.min(t.snd_wnd, t.cwnd);
    for (;;) {
      const off = (t.snd_nxt - t.sndBufSeq) | 0;
      if (off < 0) break; // our SYN is being retransmitted
      const unsent = buf.length - off;
      const finPending = t.finQueued && off <= buf.length && !seqGt(t.snd_nxt, t.finSeq);
      if (unsent <= 0 && !finPending) break;
      const inflight = (t.snd_nxt - t.snd_una) | 0;
      const len = unsent > t.mss ? t.mss : unsent > 0 ? unsent : 0;
      if (len > 0 && inflight + len > wnd) {
        // Does not fit: wait for ACKs, or probe a closed/too-small peer window.
        if (wnd === t.snd_wnd && t.snd_max === t.snd_una && len > t.snd_wnd) startPersist(pcb);
        break;
      }
      // Nagle: hold a small segment while data is unacknowledged.
      if (len < t.mss && inflight > 0 && !pcb.noDelay && !t.finQueued && len > 0) break;
      const fin = finPending && off + len === buf.length;
      sendData(pcb, t.snd_nxt, len, fin);
      if (t.rttest === 0) {
        t.rttest = 1;
        t.rttSeq = t.snd_nxt;
        t.rttStartUs = pcb.sim.now;
      }
      t.snd_nxt = (t.snd_nxt + len + (fin ? 1 : 0)) >>> 0;
      if (seqGt(t.snd_nxt, t.snd_max)) t.snd_max = t.snd_nxt;
      if (!pcb.rtx.armed) restartRtx(pcb);
      sent = true;
      if (fin) break;
    }
  }
  if (!sent && t.ackNow && synchronized(st)) sendEmptyAck(pcb);
}

export function sendEmptyAck(pcb: Pcb): void {
  sendSegment(pcb, TCP_ACK, pcb.tcb.snd_nxt, EMPTY);
}

/**
 * Retransmits the first unacknowledged segment (fast retransmit, NewReno
 * partial ACK) without moving snd_nxt.
 */
export function retransmitFirst(pcb: Pcb): void {
  const t = pcb.tcb;
  const off = (t.snd_una - t.sndBufSeq) | 0;
  const outstanding = (t.snd_max - t.snd_una) | 0;
  const dataLeft = t.unsent_unacked.length - off;
  const len = Math.max(0, Math.min(t.mss, dataLeft, outstanding));
  const fin = t.finQueued && off + len === t.unsent_unacked.length && seqGt(t.snd_max, t.finSeq);
  if (len === 0 && !fin) return;
  sendData(pcb, t.snd_una, len, fin);
  t.rttest = 0;
  pcb.count('rtxFast');
}

/** Zero-window probe: one byte of unsent data (lwIP 2.x), or the FIN. */
export function sendPersistProbe(pcb: Pcb): void {
  const t = pcb.tcb;
  const off = (t.snd_nxt - t.sndBufSeq) | 0;
  if (t.unsent_unacked.length - off > 0) {
    sendData(pcb, t.snd_nxt, 1, false);
    t.snd_max = seqMax(t.snd_max, (t.snd_nxt + 1) >>> 0);
  } else {
    sendSegment(pcb, TCP_ACK, (t.snd_nxt - 1) >>> 0, EMPTY);
  }
  pcb.count('txProbe');
}

/** Keepalive probe: SEQ = SND.NXT - 1, no data (lwIP tcp_keepalive). */
export function sendKeepalive(pcb: Pcb): void {
  sendSegment(pcb, TCP_ACK, (pcb.tcb.snd_nxt - 1) >>> 0, EMPTY);
  pcb.count('txKeepalive');
}

/** RST|ACK of this connection (abort): SEQ = SND.NXT, ACK = RCV.NXT. */
export function sendConnRst(pcb: Pcb): void {
  sendSegment(pcb, TCP_RST | TCP_ACK, pcb.tcb.snd_nxt, EMPTY);
  pcb.count('txRst');
}

/** The segment a reset answers, as far as the reply needs it. */
export interface RstTrigger {
  src: Ipv4Addr;
  dst: Ipv4Addr;
  seg: TcpRepr;
}

/**
 * RST for a segment that belongs to no connection (or has an unacceptable
 * ACK in LISTEN/SYN-SENT/SYN-RECEIVED). RFC 9293: with ACK, <SEQ=SEG.ACK>
 * <CTL=RST>; without, <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. lwIP's
 * tcp_rst always sets ACK (SEQ=SEG.ACK, ACK=SEG.SEQ+SEG.LEN, window TCP_WND).
 */
export function replyRst(layer: Pcb['layer'], trig: RstTrigger): void {
  const s = trig.seg;
  const segLen = s.payload.length + (s.flags & TCP_SYN ? 1 : 0) + (s.flags & TCP_FIN ? 1 : 0);
  const lwip = lwipMode(layer.cfg);
  const hasAck = (s.flags & TCP_ACK) !== 0;
  const repr: TcpRepr = {
    srcPort: s.dstPort,
    dstPort: s.srcPort,
    seq: hasAck ? s.ack : 0,
    ack: lwip || !hasAck ? (s.seq + segLen) >>> 0 : 0,
    flags: lwip || !hasAck ? TCP_RST | TCP_ACK : TCP_RST,
    window: lwip ? Math.min(layer.cfg.rcvWnd, 0xffff) : 0,
    urgent: 0,
    payload: EMPTY,
  };
  layer.count('txRst');
  layer.transmit(trig.dst, trig.src, repr);
}
