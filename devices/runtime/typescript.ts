/**
 * TypeScript scripts: `export default async function (env) {...}` over an
 * async mirror of the MicroPython API. Every env call is one syscall; the
 * kernel resumes the script one call at a time, so runs stay deterministic.
 */
import { ERRNO_KEYBOARD_INTERRUPT, type ScriptRuntime, type SysResult, type SysValue, type Syscall } from './contract';
import type { WallClock } from './wallclock';

export class OSError extends Error {
  constructor(readonly errno: number) {
    super(`[Errno ${errno}]`);
    this.name = 'OSError';
  }
}

export class KeyboardInterrupt extends Error {
  constructor() {
    super('KeyboardInterrupt');
    this.name = 'KeyboardInterrupt';
  }
}

export type Addr = [string, number];
type Data = Uint8Array | string;

export interface TsSocket {
  readonly fd: number;
  bind(addr: Addr): Promise<void>;
  listen(backlog?: number): Promise<void>;
  accept(): Promise<[TsSocket, Addr]>;
  connect(addr: Addr): Promise<void>;
  send(data: Data, flags?: number): Promise<number>;
  sendall(data: Data): Promise<void>;
  sendto(data: Data, addr: Addr): Promise<number>;
  recv(n: number, flags?: number): Promise<Uint8Array>;
  recvfrom(n: number, flags?: number): Promise<[Uint8Array, Addr]>;
  setsockopt(level: number, opt: number, value: number): Promise<void>;
  settimeout(seconds: number | null): Promise<void>;
  setblocking(flag: boolean): Promise<void>;
  close(): Promise<void>;
}

export interface TsEnv {
  print(...args: unknown[]): Promise<void>;
  input(prompt?: string): Promise<string>;
  time: {
    sleep(s: number): Promise<void>;
    sleep_ms(ms: number): Promise<void>;
    ticks_ms(): Promise<number>;
    ticks_us(): Promise<number>;
    ticks_diff(a: number, b: number): number;
  };
  socket: {
    socket(af?: number, type?: number, proto?: number): Promise<TsSocket>;
    getaddrinfo(host: string, port: number): Promise<[number, number, number, string, Addr][]>;
    /** select.poll in one call: [[fd, events]] → [[fd, revents]]; timeoutMs null = forever. */
    poll(entries: [number, number][], timeoutMs: number | null): Promise<[number, number][]>;
    AF_INET: 2;
    SOCK_STREAM: 1;
    SOCK_DGRAM: 2;
    SOL_SOCKET: number;
    SO_REUSEADDR: number;
  };
  pin(n: number): {
    value(v?: number): Promise<number>;
    on(): Promise<void>;
    off(): Promise<void>;
    toggle(): Promise<void>;
  };
  /** Raw syscall, for anything the mirror lacks. */
  syscall(op: string, ...args: SysValue[]): Promise<SysValue>;
}

export type TsScriptMain = (env: TsEnv) => Promise<void>;

interface Pending {
  call: Syscall;
  resolve: (v: SysValue) => void;
  reject: (e: Error) => void;
}

const enc = new TextEncoder();
const toBytes = (d: Data): Uint8Array => (typeof d === 'string' ? enc.encode(d) : d);

function fmt(v: unknown): string {
  if (v instanceof Uint8Array) {
    let s = "b'";
    for (const c of v) s += c >= 32 && c < 127 && c !== 39 && c !== 92 ? String.fromCharCode(c) : c === 10 ? '\\n' : c === 13 ? '\\r' : `\\x${c.toString(16).padStart(2, '0')}`;
    return s + "'";
  }
  if (Array.isArray(v)) return `(${v.map((x) => (typeof x === 'string' ? `'${x}'` : fmt(x))).join(', ')})`;
  return String(v);
}

export class TsRuntime implements ScriptRuntime {
  private deliver: ((c: Syscall) => void) | undefined;
  private queue: Pending[] = [];
  private current: Pending | undefined;
  private done = false;

  constructor(
    private readonly main: TsScriptMain,
    private readonly opts: { personality: 'esp32' | 'pc'; filename: string; clock?: WallClock },
  ) {}

  start(): Promise<Syscall> {
    const p = this.next();
    Promise.resolve()
      .then(() => this.main(this.env()))
      .then(
        () => this.end(0, ''),
        (e: unknown) => {
          if (e instanceof KeyboardInterrupt) return this.end(130, 'KeyboardInterrupt');
          const text = e instanceof OSError ? `OSError: ${e.errno}` : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
          this.end(1, `${this.opts.filename}: ${text}`);
        },
      );
    return p;
  }

  resume(result: SysResult): Promise<Syscall> {
    const p = this.next();
    const cur = this.current;
    this.current = undefined;
    if (cur) {
      if (result.ok) cur.resolve(result.value);
      else cur.reject(result.errno === ERRNO_KEYBOARD_INTERRUPT ? new KeyboardInterrupt() : new OSError(result.errno));
    } else {
      this.pump();
    }
    return p;
  }

  kill(): void {
    this.done = true;
    this.deliver = undefined;
    this.queue = [];
  }

  private next(): Promise<Syscall> {
    return new Promise((res) => {
      this.deliver = res;
      this.pump();
    });
  }

  private pump(): void {
    if (!this.deliver || this.current || !this.queue.length) return;
    this.current = this.queue.shift()!;
    const d = this.deliver;
    this.deliver = undefined;
    d(this.current.call);
  }

  private end(code: number, reason: string): void {
    if (this.done) return;
    this.done = true;
    const d = this.deliver;
    this.deliver = undefined;
    d?.({ op: 'exit', args: [code, reason] });
  }

  private sys = (op: string, ...args: SysValue[]): Promise<SysValue> => {
    if (this.done) return new Promise(() => undefined); // never settles: the script is gone
    return new Promise((resolve, reject) => {
      this.queue.push({ call: { op, args }, resolve, reject });
      this.pump();
    });
  };

  private socketObj(fd: number): TsSocket {
    const sys = this.sys;
    const mk = (f: number) => this.socketObj(f);
    return {
      fd,
      bind: async ([ip, port]) => void (await sys('socket.bind', fd, ip, port)),
      listen: async (backlog) => void (await sys('socket.listen', fd, backlog ?? null)),
      accept: async () => {
        const [nfd, ip, port] = (await sys('socket.accept', fd)) as [number, string, number];
        return [mk(nfd), [ip, port]];
      },
      connect: async ([ip, port]) => void (await sys('socket.connect', fd, await this.resolve(ip), port)),
      send: async (data, flags = 0) => (await sys('socket.send', fd, flags, toBytes(data))) as number,
      sendall: async (data) => void (await sys('socket.sendall', fd, toBytes(data))),
      sendto: async (data, [ip, port]) => (await sys('socket.sendto', fd, 0, await this.resolve(ip), port, toBytes(data))) as number,
      recv: async (n, flags = 0) => (await sys('socket.recv', fd, n, flags)) as Uint8Array,
      recvfrom: async (n, flags = 0) => {
        const [d, ip, port] = (await sys('socket.recvfrom', fd, n, flags)) as [Uint8Array, string, number];
        return [d, [ip, port]];
      },
      setsockopt: async (level, opt, value) => void (await sys('socket.setsockopt', fd, level, opt, value)),
      settimeout: async (s) => void (await sys('socket.settimeout', fd, s)),
      setblocking: async (flag) => void (await sys('socket.setblocking', fd, flag)),
      close: async () => void (await sys('socket.close', fd)),
    };
  }

  private async resolve(host: string): Promise<string> {
    return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host === '' ? host || '0.0.0.0' : ((await this.sys('resolve', host)) as string);
  }

  private env(): TsEnv {
    const sys = this.sys;
    const pc = this.opts.personality === 'pc';
    const MASK = 2 ** 30;
    return {
      print: async (...args) => void (await sys('write', args.map(fmt).join(' ') + '\n')),
      input: async (prompt = '') => {
        if (prompt) await sys('write', prompt);
        return (await sys('input', prompt)) as string;
      },
      time: {
        sleep: async (s) => void (await sys('time.sleep', s * 1e6)),
        sleep_ms: async (ms) => void (await sys('time.sleep', ms * 1e3)),
        ticks_ms: async () => (await sys('time.ticks_ms')) as number,
        ticks_us: async () => (await sys('time.ticks_us')) as number,
        ticks_diff: (a, b) => ((((a - b + MASK / 2) % MASK) + MASK) % MASK) - MASK / 2,
      },
      socket: {
        socket: async (af = 2, type = 1, proto = 0) => this.socketObj((await sys('socket.socket', af, type, proto)) as number),
        getaddrinfo: async (host, port) => [[2, 1, 0, host, [await this.resolve(host), port]]],
        poll: async (entries, timeoutMs) => (await sys('socket.poll', entries, timeoutMs === null ? null : timeoutMs * 1000)) as [number, number][],
        AF_INET: 2,
        SOCK_STREAM: 1,
        SOCK_DGRAM: 2,
        SOL_SOCKET: pc ? 1 : 0xfff,
        SO_REUSEADDR: pc ? 2 : 4,
      },
      pin: (n) => ({
        value: async (v) => (v === undefined ? ((await sys('pin.read', n)) as number) : (await sys('pin.write', n, v ? 1 : 0), v ? 1 : 0)),
        on: async () => void (await sys('pin.write', n, 1)),
        off: async () => void (await sys('pin.write', n, 0)),
        toggle: async () => void (await sys('pin.write', n, (await sys('pin.read', n)) ? 0 : 1)),
      }),
      syscall: sys,
    };
  }
}
