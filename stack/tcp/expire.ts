/**
 * What happens when a connection's timer expires (lwIP tcp_slowtmr and
 * tcp_fasttmr, per PCB): retransmission or give-up, zero-window probes,
 * the delayed ACK, keepalive probes.
 */
import { LWIP_PERSIST_BACKOFF, lwipMode } from './config';
import type { Conn } from './conn';
import { retransmitSyn, sendKeepalive, sendPersistProbe, sendWindowFill, tcpOutput } from './output';
import { HANDSHAKE, KEEPALIVE, RETRANSMITS, SYNCHRONIZED } from './states';
import { TF_ACK_DELAY, TF_ACK_NOW, TF_INFR } from './tcb';
import { armKeepalive, armPersist, backoff, keepaliveDue, nextTick, restartRtx, stopPersist } from './timers';

/** The retransmission slot fired: persist probe, retransmission, or give up. */
export function onRtxTimer(c: Conn): void {
  const t = c.tcb;
  const cfg = c.cfg;
  if (t.persist_backoff > 0) return onPersistTimer(c);
  // SYN-SENT: our SYN is out and nothing is synchronized yet.
  const synSent = c.is(HANDSHAKE) && !c.is(SYNCHRONIZED);
  // SYN (or SYN-ACK) not yet acknowledged, also after close() in SYN-RECEIVED.
  const handshake = c.is(HANDSHAKE) || t.snd_una === t.iss;
  if (!handshake && t.snd_max === t.snd_una) return;
  if (!c.is(RETRANSMITS)) return;
  const limit = synSent ? cfg.synMaxRtx : cfg.maxRtx;
  if (t.nrtx >= limit) {
    c.giveUp(synSent ? 'syn-timeout' : 'rtx-timeout');
    return;
  }
  c.count('rtxTimeouts');
  if (synSent && lwipMode(cfg)) {
    retransmitSyn(c, false); // lwIP never backs off a SYN
  } else if (handshake) {
    backoff(c);
    retransmitSyn(c, c.is(SYNCHRONIZED));
  } else {
    backoff(c);
    t.ssthresh = Math.max(Math.floor(Math.min(t.cwnd, t.snd_wnd) / 2), 2 * t.mss);
    t.cwnd = t.mss;
    t.bytes_acked = 0;
    t.snd_nxt = t.snd_una; // go-back-N, as lwIP's tcp_rexmit_rto
    t.rttest = -1; // Karn
    t.flags &= ~TF_INFR;
    t.dupacks = 0;
    tcpOutput(c);
  }
  t.nrtx++;
  // lwIP drops the PCB on the first slow tick after its last retransmission.
  if (lwipMode(cfg) && t.nrtx >= limit) c.rtx.arm(nextTick(c.sim.now, cfg.slowTickUs));
  else restartRtx(c);
}

function onPersistTimer(c: Conn): void {
  const t = c.tcb;
  if (t.persist_probe >= c.cfg.maxRtx) {
    c.giveUp('rtx-timeout');
    return;
  }
  // A window too small for the next segment: fill it (without this, a lost window update left
  // both ends waiting for ever). A window the next segment fits in: just send.
  if (t.snd_wnd > 0 && !sendWindowFill(c)) {
    stopPersist(c);
    tcpOutput(c);
    return;
  }
  if (t.snd_wnd === 0) sendPersistProbe(c);
  t.persist_probe++;
  if (t.persist_backoff < LWIP_PERSIST_BACKOFF.length) t.persist_backoff++;
  armPersist(c);
}

export function onDelayedAck(c: Conn): void {
  const t = c.tcb;
  if (!(t.flags & TF_ACK_DELAY)) return;
  t.flags |= TF_ACK_NOW;
  tcpOutput(c);
}

export function onKeepalive(c: Conn): void {
  const t = c.tcb;
  if (!c.keepAlive || !c.is(KEEPALIVE)) return;
  const due = keepaliveDue(c);
  if (c.sim.now < due) return c.keep.arm(due);
  if (t.keep_cnt_sent >= c.cfg.keepCnt) {
    c.sendRst();
    c.giveUp('keepalive-timeout');
    return;
  }
  sendKeepalive(c);
  t.keep_cnt_sent++;
  armKeepalive(c);
}
