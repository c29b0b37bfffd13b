/**
 * What an arriving segment is, relative to a connection's TCB: the RFC 9293
 * §3.10.7 checks as plain functions with the RFC's names. input.ts asks each
 * question at most once per segment and hands the answers to the connection's
 * machine (machine.ts), whose named guards decide what happens.
 */
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpRepr } from '../wire/tcp';
import type { Ipv4Addr } from '../wire/types';
import { seqAdd, seqGt, seqLe, seqLt } from './seq';
import { TF_FIN, type Tcb } from './tcb';

/** A segment as it arrived: the parsed header and the addresses of its IPv4 datagram. */
export interface Arrival {
  seg: TcpRepr;
  src: Ipv4Addr;
  dst: Ipv4Addr;
}

/** SEG.LEN: the sequence numbers the segment occupies (data, plus one each for SYN and FIN). */
export function segLen(seg: TcpRepr): number {
  return seg.payload.length + (seg.flags & TCP_SYN ? 1 : 0) + (seg.flags & TCP_FIN ? 1 : 0);
}

/**
 * "First, check sequence number" (§3.10.7.4): the four cases of the
 * acceptability table for SEG.LEN and RCV.WND zero or not.
 */
export function acceptable(rcvNxt: number, rcvWnd: number, seq: number, len: number): boolean {
  if (len === 0) {
    if (rcvWnd === 0) return seq === rcvNxt;
    return seqLe(rcvNxt, seq) && seqLt(seq, seqAdd(rcvNxt, rcvWnd));
  }
  if (rcvWnd === 0) return false;
  const end = seqAdd(seq, len - 1);
  const right = seqAdd(rcvNxt, rcvWnd);
  // lwIP tcp_receive also takes a segment that starts before RCV.NXT and ends
  // past the right edge (a collapsed retransmission wider than a small window):
  // its new part is in the window and is trimmed to it.
  return (
    (seqLe(rcvNxt, seq) && seqLt(seq, right)) || (seqLe(rcvNxt, end) && seqLt(end, right)) || (seqLt(seq, rcvNxt) && seqLe(rcvNxt, end))
  );
}

/**
 * A zero receive window still takes the ACK, window and RST of a segment at
 * exactly RCV.NXT (§3.10.7.4: "valid ACKs, URGs and RSTs"); its text is dropped.
 */
export function zeroWindowUsable(t: Tcb, seg: TcpRepr): boolean {
  return t.rcv_wnd === 0 && seg.seq === t.rcv_nxt && !(seg.flags & TCP_SYN);
}

/** SYN-SENT (§3.10.7.3): the ACK is acceptable when ISS < SEG.ACK =< SND.NXT. */
export function synSentAckAcceptable(t: Tcb, seg: TcpRepr): boolean {
  return (seg.flags & TCP_ACK) !== 0 && seqGt(seg.ack, t.iss) && seqLe(seg.ack, t.snd_max);
}

/** SYN-RECEIVED (§3.10.7.4, fifth): the handshake ACK is acceptable when SND.UNA < SEG.ACK =< SND.NXT. */
export function synRcvdAckAcceptable(t: Tcb, ack: number): boolean {
  return seqLt(t.snd_una, ack) && seqLe(ack, t.snd_max);
}

/**
 * Where SEG.ACK falls in the send sequence space (§3.10.7.4, fifth, for
 * ESTABLISHED and later; SND.NXT read as SND.MAX, the highest ever sent):
 * - 'old':    SEG.ACK < SND.UNA, a duplicate: the ACK field is ignored
 * - 'una':    SEG.ACK = SND.UNA: nothing new (maybe a duplicate ACK, RFC 5681)
 * - 'new':    SND.UNA < SEG.ACK =< SND.NXT: acknowledges new data
 * - 'unsent': SEG.ACK > SND.NXT: acknowledges something not yet sent
 */
export type AckRange = 'old' | 'una' | 'new' | 'unsent';

export function ackRange(t: Tcb, ack: number): AckRange {
  if (seqGt(ack, t.snd_max)) return 'unsent';
  if (seqLt(ack, t.snd_una)) return 'old';
  return ack === t.snd_una ? 'una' : 'new';
}

/**
 * RFC 5961 §3.2: an RST resets the connection only when SEG.SEQ = RCV.NXT;
 * an in-window RST elsewhere gets a challenge ACK.
 */
export function rstExact(t: Tcb, seg: TcpRepr): boolean {
  return seg.seq === t.rcv_nxt;
}

/**
 * The peer repeats its SYN (it lost our SYN-ACK): SEG.SEQ = IRS without an ACK.
 * lwIP answers it in SYN-RECEIVED by retransmitting the SYN-ACK.
 */
export function repeatedSyn(t: Tcb, seg: TcpRepr): boolean {
  return (seg.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN && seg.seq === t.irs;
}

/** The peer's FIN again (our ACK of it was lost): a FIN that ends exactly at RCV.NXT. */
export function retransmittedFin(t: Tcb, seg: TcpRepr, len: number): boolean {
  return (seg.flags & (TCP_FIN | TCP_RST)) === TCP_FIN && seqAdd(seg.seq, len) === t.rcv_nxt;
}

/**
 * "If our FIN is now acknowledged" (§3.10.7.4, fifth): a FIN is queued and
 * this ACK acknowledges new data up to and including it.
 */
export function ourFinAcked(t: Tcb, ack: number, range: AckRange): boolean {
  return (t.flags & TF_FIN) !== 0 && range === 'new' && ack === seqAdd(t.snd_lbb, 1);
}
