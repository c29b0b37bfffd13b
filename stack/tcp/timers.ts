/**
 * When a connection's timers are due, in virtual time: retransmission and
 * persist (one slot, as in lwIP where persist_backoff > 0 replaces the RTO),
 * delayed ACK, keepalive. RTT estimation per RFC 6298; in lwIP mode with
 * lwIP's own estimator in slow ticks (sa = srtt << 3, sv = rttvar << 2) and
 * its tcp_backoff table. What happens when a timer expires is expire.ts.
 */
import { LWIP_BACKOFF, LWIP_PERSIST_BACKOFF, lwipMode } from './config';
import type { Conn } from './conn';

/** First tick of a `tick`-µs grid strictly after `now`. */
export function nextTick(now: number, tick: number): number {
  return (Math.floor(now / tick) + 1) * tick;
}

/**
 * When a timer of `delay` µs started now expires. lwIP counts slow ticks, so
 * the first (partial) tick counts as a whole one.
 */
export function tickDeadline(c: Conn, delay: number): number {
  const now = c.sim.now;
  const tick = c.cfg.slowTickUs;
  if (tick <= 0) return now + delay;
  const ticks = Math.max(1, Math.round(delay / tick));
  return nextTick(now, tick) + (ticks - 1) * tick;
}

/**
 * lwIP tcp_slowtmr's "(tcp_ticks - pcb->tmr) > timeout / TCP_SLOW_INTERVAL":
 * the first slow tick more than `timeout` after the tick of the last segment
 * received (`tmr`). Linux mode: exactly `timeout` after it.
 */
export function idleDeadline(c: Conn, timeout: number): number {
  const tick = c.cfg.slowTickUs;
  const tmr = c.tcb.tmr;
  if (tick <= 0) return tmr + timeout;
  return (Math.floor(tmr / tick) + Math.floor(timeout / tick) + 1) * tick;
}

/** The RTO from the current estimate, no backoff (lwIP: (sa >> 3) + sv ticks). */
export function baseRto(c: Conn): number {
  const t = c.tcb;
  const cfg = c.cfg;
  if (lwipMode(cfg)) return Math.max(1, (t.sa >> 3) + t.sv) * cfg.slowTickUs;
  if (!t.rtt_sampled) return cfg.initialRtoUs;
  return Math.min(cfg.maxRtoUs, Math.max(cfg.minRtoUs, Math.round(t.sa + 4 * t.sv)));
}

/** Starts timing the segment at `seq` (lwIP: rttest = now, rtseq = seq). */
export function startRttTiming(c: Conn, seq: number): void {
  c.tcb.rttest = c.sim.now;
  c.tcb.rtseq = seq;
}

/** Feeds one RTT measurement (the segment timed since `rttest`, acknowledged now). */
export function rttSample(c: Conn): void {
  const t = c.tcb;
  const cfg = c.cfg;
  const now = c.sim.now;
  if (lwipMode(cfg)) {
    let m = Math.floor(now / cfg.slowTickUs) - Math.floor(t.rttest / cfg.slowTickUs);
    m -= t.sa >> 3;
    t.sa += m;
    if (m < 0) m = -m;
    m -= t.sv >> 2;
    t.sv += m;
  } else {
    const r = now - t.rttest;
    if (!t.rtt_sampled) {
      t.sa = r;
      t.sv = r / 2;
    } else {
      t.sv = 0.75 * t.sv + 0.25 * Math.abs(t.sa - r);
      t.sa = 0.875 * t.sa + 0.125 * r;
    }
  }
  t.rtt_sampled = true;
  t.rttest = -1;
  t.rto = baseRto(c);
}

/** Exponential backoff before retransmission number nrtx + 1. */
export function backoff(c: Conn): void {
  const t = c.tcb;
  const cfg = c.cfg;
  if (lwipMode(cfg)) {
    const shift = LWIP_BACKOFF[Math.min(t.nrtx, LWIP_BACKOFF.length - 1)];
    const ticks = Math.min(Math.max(1, (t.sa >> 3) + t.sv) << shift, 0x7fff);
    t.rto = ticks * cfg.slowTickUs;
  } else {
    t.rto = Math.min(t.rto * 2, cfg.maxRtoUs);
  }
}

/** (Re)starts the retransmission timer for the current RTO. */
export function restartRtx(c: Conn): void {
  c.rtx.arm(tickDeadline(c, c.tcb.rto));
}

export function startPersist(c: Conn): void {
  const t = c.tcb;
  t.persist_backoff = 1;
  t.persist_probe = 0;
  c.rtx.disarm();
  armPersist(c);
}

export function stopPersist(c: Conn): void {
  const t = c.tcb;
  t.persist_backoff = 0;
  t.persist_probe = 0;
  c.rtx.disarm();
  if (t.snd_max !== t.snd_una) restartRtx(c);
}

export function armPersist(c: Conn): void {
  const t = c.tcb;
  const cfg = c.cfg;
  if (lwipMode(cfg)) {
    const ticks = LWIP_PERSIST_BACKOFF[Math.min(t.persist_backoff, LWIP_PERSIST_BACKOFF.length) - 1];
    c.rtx.arm(tickDeadline(c, ticks * cfg.slowTickUs));
  } else {
    c.rtx.arm(c.sim.now + Math.min(baseRto(c) * 2 ** t.persist_probe, cfg.maxRtoUs));
  }
}

/** Arms the delayed-ACK timer (lwIP: the next 250 ms fast tick). */
export function armDelayedAck(c: Conn): void {
  if (c.delack.armed) return;
  const cfg = c.cfg;
  const now = c.sim.now;
  c.delack.arm(lwipMode(cfg) ? nextTick(now, cfg.delayedAckUs) : now + cfg.delayedAckUs);
}

/** When the next keepalive probe is due: idle time, then one interval per probe already sent. */
export function keepaliveDue(c: Conn): number {
  const t = c.tcb;
  const cfg = c.cfg;
  return t.tmr + cfg.keepIdleUs + t.keep_cnt_sent * cfg.keepIntvlUs;
}

export function armKeepalive(c: Conn): void {
  c.keep.arm(keepaliveDue(c));
}
