/**
 * TypeScript device scripts: `export default async function (env) {...}`
 * over an async mirror of the MicroPython API. Every env call is one syscall
 * (`sys`); the kernel answers them one at a time, so runs stay deterministic.
 * The same env serves scripts in a worker thread (the default: ./worker.js)
 * and functions run in the main process (./runtime.ts, for tests).
 */
import { BOARD_PERSONALITY, scriptSocketConstants } from '../../../stack/personality';
import { ERRNO_KEYBOARD_INTERRUPT, type SysValue } from '../contract';

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
  /** `value`: an int, or the option's packed bytes (SO_LINGER on the PC). */
  setsockopt(level: number, opt: number, value: number | Uint8Array): Promise<void>;
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
    /** The personality's numbers (stack/personality): SOL_SOCKET, SO_REUSEADDR, TCP_NODELAY, MSG_DONTWAIT, ... */
    SOL_SOCKET: number;
    SO_REUSEADDR: number;
    [name: string]: unknown;
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


/** How a kernel error reaches the script: KeyboardInterrupt for Ctrl-C, else OSError(errno). */
export function kernelError(errno: number): Error {
  return errno === ERRNO_KEYBOARD_INTERRUPT ? new KeyboardInterrupt() : new OSError(errno);
}

/** How a script's end becomes its exit: [code, reason]. */
export function exitOf(e: unknown, filename: string): [number, string] {
  if (e === undefined) return [0, ''];
  if (e instanceof KeyboardInterrupt || (e instanceof Error && e.name === 'KeyboardInterrupt')) return [130, 'KeyboardInterrupt'];
  const text = e instanceof OSError ? `OSError: ${e.errno}` : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return [1, `${filename}: ${text}`];
}

export type Sys = (op: string, ...args: SysValue[]) => Promise<SysValue>;

/** The script's env over a syscall function. */
export function makeEnv(sys: Sys, personality: 'esp32' | 'pc'): TsEnv {
  const socketObj = (fd: number): TsSocket => {
    const mk = (f: number) => socketObj(f);
    return {
      fd,
      bind: async ([ip, port]) => void (await sys('socket.bind', fd, ip, port)),
      listen: async (backlog) => void (await sys('socket.listen', fd, backlog ?? null)),
      accept: async () => {
        const [nfd, ip, port] = (await sys('socket.accept', fd)) as [number, string, number];
        return [mk(nfd), [ip, port]];
      },
      connect: async ([ip, port]) => void (await sys('socket.connect', fd, await resolve(ip), port)),
      send: async (data, flags = 0) => (await sys('socket.send', fd, flags, toBytes(data))) as number,
      sendall: async (data) => void (await sys('socket.sendall', fd, toBytes(data))),
      sendto: async (data, [ip, port]) => (await sys('socket.sendto', fd, 0, await resolve(ip), port, toBytes(data))) as number,
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
  };

  const resolve = async (host: string): Promise<string> =>
    /^\d+\.\d+\.\d+\.\d+$/.test(host) || host === '' ? host || '0.0.0.0' : ((await sys('resolve', host)) as string);
  {
    const consts = scriptSocketConstants(BOARD_PERSONALITY[personality]);
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
        socket: async (af = 2, type = 1, proto = 0) => socketObj((await sys('socket.socket', af, type, proto)) as number),
        getaddrinfo: async (host, port) => [[2, 1, 0, host, [await resolve(host), port]]],
        poll: async (entries, timeoutMs) => (await sys('socket.poll', entries, timeoutMs === null ? null : timeoutMs * 1000)) as [number, number][],
        ...consts,
        AF_INET: 2,
        SOCK_STREAM: 1,
        SOCK_DGRAM: 2,
        SOL_SOCKET: consts.SOL_SOCKET,
        SO_REUSEADDR: consts.SO_REUSEADDR,
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
