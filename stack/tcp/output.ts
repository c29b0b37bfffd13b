/**
 * Outgoing segments (lwIP tcp_out.c): cutting the send queue into segments
 * within min(snd_wnd, cwnd), Nagle, FIN piggy-backing, pure ACKs with the
 * receiver's SWS-avoiding window, retransmissions, probes and RSTs.
 */
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, type TcpRepr } from '../wire/tcp';
import { EMPTY_BYTES } from '../wire/types';
import { lwipMode } from './config';
import type { Conn, TcpHost } from './conn';
import type { Arrival } from './segment';
import { segLen } from './segment';
import { seqAdd, seqDiff, seqGt, seqMax } from './seq';
import { SENDS_DATA, SYNCHRONIZED } from './states';
import { TF_ACK_DELAY, TF_ACK_NOW, TF_FIN } from './tcb';
import { restartRtx, startPersist, startRttTiming } from './timers';


/**
 * lwIP tcp_update_rcv_ann_wnd: only move the announced right edge by at least
 * min(TCP_WND/2, MSS) (receiver silly-window avoidance). Returns by how much
 * the announced window grew.
 */
export function updateRcvAnnWnd(c: Conn): number {
  const t = c.tcb;
  const newRight = seqAdd(t.rcv_nxt, t.rcv_wnd);
  const grow = seqDiff(newRight, t.rcv_ann_right_edge);
  if (grow >= Math.min(c.cfg.rcvWnd >> 1, c.cfg.mss)) {
    t.rcv_ann_wnd = t.rcv_wnd;
    return grow;
  }
  const left = seqDiff(t.rcv_ann_right_edge, t.rcv_nxt);
  t.rcv_ann_wnd = left > 0 ? left : 0;
  return 0;
}

/** Sends one segment of this connection (ACK field filled when TCP_ACK is set). */
export function sendSegment(c: Conn, flags: number, seq: number, payload: Uint8Array, mss?: number): void {
  const t = c.tcb;
  const window = Math.min(t.rcv_ann_wnd, 0xffff);
  t.rcv_ann_right_edge = seqAdd(t.rcv_nxt, t.rcv_ann_wnd);
  // The layer's one outgoing header: transmit() has read it by the time it returns.
  const repr = c.host.txSeg;
  repr.srcPort = c.localPort;
  repr.dstPort = c.remotePort;
  repr.seq = seq;
  repr.ack = flags & TCP_ACK ? t.rcv_nxt : 0;
  repr.flags = flags;
  repr.window = window;
  repr.urgent = 0;
  repr.payload = payload;
  repr.mss = mss;
  if (flags & TCP_ACK) {
    t.flags &= ~(TF_ACK_NOW | TF_ACK_DELAY);
    c.delack.disarm();
  }
  c.host.transmit(c.localIp, c.remoteIp, repr);
}

/** Our SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED), first copy or retransmission. */
export function retransmitSyn(c: Conn, withAck: boolean): void {
  const t = c.tcb;
  const flags = withAck ? TCP_SYN | TCP_ACK : TCP_SYN;
  if (!withAck) t.rcv_ann_wnd = Math.min(t.rcv_wnd, 0xffff);
  sendSegment(c, flags, t.iss, EMPTY_BYTES, Math.min(c.cfg.mss, c.host.ip.mtu - 40));
  t.snd_nxt = seqAdd(t.iss, 1);
  t.snd_max = seqMax(t.snd_max, t.snd_nxt);
}

/** Sends the SYN or SYN-ACK and starts the retransmission timer. */
export function sendSynAndArm(c: Conn, withAck: boolean): void {
  const t = c.tcb;
  t.snd_max = t.snd_nxt = t.iss;
  retransmitSyn(c, withAck);
  startRttTiming(c, t.iss);
  restartRtx(c);
}

/** Sends `len` bytes of the send queue starting at `seq` (+ FIN when `fin`). */
function sendData(c: Conn, seq: number, len: number, fin: boolean): void {
  const t = c.tcb;
  const q = t.snd_queue;
  const off = seqDiff(seq, t.sndQueueStart);
  const payload = len > 0 ? q.read(off, len, c.host.slab.alloc) : EMPTY_BYTES;
  let flags = TCP_ACK;
  if (len > 0 && off + len === q.length) flags |= TCP_PSH;
  if (fin) flags |= TCP_FIN;
  sendSegment(c, flags, seq, payload);
  c.host.hot.sent(len);
}

/**
 * lwIP tcp_output: sends as much queued data as the windows, Nagle and the
 * state allow, piggy-backing a pending ACK; else a pure ACK if one is due.
 */
export function tcpOutput(c: Conn): void {
  if (c.freed) return;
  const t = c.tcb;
  let sent = false;
  if (c.is(SENDS_DATA) && t.persist_backoff === 0) {
    const q = t.snd_queue;
    const wnd = Math.min(t.snd_wnd, t.cwnd);
    const finQueued = (t.flags & TF_FIN) !== 0;
    const start = t.sndQueueStart;
    for (;;) {
      const off = seqDiff(t.snd_nxt, start);
      if (off < 0) break; // our SYN is being retransmitted
      const unsent = q.length - off;
      const finPending = finQueued && off <= q.length && !seqGt(t.snd_nxt, t.snd_lbb);
      if (unsent <= 0 && !finPending) break;
      const inflight = seqDiff(t.snd_nxt, t.snd_una);
      const len = unsent > t.mss ? t.mss : unsent > 0 ? unsent : 0;
      if (len > 0 && inflight + len > wnd) {
        // Does not fit: wait for ACKs, or probe a closed/too-small peer window.
        if (wnd === t.snd_wnd && t.snd_max === t.snd_una && len > t.snd_wnd) startPersist(c);
        break;
      }
      // Nagle: hold a small segment while data is unacknowledged.
      if (len < t.mss && inflight > 0 && !c.noDelay && !finQueued && len > 0) break;
      const fin = finPending && off + len === q.length;
      sendData(c, t.snd_nxt, len, fin);
      if (t.rttest < 0) startRttTiming(c, t.snd_nxt);
      t.snd_nxt = seqAdd(t.snd_nxt, fin ? len + 1 : len);
      if (seqGt(t.snd_nxt, t.snd_max)) t.snd_max = t.snd_nxt;
      if (!c.rtx.armed) restartRtx(c);
      sent = true;
      if (fin) break;
    }
  }
  if (!sent && t.flags & TF_ACK_NOW && c.is(SYNCHRONIZED)) sendEmptyAck(c);
}

export function sendEmptyAck(c: Conn): void {
  sendSegment(c, TCP_ACK, c.tcb.snd_nxt, EMPTY_BYTES);
}

/**
 * Retransmits the first unacknowledged segment (fast retransmit, NewReno
 * partial ACK) without moving snd_nxt.
 */
export function retransmitFirst(c: Conn): void {
  const t = c.tcb;
  const q = t.snd_queue;
  const off = seqDiff(t.snd_una, t.sndQueueStart);
  const outstanding = seqDiff(t.snd_max, t.snd_una);
  const dataLeft = q.length - off;
  const len = Math.max(0, Math.min(t.mss, dataLeft, outstanding));
  const fin = (t.flags & TF_FIN) !== 0 && off + len === q.length && seqGt(t.snd_max, t.snd_lbb);
  if (len === 0 && !fin) return;
  sendData(c, t.snd_una, len, fin);
  t.rttest = -1;
  c.count('rtxFast');
}

/** Zero-window probe: one byte of unsent data (lwIP 2.x), or the FIN. */
export function sendPersistProbe(c: Conn): void {
  const t = c.tcb;
  const off = seqDiff(t.snd_nxt, t.sndQueueStart);
  if (t.snd_queue.length - off > 0) {
    sendData(c, t.snd_nxt, 1, false);
    t.snd_max = seqMax(t.snd_max, seqAdd(t.snd_nxt, 1));
  } else {
    sendSegment(c, TCP_ACK, seqAdd(t.snd_nxt, -1), EMPTY_BYTES);
  }
  c.count('txProbe');
}

/**
 * The persist timer with the peer's window open but smaller than the next segment (the update
 * that would have opened it further may have been lost): send what fits from SND.UNA, as lwIP's
 * persist timer does (tcp_split_unsent_seg, then tcp_output) and Linux's tcp_write_wakeup.
 * False when no data waits or the next segment fits (the caller then just runs tcpOutput).
 */
export function sendWindowFill(c: Conn): boolean {
  const t = c.tcb;
  const off = seqDiff(t.snd_una, t.sndQueueStart);
  const unsent = t.snd_queue.length - off;
  if (off < 0 || unsent <= 0 || Math.min(unsent, t.mss) <= t.snd_wnd) return false;
  const len = t.snd_wnd;
  sendData(c, t.snd_una, len, false);
  t.snd_nxt = seqAdd(t.snd_una, len);
  t.snd_max = seqMax(t.snd_max, t.snd_nxt);
  t.rttest = -1; // Karn: it may be a retransmission
  c.count('txProbe');
  return true;
}

/** Keepalive probe: SEQ = SND.NXT - 1, no data (lwIP tcp_keepalive). */
export function sendKeepalive(c: Conn): void {
  sendSegment(c, TCP_ACK, seqAdd(c.tcb.snd_nxt, -1), EMPTY_BYTES);
  c.count('txKeepalive');
}

/** RST|ACK of this connection (abort): SEQ = SND.NXT, ACK = RCV.NXT. */
export function sendConnRst(c: Conn): void {
  sendSegment(c, TCP_RST | TCP_ACK, c.tcb.snd_nxt, EMPTY_BYTES);
  c.count('txRst');
}

/**
 * RST for a segment that belongs to no connection (or has an unacceptable
 * ACK in LISTEN/SYN-SENT/SYN-RECEIVED). RFC 9293: with ACK, <SEQ=SEG.ACK>
 * <CTL=RST>; without, <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. lwIP's
 * tcp_rst always sets ACK (SEQ=SEG.ACK, ACK=SEG.SEQ+SEG.LEN, window TCP_WND).
 */
export function replyRst(host: TcpHost, a: Arrival): void {
  const s = a.seg;
  const lwip = lwipMode(host.cfg);
  const hasAck = (s.flags & TCP_ACK) !== 0;
  const repr: TcpRepr = {
    srcPort: s.dstPort,
    dstPort: s.srcPort,
    seq: hasAck ? s.ack : 0,
    ack: lwip || !hasAck ? seqAdd(s.seq, segLen(s)) : 0,
    flags: lwip || !hasAck ? TCP_RST | TCP_ACK : TCP_RST,
    window: lwip ? Math.min(host.cfg.rcvWnd, 0xffff) : 0,
    urgent: 0,
    payload: EMPTY_BYTES,
    mss: undefined,
    wscale: undefined,
    sackPermitted: undefined,
  };
  host.count('txRst');
  host.transmit(a.dst, a.src, repr);
}
