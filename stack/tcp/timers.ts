/**
 * Per-PCB timers in virtual time: retransmission / persist (one slot, as in
 * lwIP where persist_backoff > 0 replaces the RTO), delayed ACK, keepalive.
 * RTT estimation per RFC 6298; in lwIP mode with lwIP's own estimator in slow
 * ticks (sa = srtt << 3, sv = rttvar << 2) and its tcp_backoff table.
 */
import type { Simulator, TimerId } from '../../sim/simulator';
import { LWIP_BACKOFF, LWIP_PERSIST_BACKOFF, lwipMode } from './config';
import type { Pcb } from './pcb';
import { retransmitSyn, sendKeepalive, sendPersistProbe, tcpOutput } from './output';

/**
 * One timer with a movable deadline. Moving the deadline later does not touch
 * the event heap: the pending event fires early and re-arms itself. That keeps
 * "restart the RTO on every ACK" cheap.
 */
export class TimerSlot {
  private id: TimerId | undefined;
  private evAt = -1;
  due = -1;

  constructor(
    private readonly sim: Simulator,
    private readonly fire: () => void,
  ) {}

  get armed(): boolean {
    return this.due >= 0;
  }

  arm(at: number): void {
    this.due = at;
    if (this.id !== undefined && this.evAt <= at) return;
    if (this.id !== undefined) this.sim.cancel(this.id);
    this.evAt = at;
    this.id = this.sim.at(at, this.onEvent);
  }

  disarm(): void {
    this.due = -1;
    if (this.id !== undefined) this.sim.cancel(this.id);
    this.id = undefined;
  }

  private onEvent = (): void => {
    this.id = undefined;
    if (this.due < 0) return;
    if (this.sim.now < this.due) {
      this.evAt = this.due;
      this.id = this.sim.at(this.due, this.onEvent);
      return;
    }
    this.due = -1;
    this.fire();
  };
}

/** First tick of a `tick`-µs grid strictly after `now`. */
export function nextTick(now: number, tick: number): number {
  return (Math.floor(now / tick) + 1) * tick;
}

/**
 * When a timer of `delay` µs started now expires. lwIP counts slow ticks, so
 * the first (partial) tick counts as a whole one.
 */
export function tickDeadline(pcb: Pcb, delay: number): number {
  const now = pcb.sim.now;
  const tick = pcb.cfg.slowTickUs;
  if (tick <= 0) return now + delay;
  const ticks = Math.max(1, Math.round(delay / tick));
  return nextTick(now, tick) + (ticks - 1) * tick;
}

/** The RTO from the current estimate, no backoff (lwIP: (sa >> 3) + sv ticks). */
export function baseRto(pcb: Pcb): number {
  const t = pcb.tcb;
  const cfg = pcb.cfg;
  if (lwipMode(cfg)) return Math.max(1, (t.sa >> 3) + t.sv) * cfg.slowTickUs;
  if (!t.rttSampled) return cfg.initialRtoUs;
  return Math.min(cfg.maxRtoUs, Math.max(cfg.minRtoUs, Math.round(t.sa + 4 * t.sv)));
}

/** Feeds one RTT measurement (segment timed at rttStartUs, acknowledged now). */
export function rttSample(pcb: Pcb): void {
  const t = pcb.tcb;
  const cfg = pcb.cfg;
  const now = pcb.sim.now;
  if (lwipMode(cfg)) {
    let m = Math.floor(now / cfg.slowTickUs) - Math.floor(t.rttStartUs / cfg.slowTickUs);
    m -= t.sa >> 3;
    t.sa += m;
    if (m < 0) m = -m;
    m -= t.sv >> 2;
    t.sv += m;
  } else {
    const r = now - t.rttStartUs;
    if (!t.rttSampled) {
      t.sa = r;
      t.sv = r / 2;
    } else {
      t.sv = 0.75 * t.sv + 0.25 * Math.abs(t.sa - r);
      t.sa = 0.875 * t.sa + 0.125 * r;
    }
  }
  t.rttSampled = true;
  t.rttest = 0;
  t.rto = baseRto(pcb);
}

/** Exponential backoff before retransmission number nrtx + 1. */
function backoff(pcb: Pcb): void {
  const t = pcb.tcb;
  const cfg = pcb.cfg;
  if (lwipMode(cfg)) {
    const shift = LWIP_BACKOFF[Math.min(t.nrtx, LWIP_BACKOFF.length - 1)];
    const ticks = Math.min(Math.max(1, (t.sa >> 3) + t.sv) << shift, 0x7fff);
    t.rto = ticks * cfg.slowTickUs;
  } else {
    t.rto = Math.min(t.rto * 2, cfg.maxRtoUs);
  }
}

/** (Re)starts the retransmission timer for the current RTO. */
export function restartRtx(pcb: Pcb): void {
  pcb.rtx.arm(tickDeadline(pcb, pcb.tcb.rto));
}

/** The retransmission slot fired: persist probe, retransmission, or give up. */
export function onRtxTimer(pcb: Pcb): void {
  const t = pcb.tcb;
  const cfg = pcb.cfg;
  if (t.persist_backoff > 0) return onPersistTimer(pcb);
  const st = pcb.state;
  // SYN (or SYN-ACK) not yet acknowledged, also after close() in SYN-RECEIVED.
  const handshake = st === 'SYN-SENT' || st === 'SYN-RECEIVED' || t.snd_una === t.iss;
  if (!handshake && t.snd_max === t.snd_una) return;
  if (st === 'CLOSED' || st === 'LISTEN' || st === 'TIME-WAIT') return;
  const limit = st === 'SYN-SENT' ? cfg.synMaxRtx : cfg.maxRtx;
  if (t.nrtx >= limit) {
    pcb.giveUp(st === 'SYN-SENT' ? 'syn-timeout' : 'rtx-timeout');
    return;
  }
  pcb.count('rtxTimeouts');
  if (st === 'SYN-SENT' && lwipMode(cfg)) {
    retransmitSyn(pcb); // lwIP never backs off a SYN
  } else if (handshake) {
    backoff(pcb);
    retransmitSyn(pcb);
  } else {
    backoff(pcb);
    t.ssthresh = Math.max(Math.floor(Math.min(t.cwnd, t.snd_wnd) / 2), 2 * t.mss);
    t.cwnd = t.mss;
    t.bytes_acked = 0;
    t.snd_nxt = t.snd_una; // go-back-N, as lwIP's tcp_rexmit_rto
    t.rttest = 0; // Karn
    t.inRecovery = false;
    t.dupacks = 0;
    tcpOutput(pcb);
  }
  t.nrtx++;
  // lwIP drops the PCB on the first slow tick after its last retransmission.
  if (lwipMode(cfg) && t.nrtx >= limit) pcb.rtx.arm(nextTick(pcb.sim.now, cfg.slowTickUs));
  else restartRtx(pcb);
}

export function startPersist(pcb: Pcb): void {
  const t = pcb.tcb;
  t.persist_backoff = 1;
  t.persist_probe = 0;
  pcb.rtx.disarm();
  armPersist(pcb);
}

export function stopPersist(pcb: Pcb): void {
  const t = pcb.tcb;
  t.persist_backoff = 0;
  t.persist_probe = 0;
  pcb.rtx.disarm();
  if (t.snd_max !== t.snd_una) restartRtx(pcb);
}

function armPersist(pcb: Pcb): void {
  const t = pcb.tcb;
  const cfg = pcb.cfg;
  if (lwipMode(cfg)) {
    const ticks = LWIP_PERSIST_BACKOFF[Math.min(t.persist_backoff, LWIP_PERSIST_BACKOFF.length) - 1];
    pcb.rtx.arm(tickDeadline(pcb, ticks * cfg.slowTickUs));
  } else {
    pcb.rtx.arm(pcb.sim.now + Math.min(baseRto(pcb) * 2 ** t.persist_probe, cfg.maxRtoUs));
  }
}

function onPersistTimer(pcb: Pcb): void {
  const t = pcb.tcb;
  if (t.snd_wnd > 0) {
    stopPersist(pcb);
    tcpOutput(pcb);
    return;
  }
  if (t.persist_probe >= pcb.cfg.maxRtx) {
    pcb.giveUp('rtx-timeout');
    return;
  }
  sendPersistProbe(pcb);
  t.persist_probe++;
  if (t.persist_backoff < LWIP_PERSIST_BACKOFF.length) t.persist_backoff++;
  armPersist(pcb);
}

/** Arms the delayed-ACK timer (lwIP: the next 250 ms fast tick). */
export function armDelayedAck(pcb: Pcb): void {
  if (pcb.delack.armed) return;
  const cfg = pcb.cfg;
  const now = pcb.sim.now;
  pcb.delack.arm(lwipMode(cfg) ? nextTick(now, cfg.delayedAckUs) : now + cfg.delayedAckUs);
}

export function onDelayedAck(pcb: Pcb): void {
  const t = pcb.tcb;
  if (!t.ackDelayed) return;
  t.ackNow = true;
  tcpOutput(pcb);
}

export function armKeepalive(pcb: Pcb): void {
  const t = pcb.tcb;
  const cfg = pcb.cfg;
  pcb.keep.arm(t.lastRxUs + cfg.keepIdleUs + t.keep_cnt_sent * cfg.keepIntvlUs);
}

export function onKeepalive(pcb: Pcb): void {
  const t = pcb.tcb;
  const cfg = pcb.cfg;
  if (!pcb.keepAlive || (pcb.state !== 'ESTABLISHED' && pcb.state !== 'CLOSE-WAIT')) return;
  const due = t.lastRxUs + cfg.keepIdleUs + t.keep_cnt_sent * cfg.keepIntvlUs;
  if (pcb.sim.now < due) return pcb.keep.arm(due);
  if (t.keep_cnt_sent >= cfg.keepCnt) {
    pcb.sendRst();
    pcb.giveUp('keepalive-timeout');
    return;
  }
  sendKeepalive(pcb);
  t.keep_cnt_sent++;
  armKeepalive(pcb);
}
