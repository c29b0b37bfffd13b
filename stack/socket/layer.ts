/**
 * The socket table of one device: fds, dispatch to TCP and UDP sockets,
 * socket options, select/poll readiness, and what the OS does when the
 * process dies (closeAll) or the power goes (destroyAll). Every wait is a
 * simulator timer or a re-check after a socket event; nothing uses real time.
 */
import type { Simulator } from '../../sim/simulator';
import type { Counters, IpLayer } from '../contracts';
import { resolveSockopt, type ErrnoName, type Personality } from '../personality';
import type { TcpLayerApi } from '../tcp/api';
import type { UdpLayerApi } from '../udp/api';
import {
  AF_INET,
  MSG_DONTWAIT,
  MSG_PEEK,
  POLLERR,
  POLLHUP,
  POLLNVAL,
  SOCK_DGRAM,
  SOCK_STREAM,
  type Fd,
  type SockAddr,
  type SockCallback,
  type SocketApi,
  type SockOptResult,
  type SockResult,
} from './api';
import { fail, ok, OK, type SockBase, type SockHost } from './host';
import { TcpSock } from './tcp-sock';
import { UdpSock } from './udp-sock';
import { Waits } from './waits';

export interface SocketLayerOptions {
  sim: Simulator;
  device: string;
  ip: IpLayer;
  tcp: TcpLayerApi;
  udp: UdpLayerApi;
  personality: Personality;
}

type Sock = TcpSock | UdpSock;

/** An int option value: a number, or a 4-byte int in the host's (little-endian) order. */
function intValue(v: number | Uint8Array): number | undefined {
  if (typeof v === 'number') return v;
  return v.length >= 4 ? new DataView(v.buffer, v.byteOffset, 4).getInt32(0, true) : undefined;
}

/** errnos not worth a trace record (polling loops would flood the trace). */
const QUIET = new Set<ErrnoName>(['EAGAIN', 'EINPROGRESS', 'EALREADY']);

export class SocketLayer implements SocketApi, SockHost {
  readonly sim: Simulator;
  readonly device: string;
  readonly p: Personality;
  readonly ip: IpLayer;
  readonly tcp: TcpLayerApi;
  readonly udp: UdpLayerApi;
  readonly waits: Waits;
  readonly counters: Counters = {};
  private table = new Map<Fd, Sock>();
  private quiet: Set<number>;

  constructor(opts: SocketLayerOptions) {
    this.sim = opts.sim;
    this.device = opts.device;
    this.p = opts.personality;
    this.ip = opts.ip;
    this.tcp = opts.tcp;
    this.udp = opts.udp;
    this.waits = new Waits(opts.sim);
    this.quiet = new Set([...QUIET].map((n) => this.p.errno[n]));
  }

  get personality(): Personality {
    return this.p;
  }

  /** Open fds, ascending. */
  fds(): Fd[] {
    return [...this.table.keys()].sort((a, b) => a - b);
  }

  kick(): void {
    this.waits.kick();
  }

  trace(kind: string, fields: Record<string, unknown>): void {
    if (this.sim.trace.wants('socket')) this.sim.trace.emit(this.device, 'socket', kind, fields);
  }

  /** Lowest free fd (lwIP alloc_socket and Linux both reuse the lowest). */
  private allocFd(): Fd | undefined {
    if (this.table.size >= this.p.maxSockets) return undefined;
    for (let fd = this.p.firstFd; ; fd++) if (!this.table.has(fd)) return fd;
  }

  adopt(sock: object): Fd | undefined {
    const fd = this.allocFd();
    if (fd === undefined) return undefined;
    const s = sock as Sock;
    s.fd = fd;
    this.table.set(fd, s);
    this.trace('open', { fd, type: s.type, accepted: true });
    return fd;
  }

  traced<T>(fd: Fd, op: string, r: SockResult<T>): SockResult<T> {
    if (!r.ok && !this.quiet.has(r.errno)) this.trace('error', { fd, op, errno: r.errno });
    return r;
  }

  /** Wraps a callback so failures are traced. */
  private answer<T>(fd: Fd, op: string, cb: SockCallback<T>): SockCallback<T> {
    return (r) => cb(this.traced(fd, op, r));
  }

  private get(fd: Fd): Sock | undefined {
    return this.table.get(fd);
  }

  private badf<T>(fd: Fd, op: string): SockResult<T> {
    return this.traced(fd, op, fail<T>(this.p, 'EBADF'));
  }

  socket(af: number, type: number, _proto: number): SockResult<Fd> {
    const p = this.p;
    if (af !== AF_INET) return this.traced(-1, 'socket', fail(p, 'EAFNOSUPPORT'));
    if (type !== SOCK_STREAM && type !== SOCK_DGRAM) {
      return this.traced(-1, 'socket', fail(p, p.unsupportedSocketType));
    }
    const fd = this.allocFd();
    if (fd === undefined) return this.traced(-1, 'socket', fail(p, p.tooManySockets));
    const s: Sock = type === SOCK_STREAM ? TcpSock.open(this) : new UdpSock(this);
    s.fd = fd;
    this.table.set(fd, s);
    this.trace('open', { fd, type: s.type });
    return ok(fd);
  }

  bind(fd: Fd, addr: SockAddr): SockResult {
    const s = this.get(fd);
    return s ? this.traced(fd, 'bind', s.bind(addr)) : this.badf(fd, 'bind');
  }

  listen(fd: Fd, backlog?: number): SockResult {
    const s = this.get(fd);
    if (!s) return this.badf(fd, 'listen');
    if (s.type === 'udp') return this.traced(fd, 'listen', fail(this.p, 'EOPNOTSUPP'));
    return this.traced(fd, 'listen', s.listen(backlog ?? this.p.defaultBacklog));
  }

  accept(fd: Fd, cb: SockCallback<{ fd: Fd; addr: SockAddr }>): void {
    const s = this.get(fd);
    if (!s) return cb(this.badf(fd, 'accept'));
    if (s.type === 'udp') return cb(this.traced(fd, 'accept', fail(this.p, 'EOPNOTSUPP')));
    s.accept(this.answer(fd, 'accept', cb));
  }

  connect(fd: Fd, addr: SockAddr, cb: SockCallback): void {
    const s = this.get(fd);
    if (!s) return cb(this.badf(fd, 'connect'));
    if (s.type === 'udp') return cb(this.traced(fd, 'connect', s.connect(addr)));
    s.connect(addr, this.answer(fd, 'connect', cb));
  }

  private dontWait(flags: number): boolean {
    return (flags & (MSG_DONTWAIT | this.p.msgDontwait)) !== 0;
  }

  send(fd: Fd, data: Uint8Array, flags: number, cb: SockCallback<number>): void {
    const s = this.get(fd);
    if (!s) return cb(this.badf(fd, 'send'));
    if (s.type === 'udp') return s.sendto(data, undefined, this.answer(fd, 'send', cb));
    s.send(data, this.dontWait(flags), false, this.answer(fd, 'send', cb));
  }

  sendall(fd: Fd, data: Uint8Array, cb: SockCallback): void {
    const s = this.get(fd);
    if (!s) return cb(this.badf(fd, 'sendall'));
    const done = this.answer(fd, 'sendall', cb);
    const after = (r: SockResult<number>): void => done(r.ok ? OK : r);
    if (s.type === 'udp') return s.sendto(data, undefined, after);
    s.send(data, false, true, after);
  }

  sendto(fd: Fd, data: Uint8Array, addr: SockAddr, flags: number, cb: SockCallback<number>): void {
    const s = this.get(fd);
    if (!s) return cb(this.badf(fd, 'sendto'));
    // TCP ignores the address (lwIP and Linux both send on the connection).
    if (s.type === 'tcp') return s.send(data, this.dontWait(flags), false, this.answer(fd, 'sendto', cb));
    s.sendto(data, addr, this.answer(fd, 'sendto', cb));
  }

  recv(fd: Fd, max: number, flags: number, cb: SockCallback<Uint8Array>): void {
    const s = this.get(fd);
    if (!s) return cb(this.badf(fd, 'recv'));
    const peek = (flags & MSG_PEEK) !== 0;
    if (s.type === 'tcp') {
      // The socket traces the answer itself (no wrapper per call: the bulk receiver's path).
      return s.recv(max, peek, this.dontWait(flags), cb, fd);
    }
    const done = this.answer(fd, 'recv', cb);
    s.recvfrom(max, peek, this.dontWait(flags), (r) => done(r.ok ? ok(r.value.data) : r));
  }

  recvfrom(fd: Fd, max: number, flags: number, cb: SockCallback<{ data: Uint8Array; addr: SockAddr }>): void {
    const s = this.get(fd);
    if (!s) return cb(this.badf(fd, 'recvfrom'));
    const peek = (flags & MSG_PEEK) !== 0;
    const done = this.answer(fd, 'recvfrom', cb);
    if (s.type === 'udp') return s.recvfrom(max, peek, this.dontWait(flags), done);
    const addr = s.peer ?? { ip: '0.0.0.0', port: 0 };
    s.recv(max, peek, this.dontWait(flags), (r) => done(r.ok ? ok({ data: r.value, addr }) : r));
  }

  /**
   * The personality's option table decides (personality/sockopt.ts): MicroPython
   * ESP32 switches on the option number alone and warns about the rest; Linux
   * matches (level, option) and accepts options it does not simulate.
   */
  setsockopt(fd: Fd, level: number, opt: number, value: number | Uint8Array): SockOptResult {
    const s = this.get(fd);
    if (!s) return this.badf(fd, 'setsockopt');
    const table = this.p.sockopt;
    const spec = resolveSockopt(table, level, opt);
    const effect = spec?.effect ?? { kind: 'unimplemented' };
    switch (effect.kind) {
      case 'unimplemented':
        return table.unknownWarning ? { ok: true, value: undefined, warning: table.unknownWarning } : OK;
      case 'accepted':
        return OK;
      case 'flag': {
        const v = intValue(value);
        if (v === undefined) return this.traced(fd, 'setsockopt', fail(this.p, 'EINVAL'));
        s.setOption(effect.flag, v !== 0);
        return OK;
      }
      case 'linger': {
        // struct linger { int l_onoff; int l_linger; } in the host's (little-endian) byte order.
        if (!(value instanceof Uint8Array) || value.length < 8) return this.traced(fd, 'setsockopt', fail(this.p, 'EINVAL'));
        const dv = new DataView(value.buffer, value.byteOffset, 8);
        s.setLinger(dv.getInt32(0, true) !== 0 ? Math.max(0, dv.getInt32(4, true)) : null);
        return OK;
      }
    }
  }

  settimeout(fd: Fd, seconds: number | null): SockResult {
    const s = this.get(fd);
    if (!s) return this.badf(fd, 'settimeout');
    if (seconds !== null && !(seconds >= 0)) return this.traced(fd, 'settimeout', fail(this.p, 'EINVAL'));
    s.mode = seconds;
    return OK;
  }

  setblocking(fd: Fd, flag: boolean): SockResult {
    return this.settimeout(fd, flag ? null : 0);
  }

  close(fd: Fd): SockResult {
    const s = this.get(fd);
    if (!s) return this.badf(fd, 'close');
    this.table.delete(fd);
    this.waits.cancelOwner(s);
    const unread = s.type === 'tcp' ? s.rxBytes : 0;
    s.close();
    s.fd = undefined;
    this.trace('close', unread ? { fd, unread } : { fd });
    return OK;
  }

  readiness(fd: Fd): number {
    const s = this.get(fd);
    return s ? s.readiness() : POLLNVAL;
  }

  poll(entries: { fd: Fd; events: number }[], timeoutUs: number | null, cb: (ready: { fd: Fd; revents: number }[]) => void): () => void {
    const look = (): { fd: Fd; revents: number }[] => {
      const ready: { fd: Fd; revents: number }[] = [];
      for (const e of entries) {
        const revents = this.readiness(e.fd) & (e.events | POLLHUP | POLLERR | POLLNVAL);
        if (revents) ready.push({ fd: e.fd, revents });
      }
      return ready;
    };
    const attempt = (): boolean => {
      const ready = look();
      if (ready.length === 0) return false;
      cb(ready);
      return true;
    };
    if (timeoutUs === 0) {
      cb(look());
      return () => {};
    }
    const owner = {};
    this.waits.block(owner, attempt, timeoutUs, () => cb([]));
    return () => this.waits.cancelOwner(owner);
  }

  closeAll(): void {
    this.waits.clear();
    for (const fd of this.fds()) this.close(fd);
  }

  destroyAll(): void {
    this.waits.clear();
    for (const s of this.table.values()) s.destroy();
    this.table.clear();
    this.tcp.destroyAll();
    this.trace('destroy-all', {});
  }
}
