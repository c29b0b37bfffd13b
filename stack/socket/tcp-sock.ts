/**
 * One TCP socket over a TCP-core PCB (lwIP sockets.c/api_msg.c over the raw
 * API): receive buffer, accept queue, pending errors and the blocking rules
 * of the device's personality. Errors follow lwIP's netconn model on the
 * ESP32: a connection error is both queued in the receive mailbox and kept
 * as the "pending error", so recv reports it twice, then ENOTCONN; Linux
 * reports sk_err once, then EOF.
 */
import { EMPTY_BYTES, ipToString } from '../wire/types';
import type { TcpError, TcpPcb } from '../tcp/api';
import { parseIp } from '../wire/types';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, type Fd, type SockAddr, type SockCallback, type SockResult } from './api';
import { fail, failNo, ok, OK, parseBindIp, waitFor, type SockBase, type SockHost } from './host';
import type { TimerId } from '../../sim/simulator';
import { objectArray } from '../../sim/arrays';
import { planWait, type Waiter, type WaitPlan } from './waits';
import type { Personality, SocketFlag } from '../personality';

export type TcpPhase = 'new' | 'bound' | 'listen' | 'connecting' | 'connected' | 'dead';


/**
 * A blocked recv: as waitFor() with an attempt that answers from tryRecv, EBADF
 * when closed. With `traceAs`, its answers are traced as recv on that fd.
 */
class RecvWait implements Waiter {
  timer: TimerId | undefined = undefined;
  done = false;

  constructor(
    readonly owner: TcpSock,
    private readonly max: number,
    private readonly peek: boolean,
    private readonly cb: SockCallback<Uint8Array>,
    private readonly plan: WaitPlan,
    private readonly traceAs: Fd | undefined,
  ) {}

  attempt(): boolean {
    const r = this.owner.tryRecv(this.max, this.peek);
    if (r === undefined) return false;
    this.answer(r);
    return true;
  }

  expire(): void {
    this.answer(fail(this.owner.p, this.plan.expired));
  }

  closed(): void {
    this.answer(fail(this.owner.p, 'EBADF'));
  }

  private answer(r: SockResult<Uint8Array>): void {
    this.cb(this.traceAs === undefined ? r : this.owner.traced(this.traceAs, r));
  }
}

export class TcpSock implements SockBase {
  readonly type = 'tcp' as const;
  fd: Fd | undefined;
  mode: number | null = null;
  phase: TcpPhase = 'new';
  pcb: TcpPcb | undefined;
  peer: SockAddr | undefined;
  /** Set once a connection existed (accepted or connected). */
  everConnected = false;
  private rx: Uint8Array[] = objectArray();
  private rxOff = 0;
  rxBytes = 0;
  fin = false;
  /** Error kept for the next operation (lwIP pending_err / Linux sk_err); 0 = none. */
  private pendingErr = 0;
  /** Extra reports only recv sees (lwIP: the error message in the receive mailbox). */
  private queuedErrs = 0;
  private lastErr = 0;
  readonly acceptQ: TcpSock[] = [];
  private opts = { reuseAddr: false, keepAlive: false, noDelay: false };
  /** SO_LINGER: null = off (close() finishes in the background), else seconds; 0 = reset on close. */
  private linger: number | null = null;

  constructor(private readonly host: SockHost) {}

  /** The device's personality (what errno a wait answers). */
  get p(): Personality {
    return this.host.p;
  }

  /** A fresh socket gets its PCB at once, as lwIP's netconn_new does. */
  static open(host: SockHost): TcpSock {
    const s = new TcpSock(host);
    s.attach(host.tcp.createPcb());
    return s;
  }

  /** A connection that a listening PCB accepted (already ESTABLISHED). */
  static accepted(host: SockHost, pcb: TcpPcb): TcpSock {
    const s = new TcpSock(host);
    s.attach(pcb);
    s.phase = 'connected';
    s.everConnected = true;
    s.peer = { ip: ipToString(pcb.remoteIp), port: pcb.remotePort };
    return s;
  }

  private attach(pcb: TcpPcb): void {
    this.pcb = pcb;
    pcb.reuseAddr = this.opts.reuseAddr;
    pcb.keepAlive = this.opts.keepAlive;
    pcb.noDelay = this.opts.noDelay;
    const host = this.host;
    pcb.events = {
      onConnected: () => {
        this.phase = 'connected';
        this.everConnected = true;
        host.trace('connected', { fd: this.fd ?? -1 });
        host.kick();
      },
      onRecv: (data) => {
        if (data.length === 0) return;
        // A view of the received frame, which this device owns (media hand each receiver its own copy); take() copies out.
        this.rx.push(data);
        this.rxBytes += data.length;
        host.kick();
      },
      onFin: () => {
        this.fin = true;
        host.kick();
      },
      onSent: () => host.kick(),
      onError: (err) => this.failed(err),
      onAccept: (np) => {
        this.acceptQ.push(TcpSock.accepted(host, np));
        host.kick();
      },
      onState: () => host.kick(),
    };
  }

  private failed(err: TcpError): void {
    const p = this.host.p;
    const errno = p.errno[p.tcpErrors[err]];
    this.pcb = undefined;
    this.phase = 'dead';
    this.lastErr = errno;
    this.pendingErr = errno;
    this.queuedErrs = p.errorRecvReports - 1;
    this.host.trace('error', { fd: this.fd ?? -1, op: 'tcp', err, errno });
    this.host.kick();
  }

  setOption(name: SocketFlag, on: boolean): void {
    if (name === 'broadcast') return;
    this.opts[name] = on;
    if (this.pcb) this.pcb[name] = on;
  }

  setLinger(seconds: number | null): void {
    this.linger = seconds;
  }

  /** Takes the pending error (any operation may consume it). */
  private takePending(): number {
    const e = this.pendingErr;
    this.pendingErr = 0;
    return e;
  }

  bind(addr: SockAddr): SockResult {
    const ip = parseBindIp(addr.ip);
    if (ip === undefined) return fail(this.host.p, 'EINVAL');
    if (!this.pcb || this.phase !== 'new') return fail(this.host.p, 'EINVAL');
    if (this.pcb.bind(ip, addr.port) === 'in-use') return fail(this.host.p, 'EADDRINUSE');
    this.phase = 'bound';
    this.host.trace('bind', { fd: this.fd ?? -1, port: this.pcb.localPort });
    return OK;
  }

  listen(backlog: number): SockResult {
    const p = this.host.p;
    if (this.phase === 'listen') return OK;
    if (!this.pcb || (this.phase !== 'new' && this.phase !== 'bound')) return fail(p, 'EINVAL');
    if (this.phase === 'new' && this.pcb.bind(0, 0) === 'in-use') return fail(p, 'EADDRINUSE');
    this.pcb.listen(Math.max(0, backlog));
    this.phase = 'listen';
    this.host.trace('listen', { fd: this.fd ?? -1, port: this.pcb.localPort, backlog });
    return OK;
  }

  accept(cb: SockCallback<{ fd: Fd; addr: SockAddr }>): void {
    const p = this.host.p;
    if (this.phase !== 'listen') return cb(fail(p, 'EINVAL'));
    const plan = planWait(p, this.mode);
    const attempt = (): boolean => {
      const next = this.acceptQ[0];
      if (!next) return false;
      const fd = this.host.adopt(next);
      if (fd === undefined) {
        if (p.acceptFullDrops) {
          // lwIP netconn_accept: the backlog slot is given back before alloc_socket fails.
          this.acceptQ.shift();
          next.pcb?.accepted?.();
          next.close();
        }
        cb(fail(p, p.tooManySockets));
        return true;
      }
      this.acceptQ.shift();
      next.pcb?.accepted?.();
      this.host.trace('accept', { fd, listener: this.fd ?? -1, from: `${next.peer?.ip}:${next.peer?.port}` });
      cb(ok({ fd, addr: next.peer ?? { ip: '0.0.0.0', port: 0 } }));
      return true;
    };
    this.wait(plan, attempt, () => cb(fail(p, plan.expired)), cb);
  }

  connect(addr: SockAddr, cb: SockCallback): void {
    const p = this.host.p;
    if (this.phase === 'connecting') return cb(fail(p, 'EALREADY'));
    if (this.phase === 'connected' || this.phase === 'listen') return cb(fail(p, 'EISCONN'));
    if (this.phase === 'dead') {
      const e = this.takePending();
      if (e) return cb(failNo(e));
      if (!p.reconnectAfterFailure || this.everConnected) return cb(fail(p, p.connectAfterDeath));
      this.attach(this.host.tcp.createPcb());
      this.phase = 'new';
      this.fin = false;
      this.queuedErrs = 0;
    }
    const ip = parseIp(addr.ip);
    if (ip === undefined) return cb(fail(p, 'EINVAL'));
    if (!this.host.ip.isUp()) return cb(fail(p, p.ipErrors['no-address']));
    const pcb = this.pcb;
    if (!pcb) return cb(fail(p, 'ENOTCONN'));
    if (pcb.connect(ip, addr.port) === 'no-route') return cb(fail(p, p.ipErrors['no-route']));
    this.phase = 'connecting';
    this.peer = { ip: addr.ip, port: addr.port };
    this.host.trace('connect', { fd: this.fd ?? -1, to: `${addr.ip}:${addr.port}`, port: pcb.localPort });
    const plan = planWait(p, this.mode);
    if (plan.nonBlocking) return cb(fail(p, 'EINPROGRESS'));
    const attempt = (): boolean => {
      if (this.phase === 'connected') {
        cb(OK);
        return true;
      }
      if (this.phase === 'dead') {
        cb(failNo(this.takePending() || this.lastErr));
        return true;
      }
      return false;
    };
    // MicroPython ESP32 and CPython both answer ETIMEDOUT when a connect timeout runs out.
    this.wait(plan, attempt, () => cb(fail(p, 'ETIMEDOUT')), cb);
  }

  send(data: Uint8Array, dontWait: boolean, all: boolean, cb: SockCallback<number>): void {
    const p = this.host.p;
    if (this.phase === 'new' || this.phase === 'bound' || this.phase === 'listen') return cb(fail(p, p.sendUnconnected));
    const plan = planWait(p, this.mode, dontWait);
    let sent = 0;
    const attempt = (): boolean => {
      if (this.phase === 'dead') {
        const e = this.takePending();
        cb(e ? failNo(e) : fail(p, p.afterErrorSend));
        return true;
      }
      const pcb = this.pcb;
      if (this.phase === 'connected' && pcb && sent < data.length) {
        const room = pcb.sndBufAvailable();
        const n = room > 0 ? pcb.write(data, sent, data.length) : 0;
        if (n > 0) {
          sent += n;
          pcb.output();
        }
      }
      if (sent === data.length || (sent > 0 && !all && !plan.nonBlocking && plan.limitUs !== null && p.timeoutSend === 'first-partial')) {
        cb(ok(sent));
        return true;
      }
      if (plan.nonBlocking) {
        if (sent > 0 && !all) cb(ok(sent));
        else if (sent > 0) cb(fail(p, p.sendallNonBlocking));
        else cb(fail(p, 'EAGAIN'));
        return true;
      }
      return false;
    };
    const expire = (): void => {
      if (sent > 0 && !all) cb(ok(sent));
      else cb(fail(p, sent > 0 ? 'ETIMEDOUT' : plan.expired));
    };
    this.wait(plan, attempt, expire, cb);
  }

  /** recv's answer when it needs no wait (data, EOF, an error), else undefined. */
  recvNow(max: number, peek: boolean): SockResult<Uint8Array> | undefined {
    const p = this.host.p;
    if (this.phase === 'new' || this.phase === 'listen') return fail(p, 'ENOTCONN');
    if (this.phase === 'bound' && p.recvBound === 'ENOTCONN') return fail(p, 'ENOTCONN');
    return this.tryRecv(max, peek);
  }

  /** `traceAs`: trace the answer as recv on that fd (the socket layer's recv). */
  recv(max: number, peek: boolean, dontWait: boolean, cb: SockCallback<Uint8Array>, traceAs?: Fd): void {
    const now = this.recvNow(max, peek);
    if (now) return cb(traceAs === undefined ? now : this.traced(traceAs, now));
    // The bulk receiver's path: one object per wait (see RecvWait), not a set of closures.
    const plan = planWait(this.host.p, this.mode, dontWait);
    const w = new RecvWait(this, max, peek, cb, plan, traceAs);
    // recvNow has just tried what the wait's attempt would (and changed nothing by failing).
    if (!plan.nonBlocking) return this.host.waits.enlist(w, plan.limitUs);
    w.expire();
  }

  /** `r` as recv on `fd` answers it (failures traced). */
  traced<T>(fd: Fd, r: SockResult<T>): SockResult<T> {
    return this.host.traced(fd, 'recv', r);
  }

  /** recv's answer from what is there now, undefined when it must wait (RecvWait's attempt). */
  tryRecv(max: number, peek: boolean): SockResult<Uint8Array> | undefined {
    if (this.rxBytes > 0 && max > 0) return ok(this.take(max, peek));
    if (this.fin) return ok(EMPTY_BYTES);
    if (this.phase === 'dead') {
      if (this.queuedErrs > 0) {
        if (!peek) this.queuedErrs--;
        return failNo(this.lastErr);
      }
      const e = peek ? this.pendingErr : this.takePending();
      if (e) return failNo(e);
      return this.host.p.afterErrorRecv === 'eof' ? ok(EMPTY_BYTES) : fail(this.host.p, 'ENOTCONN');
    }
    if (max <= 0 && this.phase === 'connected') return ok(EMPTY_BYTES);
    return undefined;
  }

  private take(max: number, peek: boolean): Uint8Array {
    const n = Math.min(max, this.rxBytes);
    const head = this.rx[0];
    if (!peek && this.rxOff + n <= head.length) {
      // All from the first segment: hand out a view (the frame is this device's own; nothing writes to it),
      // the segment's own when it is taken whole (the bulk case: no new view).
      const out = this.rxOff === 0 && n === head.length ? head : head.subarray(this.rxOff, this.rxOff + n);
      this.rxOff += n;
      if (this.rxOff === head.length) {
        this.rx.shift();
        this.rxOff = 0;
      }
      this.rxBytes -= n;
      this.pcb?.recved(n);
      return out;
    }
    const out = new Uint8Array(n);
    let got = 0;
    let i = 0;
    let off = this.rxOff;
    while (got < n) {
      const chunk = this.rx[i];
      const k = Math.min(n - got, chunk.length - off);
      out.set(chunk.subarray(off, off + k), got);
      got += k;
      off += k;
      if (off === chunk.length) {
        i++;
        off = 0;
      }
    }
    if (!peek) {
      this.rx.splice(0, i);
      this.rxOff = off;
      this.rxBytes -= n;
      this.pcb?.recved(n);
    }
    return out;
  }

  private wait<T>(plan: WaitPlan, attempt: () => boolean, expire: () => void, cb: SockCallback<T>): void {
    waitFor(this.host, this, plan, attempt, expire, cb);
  }

  readiness(): number {
    const p = this.host.p;
    switch (this.phase) {
      case 'new':
        return POLLOUT | POLLHUP;
      case 'bound':
        return p.boundReadiness;
      case 'listen':
        return this.acceptQ.length > 0 ? POLLIN : 0;
      case 'connecting':
        return 0;
      case 'connected': {
        let r = this.rxBytes > 0 || this.fin ? POLLIN : 0;
        if (this.pcb && this.pcb.sndBufAvailable() > p.sndLowWater) r |= POLLOUT;
        return r;
      }
      case 'dead':
        return POLLIN | POLLOUT | POLLHUP | (p.pollErr && this.pendingErr ? POLLERR : 0);
    }
  }

  close(): void {
    for (const q of this.acceptQ.splice(0)) {
      const pcb = q.pcb;
      q.pcb = undefined;
      if (pcb) {
        pcb.events = {};
        pcb.abort();
      }
    }
    const pcb = this.pcb;
    this.pcb = undefined;
    if (pcb) {
      pcb.events = {};
      // SO_LINGER with a zero timeout: an abortive close (RST, nothing sent is kept), as Linux tcp_close.
      if (this.linger === 0) pcb.abort();
      else pcb.close({ unreadBytes: this.rxBytes });
    }
  }

  destroy(): void {
    for (const q of this.acceptQ.splice(0)) q.destroy();
    if (this.pcb) this.pcb.events = {};
    this.pcb = undefined;
  }
}
