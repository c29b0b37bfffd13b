/**
 * The TCB arithmetic of the three-way handshake (RFC 9293 §3.5, §3.10.7.3),
 * run by the machine's actions: recording the peer's SYN, and our SYN being
 * acknowledged.
 */
import type { TcpRepr } from '../wire/tcp';
import { initialCwnd } from './config';
import type { Conn } from './conn';
import { updateRcvAnnWnd } from './output';
import type { Arrival } from './segment';
import { seqAdd, seqGt, seqLt } from './seq';
import { baseRto, rttSample } from './timers';

/** Default MSS when the peer sends no option (RFC 9293 §3.7.1). */
const DEFAULT_MSS = 536;

/** Our MSS, the interface's and the peer's option (536 without one), whichever is smallest. */
export function effectiveMss(c: Conn, seg: TcpRepr): number {
  return Math.max(1, Math.min(c.cfg.mss, c.host.ip.mtu - 40, seg.mss ?? DEFAULT_MSS));
}

/** SYN-SENT took the peer's SYN (with or without ACK): IRS, RCV.NXT, its window and MSS. */
export function takeSyn(c: Conn, a: Arrival): void {
  const t = c.tcb;
  const seg = a.seg;
  t.irs = seg.seq;
  t.rcv_nxt = seqAdd(seg.seq, 1);
  t.rcv_ann_right_edge = t.rcv_nxt;
  t.mss = effectiveMss(c, seg);
  t.snd_wnd = t.snd_wnd_max = seg.window;
  t.snd_wl1 = seg.seq;
  t.tmr = c.sim.now;
  updateRcvAnnWnd(c);
}

/** SYN-SENT took a SYN-ACK that acknowledges our SYN. */
export function takeSynAck(c: Conn, a: Arrival): void {
  takeSyn(c, a);
  c.tcb.snd_wl2 = a.seg.ack;
  synAcked(c, a.seg.ack);
}

/** SYN-RECEIVED took the ACK of our SYN-ACK: the peer's window, and the handshake is done. */
export function takeHandshakeAck(c: Conn, a: Arrival): void {
  const t = c.tcb;
  const seg = a.seg;
  t.snd_wnd = t.snd_wnd_max = seg.window;
  t.snd_wl1 = seg.seq;
  t.snd_wl2 = seg.ack;
  synAcked(c, seg.ack);
}

/** Our SYN is acknowledged: RTT sample, fresh RTO and cwnd, retransmission timer stopped. */
function synAcked(c: Conn, ack: number): void {
  const t = c.tcb;
  t.snd_una = ack;
  if (seqLt(t.snd_nxt, ack)) t.snd_nxt = ack;
  if (t.rttest >= 0 && seqGt(ack, t.rtseq) && t.nrtx === 0) rttSample(c);
  t.rttest = -1;
  t.nrtx = 0;
  t.rto = baseRto(c);
  t.cwnd = initialCwnd(c.cfg, t.mss);
  c.rtx.disarm();
}
