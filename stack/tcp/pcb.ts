/**
 * A protocol control block: the socket layer's handle (TcpPcb), the TCB, the
 * connection's xstate actor and its timers. State changes go through the
 * actor; the data path works on the TCB directly.
 */
import { createActor, type Actor } from 'xstate';
import type { Simulator } from '../../sim/simulator';
import type { Ipv4Addr } from '../wire/types';
import type { TcpConfig, TcpError, TcpPcb, TcpPcbEvents, TcpStateName } from './api';
import type { TcpLayer } from './index';
import { tcpMachine, type MachineHooks, type TcpMachine, type TcpMachineEvent } from './machine';
import { sendConnRst, sendSynAndArm, tcpOutput, updateRcvAnnWnd } from './output';
import { Tcb } from './tcb';
import { armKeepalive, onDelayedAck, onKeepalive, onRtxTimer, TimerSlot } from './timers';

export class Pcb implements TcpPcb, MachineHooks {
  state: TcpStateName = 'CLOSED';
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
  readonly delack: TimerSlot;
  readonly keep: TimerSlot;
  /** TIME-WAIT / FIN-WAIT-2 (smoltcp's close timer). */
  readonly closeTimer: TimerSlot;
  private closeKind: 'twoMsl' | 'finWait2' = 'twoMsl';
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
  /** close() was called: data arriving now is answered with RST (lwIP TF_RXCLOSED). */
  private closedByApp = false;

  constructor(
    readonly layer: TcpLayer,
    readonly id: number,
    readonly passive = false,
  ) {
    this.cfg = layer.cfg;
    this.sim = layer.sim;
    this.tcb = new Tcb(layer.cfg);
    this.rtx = new TimerSlot(this.sim, () => onRtxTimer(this));
    this.delack = new TimerSlot(this.sim, () => onDelayedAck(this));
    this.keep = new TimerSlot(this.sim, () => onKeepalive(this));
    this.closeTimer = new TimerSlot(this.sim, () => this.fire({ type: this.closeKind === 'twoMsl' ? 'timer.twoMsl' : 'timer.finWait2' }));
    this.actor = createActor(tcpMachine, {
      clock: this.sim.clock,
      input: { hooks: this, passive },
    });
    this.actor.subscribe((snap) => this.sync(snap.value as TcpStateName));
    this.actor.start();
  }

  get keepAlive(): boolean {
    return this._keepAlive;
  }

  set keepAlive(on: boolean) {
    this._keepAlive = on;
    if (on && (this.state === 'ESTABLISHED' || this.state === 'CLOSE-WAIT')) armKeepalive(this);
    if (!on) this.keep.disarm();
  }

  get rcvQueued(): number {
    return this.tcb.rcvQueued;
  }

  count(key: string, by = 1): void {
    this.layer.count(key, by);
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

  private sync(to: TcpStateName): void {
    if (to !== this.state) {
      const from = this.state;
      this.state = to;
      if (!this.quiet) {
        if (this.sim.trace.wants('tcp')) this.sim.trace.emit(this.layer.device, 'tcp', 'state', { pcb: this.id, from, to });
        this.events.onState?.(from, to);
      }
      if (to === 'ESTABLISHED' && this._keepAlive) armKeepalive(this);
    }
    while (this.pending.length) this.pending.shift()!();
  }

  // ---- TcpPcb (the socket layer's calls) ----

  bind(ip: Ipv4Addr, port: number): 'ok' | 'in-use' {
    if (this.freed || this.bound) return 'in-use';
    if (port === 0) {
      const p = this.layer.ephemeralPort();
      if (p === undefined) return 'in-use';
      port = p;
    } else if (this.layer.portInUse(ip, port, this)) {
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
    this.layer.addListener(this);
    this.fire({ type: 'app.listen' });
  }

  connect(ip: Ipv4Addr, port: number): 'ok' | 'no-route' {
    if (this.freed || this.state !== 'CLOSED') return 'ok';
    const ipl = this.layer.ip;
    const src = ipl.sourceFor ? ipl.sourceFor(ip) : ipl.address();
    if (!ipl.isUp() || !src) return 'no-route';
    if (!this.bound && this.bind(0, 0) !== 'ok') return 'no-route';
    if (this.localIp === 0) this.localIp = src;
    this.remoteIp = ip >>> 0;
    this.remotePort = port;
    const t = this.tcb;
    t.mss = Math.min(this.cfg.mss, ipl.mtu - 40);
    t.iss = this.layer.newIss();
    t.snd_una = t.snd_nxt = t.snd_max = t.iss;
    t.sndBufSeq = (t.iss + 1) >>> 0;
    t.rcv_ann_wnd = t.rcv_wnd;
    this.layer.addConnection(this);
    this.fire({ type: 'app.connect' });
    return 'ok';
  }

  sndBufAvailable(): number {
    if (!this.writable()) return 0;
    return Math.max(0, this.cfg.sndBuf - this.tcb.unsent_unacked.length);
  }

  private writable(): boolean {
    const st = this.state;
    return (
      !this.freed &&
      !this.tcb.finQueued &&
      (st === 'ESTABLISHED' || st === 'CLOSE-WAIT' || st === 'SYN-SENT' || st === 'SYN-RECEIVED')
    );
  }

  write(data: Uint8Array): number {
    const n = Math.min(this.sndBufAvailable(), data.length);
    if (n <= 0) return 0;
    this.tcb.unsent_unacked.push(this.layer.slab.copy(data.subarray(0, n)));
    return n;
  }

  output(): void {
    tcpOutput(this);
  }

  recved(n: number): void {
    const t = this.tcb;
    if (this.freed || n <= 0) return;
    n = Math.min(n, t.rcvQueued);
    t.rcvQueued -= n;
    t.rcv_wnd = Math.min(this.cfg.rcvWnd, t.rcv_wnd + n);
    const grew = updateRcvAnnWnd(this);
    // lwIP TCP_WND_UPDATE_THRESHOLD: min(TCP_WND / 4, 4 * MSS).
    if (grew >= Math.min(this.cfg.rcvWnd >> 2, 4 * this.cfg.mss)) {
      t.ackNow = true;
      tcpOutput(this);
    }
  }

  rxClosed(): boolean {
    return this.closedByApp;
  }

  close(opts?: { unreadBytes?: number }): void {
    if (this.freed) return;
    this.closedByApp = true;
    const unread = opts?.unreadBytes ?? this.tcb.rcvQueued;
    const st = this.state;
    if (this.cfg.rstOnCloseWithUnread && unread > 0 && (st === 'ESTABLISHED' || st === 'CLOSE-WAIT')) {
      this.events = {};
      this.abort();
      return;
    }
    this.events = {};
    if (st === 'CLOSED') {
      this.release();
      return;
    }
    this.fire({ type: 'app.close' });
    tcpOutput(this);
  }

  shutdownWrite(): void {
    if (this.freed) return;
    this.fire({ type: 'app.shutdown' });
    tcpOutput(this);
  }

  abort(): void {
    if (this.freed) return;
    if (this.state === 'CLOSED') return this.release();
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

  sendAck(): void {
    this.tcb.ackNow = true;
  }

  queueFin(): void {
    this.tcb.finQueued = true;
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

  startCloseTimer(kind: 'twoMsl' | 'finWait2'): void {
    this.closeKind = kind;
    this.closeTimer.disarm();
    this.closeTimer.arm(this.sim.now + (kind === 'twoMsl' ? 2 * this.cfg.msl : this.cfg.finWait2TimeoutUs));
  }

  release(): void {
    if (this.freed) return;
    this.freed = true;
    this.closeTimer.disarm();
    this.rtx.disarm();
    this.delack.disarm();
    this.keep.disarm();
    this.leaveBacklog();
    this.layer.remove(this);
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
