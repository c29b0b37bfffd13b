/**
 * A small in-memory board for script tests: console, stdin, GPIO, a WLAN stub
 * and a loopback-ish TCP socket layer shared by the boards of one FakeNet
 * (instant delivery after 100 µs, RST when closing with unread data). Its
 * numbers (errno, socket options and their warnings) are the production
 * personality's. Good enough for the OS and runtimes; not the real stack.
 */
import { Simulator } from '../../../../sim/simulator';
import { Console } from '../../../../devices/console';
import type { BoardApi, GpioApi, IfConfig, StdinApi, WlanApi } from '../../../../devices/contracts';
import { BOARD_PERSONALITY, resolveSockopt, type Personality } from '../../../../stack/personality';
import type { Fd, SockAddr, SockCallback, SockOptResult, SockResult, SocketApi } from '../../../../stack/socket/api';

/** The errno numbers the fake answers with, from the board's production personality. */
function errnos(p: Personality) {
  const e = p.errno;
  return { EAGAIN: e.EAGAIN, EBADF: e.EBADF, ENFILE: e.ENFILE, ECONNRESET: e.ECONNRESET, EADDRINUSE: e.EADDRINUSE, ETIMEDOUT: e.ETIMEDOUT, ENOTCONN: e.ENOTCONN, REFUSED: e[p.tcpErrors.refused] };
}

interface Sock {
  fd: Fd;
  local?: SockAddr;
  listening: boolean;
  backlog: { fd: Fd; addr: SockAddr }[];
  peer?: Sock;
  connected: boolean;
  rx: number[];
  eof: boolean;
  reset: boolean;
  timeout: number | null;
  closed: boolean;
  opts: Record<string, number>;
  board: FakeBoard;
}

export class FakeNet {
  readonly boards = new Map<string, FakeBoard>();
  constructor(readonly sim: Simulator) {}
}

class FakeStdin implements StdinApi {
  private q: string[] = [];
  private waiting: ((l: string) => void)[] = [];
  readLine(cb: (line: string) => void): void {
    const l = this.q.shift();
    if (l !== undefined) cb(l);
    else this.waiting.push(cb);
  }
  push(line: string): void {
    const w = this.waiting.shift();
    if (w) w(line);
    else this.q.push(line);
  }
}

class FakeGpio implements GpioApi {
  levels = new Map<number, number>();
  hist = new Map<number, [number, number][]>();
  modes = new Map<number, string>();
  constructor(private readonly sim: Simulator) {}
  read(pin: number): number {
    return this.levels.get(pin) ?? 0;
  }
  write(pin: number, v: number): void {
    this.levels.set(pin, v);
    const h = this.hist.get(pin) ?? [];
    h.push([this.sim.now, v]);
    this.hist.set(pin, h);
  }
  mode(pin: number, mode: 'in' | 'out'): void {
    this.modes.set(pin, mode);
  }
  pwm(pin: number, freq: number | null, duty: number | null): void {
    this.write(pin, freq === null || duty === null ? 0 : duty / 1023);
  }
  history(pin: number): [number, number][] {
    return this.hist.get(pin) ?? [];
  }
}

class FakeWlan implements WlanApi {
  private on = false;
  private up = false;
  constructor(
    readonly mode: 'sta' | 'ap',
    private readonly board: FakeBoard,
  ) {}
  active(on?: boolean): boolean {
    if (on !== undefined) this.on = on;
    return this.on;
  }
  connect(): void {
    this.board.sim.schedule(500_000, () => {
      this.up = true;
    });
  }
  disconnect(): void {
    this.up = false;
  }
  status(): number {
    return this.up ? 1010 : this.on ? 1001 : 1000;
  }
  isconnected(): boolean {
    return this.up;
  }
  ifconfig(): IfConfig {
    return this.up || this.mode === 'ap' ? [this.board.ip, '255.255.255.0', '192.168.2.1', '192.168.2.1'] : ['0.0.0.0', '0.0.0.0', '0.0.0.0', '0.0.0.0'];
  }
  setIfconfig(): void {}
  config(key: string): string | number | Uint8Array | undefined {
    if (key === 'mac') return new Uint8Array([0x24, 0x0a, 0xc4, 0, 0, 1]);
    if (key === 'ssid' || key === 'essid') return 'esp32-lab';
    return undefined;
  }
  setConfig(): void {}
  scan(cb: (r: []) => void): void {
    this.board.sim.schedule(100_000, () => cb([]));
  }
  rssi(): number {
    return -50;
  }
  stations(): Uint8Array[] {
    return [];
  }
}

export class FakeBoard implements BoardApi {
  readonly sockets: FakeSockets;
  readonly console: Console;
  readonly stdin = new FakeStdin();
  readonly gpio: FakeGpio;
  readonly sim: Simulator;
  resets = 0;
  private wlans: FakeWlan[];

  constructor(
    readonly net: FakeNet,
    readonly id: string,
    readonly ip: string,
    readonly kind: 'esp32' | 'pc' = 'esp32',
    readonly syscallCostUs = kind === 'esp32' ? 40 : 2,
  ) {
    this.sim = net.sim;
    this.console = new Console(this.sim, id);
    this.gpio = new FakeGpio(this.sim);
    this.sockets = new FakeSockets(this, BOARD_PERSONALITY[kind]);
    this.wlans = [new FakeWlan('sta', this), new FakeWlan('ap', this)];
    net.boards.set(ip, this);
  }
  wlan(iface: number): WlanApi | undefined {
    return this.kind === 'esp32' ? this.wlans[iface] : undefined;
  }
  resolve(host: string, cb: (ip: string | undefined) => void): void {
    const names: Record<string, string> = { 'towel.blinkenlights.nl': '213.136.8.188' };
    this.sim.schedule(2000, () => cb(names[host]));
  }
  ipAddress(): string {
    return this.ip;
  }
  reset(): void {
    this.resets++;
  }
  uniqueId(): Uint8Array {
    return new Uint8Array([0x24, 0x0a, 0xc4, 0, 0, 1]);
  }
}

type Waiter = () => boolean;

class FakeSockets implements SocketApi {
  private socks = new Map<Fd, Sock>();
  private nextFd = 54;
  private waiters: Waiter[] = [];
  private ephemeral = 50000;
  private readonly E: ReturnType<typeof errnos>;

  constructor(
    private readonly board: FakeBoard,
    readonly personality: Personality,
  ) {
    this.E = errnos(personality);
  }

  private get sim(): Simulator {
    return this.board.sim;
  }
  private err<T>(errno: number): SockResult<T> {
    return { ok: false, errno };
  }
  /** Re-checks blocked calls after a state change (on this board's side). */
  kick(): void {
    this.sim.schedule(0, () => {
      this.waiters = this.waiters.filter((w) => !w());
    });
  }
  /** Runs `attempt` now and again on every change until it returns true; `onTimeout` after `timeoutS`. */
  private block(attempt: Waiter, timeoutS: number | null, onTimeout: () => void): void {
    if (attempt()) return;
    if (timeoutS === 0) return onTimeout();
    let done = false;
    const w: Waiter = () => done || (done = attempt());
    this.waiters.push(w);
    if (timeoutS !== null) {
      this.sim.schedule(Math.round(timeoutS * 1e6), () => {
        if (!done) {
          done = true;
          onTimeout();
        }
      });
    }
  }

  socket(): SockResult<Fd> {
    if ([...this.socks.values()].filter((s) => !s.closed).length >= 10) return this.err(this.E.ENFILE);
    const fd = this.nextFd++;
    this.socks.set(fd, this.mk(fd));
    return { ok: true, value: fd };
  }
  private mk(fd: Fd): Sock {
    return { fd, listening: false, backlog: [], connected: false, rx: [], eof: false, reset: false, timeout: null, closed: false, opts: {}, board: this.board };
  }
  private get(fd: Fd): Sock | undefined {
    const s = this.socks.get(fd);
    return s && !s.closed ? s : undefined;
  }
  bind(fd: Fd, addr: SockAddr): SockResult {
    const s = this.get(fd);
    if (!s) return this.err(this.E.EBADF);
    if ([...this.socks.values()].some((o) => !o.closed && o.local?.port === addr.port && o !== s)) return this.err(this.E.EADDRINUSE);
    s.local = { ip: this.board.ip, port: addr.port };
    return { ok: true, value: undefined };
  }
  listen(fd: Fd): SockResult {
    const s = this.get(fd);
    if (!s) return this.err(this.E.EBADF);
    s.listening = true;
    return { ok: true, value: undefined };
  }
  accept(fd: Fd, cb: SockCallback<{ fd: Fd; addr: SockAddr }>): void {
    const s = this.get(fd);
    if (!s) return cb(this.err(this.E.EBADF));
    this.block(
      () => {
        const c = s.backlog.shift();
        if (c) cb({ ok: true, value: c });
        return !!c;
      },
      s.timeout,
      () => cb(this.err(s.timeout === 0 ? this.E.EAGAIN : this.E.ETIMEDOUT)),
    );
  }
  connect(fd: Fd, addr: SockAddr, cb: SockCallback): void {
    const s = this.get(fd);
    if (!s) return cb(this.err(this.E.EBADF));
    this.sim.schedule(300, () => {
      const other = this.board.net.boards.get(addr.ip);
      const sockets = other?.sockets;
      const l = sockets ? [...sockets.socks.values()].find((o) => !o.closed && o.listening && o.local?.port === addr.port) : undefined;
      if (!l || !sockets) return cb(this.err(this.E.REFUSED));
      s.local ??= { ip: this.board.ip, port: this.ephemeral++ };
      const nfd = sockets.nextFd++;
      const srv = sockets.mk(nfd);
      srv.local = l.local;
      srv.connected = s.connected = true;
      srv.peer = s;
      s.peer = srv;
      sockets.socks.set(nfd, srv);
      l.backlog.push({ fd: nfd, addr: { ...s.local } });
      sockets.kick();
      cb({ ok: true, value: undefined });
    });
  }
  send(fd: Fd, data: Uint8Array, _flags: number, cb: SockCallback<number>): void {
    const s = this.get(fd);
    if (!s) return cb(this.err(this.E.EBADF));
    if (s.reset) return cb(this.err(this.E.ECONNRESET));
    if (!s.connected || !s.peer) return cb(this.err(this.E.ENOTCONN));
    const peer = s.peer;
    const copy = Array.from(data);
    this.sim.schedule(100, () => {
      if (peer.closed) return;
      peer.rx.push(...copy);
      peer.board.sockets.kick();
    });
    cb({ ok: true, value: data.length });
  }
  sendall(fd: Fd, data: Uint8Array, cb: SockCallback): void {
    this.send(fd, data, 0, (r) => cb(r.ok ? { ok: true, value: undefined } : r));
  }
  sendto(_fd: Fd, _d: Uint8Array, _a: SockAddr, _f: number, cb: SockCallback<number>): void {
    cb(this.err(95));
  }
  recv(fd: Fd, max: number, flags: number, cb: SockCallback<Uint8Array>): void {
    const s = this.get(fd);
    if (!s) return cb(this.err(this.E.EBADF));
    if (!s.connected) return cb(this.err(this.E.ENOTCONN));
    const nonblock = (flags & 8) !== 0 ? 0 : s.timeout;
    this.block(
      () => {
        if (s.rx.length) {
          const n = Math.min(max, s.rx.length);
          const out = Uint8Array.from((flags & 1) !== 0 ? s.rx.slice(0, n) : s.rx.splice(0, n));
          cb({ ok: true, value: out });
          return true;
        }
        if (s.reset) {
          cb(this.err(this.E.ECONNRESET));
          return true;
        }
        if (s.eof) {
          cb({ ok: true, value: new Uint8Array(0) });
          return true;
        }
        return false;
      },
      nonblock,
      () => cb(this.err(nonblock === 0 ? this.E.EAGAIN : this.E.ETIMEDOUT)),
    );
  }
  recvfrom(_fd: Fd, _m: number, _f: number, cb: SockCallback<{ data: Uint8Array; addr: SockAddr }>): void {
    cb(this.err(95));
  }
  setsockopt(fd: Fd, level: number, opt: number, value: number | Uint8Array): SockOptResult {
    const s = this.get(fd);
    if (!s) return this.err(this.E.EBADF);
    const spec = resolveSockopt(this.personality.sockopt, level, opt);
    const warning = this.personality.sockopt.unknownWarning;
    if ((!spec || spec.effect.kind === 'unimplemented') && warning) return { ok: true, value: undefined, warning };
    s.opts[`${level}/${opt}`] = typeof value === 'number' ? value : value.length;
    return { ok: true, value: undefined };
  }
  settimeout(fd: Fd, seconds: number | null): SockResult {
    const s = this.get(fd);
    if (!s) return this.err(this.E.EBADF);
    s.timeout = seconds;
    return { ok: true, value: undefined };
  }
  setblocking(fd: Fd, flag: boolean): SockResult {
    return this.settimeout(fd, flag ? null : 0);
  }
  close(fd: Fd): SockResult {
    const s = this.get(fd);
    if (!s) return this.err(this.E.EBADF);
    s.closed = true;
    const p = s.peer;
    if (p && !p.closed) {
      if (s.rx.length) p.reset = true;
      else p.eof = true;
      this.sim.schedule(100, () => p.board.sockets.kick());
    }
    this.kick();
    return { ok: true, value: undefined };
  }
  readiness(fd: Fd): number {
    const s = this.get(fd);
    if (!s) return 32;
    if (s.listening) return s.backlog.length ? 1 : 0;
    if (!s.connected) return 4 | 16; // ESP32: a fresh socket reports WR|HUP
    return (s.rx.length || s.eof || s.reset ? 1 : 0) | 4;
  }
  poll(entries: { fd: Fd; events: number }[], timeoutUs: number | null, cb: (ready: { fd: Fd; revents: number }[]) => void): void {
    const look = () =>
      entries
        .map((e) => ({ fd: e.fd, revents: this.readiness(e.fd) & (e.events | 8 | 16 | 32) }))
        .filter((r) => r.revents !== 0);
    this.block(
      () => {
        const r = look();
        if (r.length) cb(r);
        return r.length > 0;
      },
      timeoutUs === null ? null : timeoutUs / 1e6,
      () => cb([]),
    );
  }
  destroyAll(): void {
    for (const s of this.socks.values()) s.closed = true;
  }
  closeAll(): void {
    for (const s of [...this.socks.values()]) if (!s.closed) this.close(s.fd);
  }
}

/** One board on its own simulator, for single-device tests. */
export function fakeBoard(opts: { kind?: 'esp32' | 'pc'; seed?: number; ip?: string } = {}): FakeBoard {
  const sim = new Simulator(opts.seed ?? 1);
  return new FakeBoard(new FakeNet(sim), opts.kind ?? 'esp32', opts.ip ?? '192.168.2.231', opts.kind ?? 'esp32');
}
