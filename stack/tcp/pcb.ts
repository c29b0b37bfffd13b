/**
 * A protocol control block: the socket layer's handle (TcpPcb), the TCB, the
 * connection's xstate actor and its timers. State changes go through the
 * actor; the data path works on the TCB directly.
 */
import { createActor, type Actor } from 'xstate';
import type { Simulator } from '../../sim/simulator';
import { TCP_RST } from '../wire/tcp';
import type { Ipv4Addr } from '../wire/types';
import type { TcpConfig, TcpError, TcpPcb, TcpPcbEvents, TcpStateName } from './api';
import type { Conn, TcpHost } from './conn';
import { onDelayedAck, onKeepalive, onRtxTimer } from './expire';
import { takeHandshakeAck, takeSyn, takeSynAck } from './handshake';
import { tcpMachine, type MachineHooks, type StateTimerKind, type TcpMachine, type TcpMachineEvent } from './machine';
import { replyRst, retransmitSyn, sendConnRst, sendSynAndArm, tcpOutput, updateRcvAnnWnd } from './output';
import type { Arrival } from './segment';
import { KEEPALIVE, STATE_TAGS, WRITABLE } from './states';
import { seqAdd } from './seq';
import { Tcb, TF_ACK_NOW, TF_FIN } from './tcb';
import { TimerSlot } from './timer-slot';
import { armKeepalive, idleDeadline } from './timers';

export class Pcb implements TcpPcb, MachineHooks, Conn {
  state: TcpStateName = 'CLOSED';
  /** The state's tag bits (states.ts). */
  private tags = 0;
  /** lwIP TF_RXCLOSED, as the machine's context holds it. */
  private rxClosedNow = false;
  localIp: Ipv4Addr = 0;
  localPort = 0;
  remoteIp: Ipv4Addr = 0;
  remotePort = 0;
  events: TcpPcbEvents = {};
  reuseAddr = false;
  noDelay = false;
  private _keepAlive = false;

  readonly tcb: Tcb;
  readonly cfg: TcpConfig;
  readonly sim: Simulator;
  readonly rtx: TimerSlot;
  /** Disarmed by nearly every ACK sent: a `reserved` slot (timer-slot.ts). */
  readonly delack: TimerSlot;
  readonly keep: TimerSlot;
  /** The current state's deadline: SYN-RECEIVED, FIN-WAIT-2, TIME-WAIT (smoltcp's one timer per state). */
  readonly stateTimer: TimerSlot;
  private stateTimerKind: StateTimerKind = 'twoMsl';
  private readonly actor: Actor<TcpMachine>;
  /** App notifications produced by machine actions, run once the state is updated. */
  private pending: (() => void)[] = [];
  private quiet = false;

  bound = false;
  /** Registered in the connection table (has a remote end). */
  connected = false;
  freed = false;
  /** Listener that created this PCB (passive open), until accepted or freed. */
  listener: Pcb | undefined;
  backlog = 0;
  acceptsPending = 0;
  private countedInBacklog = false;

  constructor(
    readonly host: TcpHost,
    readonly id: number,
    readonly passive = false,
  ) {
    this.cfg = host.cfg;
    this.sim = host.sim;
    this.tcb = new Tcb(host.cfg);
    this.rtx = new TimerSlot(this.sim, () => onRtxTimer(this));
    this.delack = new TimerSlot(this.sim, () => onDelayedAck(this), true);
    this.keep = new TimerSlot(this.sim, () => onKeepalive(this));
    this.stateTimer = new TimerSlot(this.sim, () => this.onStateTimer());
    this.actor = createActor(tcpMachine, {
      clock: this.sim.clock,
      input: { hooks: this, passive },
    });
    this.actor.subscribe((snap) => this.sync(snap.value as TcpStateName, snap.context.rxClosed));
    this.actor.start();
  }

  get keepAlive(): boolean {
    return this._keepAlive;
  }

  set keepAlive(on: boolean) {
    this._keepAlive = on;
    if (on && this.is(KEEPALIVE)) armKeepalive(this);
    if (!on) this.keep.disarm();
  }

  get rcvQueued(): number {
    return this.tcb.rcv_queued;
  }

  /** close() was called: data arriving now is answered with RST (lwIP TF_RXCLOSED). */
  get rxClosed(): boolean {
    return this.rxClosedNow;
  }

  is(tags: number): boolean {
    return (this.tags & tags) !== 0;
  }

  count(key: string, by = 1): void {
    this.host.count(key, by);
  }

  /** Sends an event to the connection's machine. */
  fire(ev: TcpMachineEvent): void {
    this.actor.send(ev);
  }

  /** A listener's child: enters LISTEN without a trace record, then takes the SYN. */
  fireQuiet(ev: TcpMachineEvent): void {
    this.quiet = true;
    this.actor.send(ev);
    this.quiet = false;
  }

  private sync(to: TcpStateName, rxClosed: boolean): void {
    this.rxClosedNow = rxClosed;
    if (to !== this.state) {
      const from = this.state;
      const before = this.tags;
      this.state = to;
      this.tags = STATE_TAGS[to];
      if (!this.quiet) {
        if (this.sim.trace.wants('tcp')) this.sim.trace.emit(this.host.device, 'tcp', 'state', { pcb: this.id, from, to });
        this.events.onState?.(from, to);
      }
      if (this._keepAlive && this.is(KEEPALIVE) && !(before & KEEPALIVE)) armKeepalive(this);
    }
    while (this.pending.length) this.pending.shift()!();
  }

  // ---- TcpPcb (the socket layer's calls) ----

  bind(ip: Ipv4Addr, port: number): 'ok' | 'in-use' {
    if (this.freed || this.bound) return 'in-use';
    if (port === 0) {
      const p = this.host.ephemeralPort();
      if (p === undefined) return 'in-use';
      port = p;
    } else if (this.host.portInUse(ip, port, this)) {
      return 'in-use';
    }
    this.localIp = ip >>> 0;
    this.localPort = port;
    this.bound = true;
    return 'ok';
  }

  listen(backlog: number): void {
    if (this.freed || this.state !== 'CLOSED') return;
    if (!this.bound && this.bind(0, 0) !== 'ok') return;
    this.backlog = backlog > 0 ? backlog : 1;
    this.host.addListener(this);
    this.fire({ type: 'app.listen' });
  }

  connect(ip: Ipv4Addr, port: number): 'ok' | 'no-route' {
    if (this.freed || this.state !== 'CLOSED') return 'ok';
    const ipl = this.host.ip;
    const src = ipl.sourceFor ? ipl.sourceFor(ip) : ipl.address();
    if (!ipl.isUp() || !src) return 'no-route';
    if (!this.bound && this.bind(0, 0) !== 'ok') return 'no-route';
    if (this.localIp === 0) this.localIp = src;
    this.remoteIp = ip >>> 0;
    this.remotePort = port;
    const t = this.tcb;
    t.mss = Math.min(this.cfg.mss, ipl.mtu - 40);
    t.iss = this.host.newIss();
    t.snd_una = t.snd_nxt = t.snd_max = t.iss;
    t.snd_lbb = seqAdd(t.iss, 1);
    t.rcv_ann_wnd = t.rcv_wnd;
    this.host.addConnection(this);
    this.fire({ type: 'app.connect' });
    return 'ok';
  }

  sndBufAvailable(): number {
    if (this.freed || this.tcb.flags & TF_FIN || !this.is(WRITABLE)) return 0;
    return Math.max(0, this.cfg.sndBuf - this.tcb.snd_queue.length);
  }

  write(data: Uint8Array, from = 0, to = data.length): number {
    const n = Math.min(this.sndBufAvailable(), to - from);
    if (n <= 0) return 0;
    const t = this.tcb;
    t.snd_queue.push(data, from, from + n);
    t.snd_lbb = seqAdd(t.snd_lbb, n);
    return n;
  }

  output(): void {
    tcpOutput(this);
  }

  recved(n: number): void {
    const t = this.tcb;
    if (this.freed || n <= 0) return;
    n = Math.min(n, t.rcv_queued);
    t.rcv_queued -= n;
    t.rcv_wnd = Math.min(this.cfg.rcvWnd, t.rcv_wnd + n);
    const grew = updateRcvAnnWnd(this);
    // lwIP TCP_WND_UPDATE_THRESHOLD: min(TCP_WND / 4, 4 * MSS).
    if (grew >= Math.min(this.cfg.rcvWnd >> 2, 4 * this.cfg.mss)) {
      t.flags |= TF_ACK_NOW;
      tcpOutput(this);
    }
  }

  close(opts?: { unreadBytes?: number }): void {
    if (this.freed) return;
    const unread = opts?.unreadBytes ?? this.tcb.rcv_queued;
    this.events = {};
    // A connection the application closed never holds a listener's backlog slot.
    this.leaveBacklog();
    this.fire({ type: 'app.close', reset: this.cfg.rstOnCloseWithUnread && unread > 0 });
    tcpOutput(this);
  }

  shutdownWrite(): void {
    if (this.freed) return;
    this.fire({ type: 'app.shutdown' });
    tcpOutput(this);
  }

  abort(): void {
    if (this.freed) return;
    this.fire({ type: 'app.abort' });
  }

  /** The socket layer took this connection from the accept queue (frees a backlog slot). */
  accepted(): void {
    this.leaveBacklog();
  }

  // ---- MachineHooks ----

  sendSyn(): void {
    sendSynAndArm(this, false);
  }

  sendSynAck(): void {
    sendSynAndArm(this, true);
  }

  resendSynAck(): void {
    retransmitSyn(this, true);
  }

  takeSyn(a: Arrival): void {
    takeSyn(this, a);
  }

  takeSynAck(a: Arrival): void {
    takeSynAck(this, a);
  }

  takeHandshakeAck(a: Arrival): void {
    takeHandshakeAck(this, a);
  }

  ackNow(): void {
    this.tcb.flags |= TF_ACK_NOW;
  }

  refuseSegment(a: Arrival): void {
    this.count('rxOutOfWindow');
    if (!(a.seg.flags & TCP_RST)) this.tcb.flags |= TF_ACK_NOW;
  }

  replyRst(a: Arrival): void {
    replyRst(this.host, a);
  }

  queueFin(): void {
    this.tcb.flags |= TF_FIN;
  }

  sendRst(): void {
    sendConnRst(this);
  }

  notifyConnected(): void {
    this.pending.push(() => this.events.onConnected?.());
  }

  notifyAccepted(): void {
    const l = this.listener;
    this.pending.push(() => {
      if (!l || l.freed || l.state !== 'LISTEN') {
        this.abort();
        return;
      }
      l.events.onAccept?.(this);
    });
  }

  notifyFin(): void {
    this.pending.push(() => this.events.onFin?.());
  }

  notifyError(err: TcpError): void {
    this.pending.push(() => this.events.onError?.(err));
  }

  stopRetransmit(): void {
    this.rtx.disarm();
    this.tcb.persist_backoff = 0;
  }

  startStateTimer(kind: StateTimerKind): void {
    const cfg = this.cfg;
    this.stateTimerKind = kind;
    this.stateTimer.disarm();
    if (kind === 'twoMsl') this.stateTimer.arm(this.sim.now + 2 * cfg.msl);
    else if (kind === 'finWait2') this.stateTimer.arm(this.sim.now + cfg.finWait2TimeoutUs);
    else if (cfg.synRcvdTimeoutUs > 0) this.stateTimer.arm(idleDeadline(this, cfg.synRcvdTimeoutUs));
  }

  stopStateTimer(): void {
    this.stateTimer.disarm();
  }

  private onStateTimer(): void {
    const kind = this.stateTimerKind;
    if (kind === 'synRcvd') {
      // Every segment the peer sends restarts the count (lwIP: pcb->tmr).
      const due = idleDeadline(this, this.cfg.synRcvdTimeoutUs);
      if (this.sim.now < due) return this.stateTimer.arm(due);
    }
    this.fire({ type: kind === 'twoMsl' ? 'timer.twoMsl' : kind === 'finWait2' ? 'timer.finWait2' : 'timer.synRcvd' });
  }

  release(): void {
    if (this.freed) return;
    this.freed = true;
    this.stateTimer.disarm();
    this.rtx.disarm();
    this.delack.cancel();
    this.keep.disarm();
    this.leaveBacklog();
    this.host.remove(this);
  }

  /** Connection lost for `reason` (timers): CLOSED, error reported. */
  giveUp(reason: TcpError): void {
    if (this.freed) return;
    this.fire({ type: 'timer.giveUp', reason });
  }

  joinBacklog(l: Pcb): void {
    this.listener = l;
    l.acceptsPending++;
    this.countedInBacklog = true;
  }

  private leaveBacklog(): void {
    if (!this.countedInBacklog || !this.listener) return;
    this.countedInBacklog = false;
    this.listener.acceptsPending--;
  }
}
