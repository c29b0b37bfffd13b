/**
 * What a socket object needs from its device's socket layer (the table, the
 * waits, the personality). Kept as a small interface so tcp-sock.ts and
 * udp-sock.ts do not depend on the layer class.
 */
import type { Simulator } from '../../sim/simulator';
import type { Counters, IpLayer } from '../contracts';
import type { ErrnoName, Personality, SocketFlag } from '../personality';
import type { TcpLayerApi } from '../tcp/api';
import type { UdpLayerApi } from '../udp/api';
import { parseIp, type Ipv4Addr } from '../wire/types';
import type { Fd, SockAddr, SockCallback, SockResult } from './api';
import type { WaitPlan, Waits } from './waits';

export interface SockHost {
  readonly sim: Simulator;
  readonly device: string;
  readonly p: Personality;
  readonly ip: IpLayer;
  readonly tcp: TcpLayerApi;
  readonly udp: UdpLayerApi;
  readonly waits: Waits;
  readonly counters: Counters;
  /** Something changed on a socket: re-check blocked calls and polls. */
  kick(): void;
  /** Gives an accepted connection an fd; undefined when the table is full. */
  adopt(sock: object): Fd | undefined;
  trace(kind: string, fields: Record<string, unknown>): void;
  /** `r` as the call `op` on `fd` answers it, its failure traced (EAGAIN and the like are not). */
  traced<T>(fd: Fd, op: string, r: SockResult<T>): SockResult<T>;
}

export function ok<T>(value: T): SockResult<T> {
  return { ok: true, value };
}

export const OK: SockResult = { ok: true, value: undefined };

export function fail<T = undefined>(p: Personality, name: ErrnoName): SockResult<T> {
  return { ok: false, errno: p.errno[name] };
}

export function failNo<T = undefined>(errno: number): SockResult<T> {
  return { ok: false, errno };
}

/** '' and '0.0.0.0' mean any address (MicroPython maps '' to 0.0.0.0). */
export function parseBindIp(text: string): Ipv4Addr | undefined {
  if (text === '' || text === '0.0.0.0') return 0;
  return parseIp(text);
}

/** Common state of TCP and UDP sockets. */
export interface SockBase {
  readonly type: 'tcp' | 'udp';
  fd: Fd | undefined;
  /** null = blocking, 0 = non-blocking, else seconds. */
  mode: number | null;
  readiness(): number;
  bind(addr: SockAddr): SockResult;
  setOption(name: SocketFlag, on: boolean): void;
  /** SO_LINGER: null = off, else seconds (0: close() resets the connection). */
  setLinger(seconds: number | null): void;
  /** Releases the socket's resources as close() does. */
  close(): void;
  /** Drops the socket without sending anything (power off). */
  destroy(): void;
}

/**
 * Runs `attempt` now; in non-blocking mode answers through `expire` if it did
 * not complete, otherwise blocks per `plan`. A close() of `owner` answers EBADF.
 */
export function waitFor<T>(
  host: SockHost,
  owner: object,
  plan: WaitPlan,
  attempt: () => boolean,
  expire: () => void,
  cb: SockCallback<T>,
): void {
  if (plan.nonBlocking) {
    if (!attempt()) expire();
    return;
  }
  host.waits.block(owner, attempt, plan.limitUs, expire, () => cb(fail(host.p, 'EBADF')));
}
