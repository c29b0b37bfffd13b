/**
 * The BSD-style socket layer of one device, as scripts (MicroPython or
 * TypeScript) see it through the device OS. Every call either completes at
 * once or later through its callback; the socket layer itself implements
 * blocking, non-blocking and timeout modes (in virtual time) and returns errno
 * numbers of the device's personality. Nothing here ever throws on bad input
 * from a script: it answers { ok: false, errno }.
 */
import type { Personality } from '../personality';

export type Fd = number;

export interface SockAddr {
  ip: string;
  port: number;
}

export type SockResult<T = undefined> = { ok: true; value: T } | { ok: false; errno: number };
export type SockCallback<T = undefined> = (r: SockResult<T>) => void;
/**
 * setsockopt's answer. `warning` is text the runtime prints to the console
 * (MicroPython ESP32: "Warning: lwip.setsockopt() option not implemented").
 */
export type SockOptResult = SockResult & { warning?: string };

export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;

export const MSG_PEEK = 1;
/** lwIP/ESP32 value, accepted on every personality (Linux's own 0x40 too: Personality.msgDontwait). */
export const MSG_DONTWAIT = 8;

/** poll/select event bits (MicroPython's values). */
export const POLLIN = 1;
export const POLLOUT = 4;
export const POLLERR = 8;
export const POLLHUP = 16;
export const POLLNVAL = 32;

export interface SocketApi {
  /** The device's personality: its errno numbers, socket options and limits. */
  readonly personality: Personality;
  socket(af: number, type: number, proto: number): SockResult<Fd>;
  bind(fd: Fd, addr: SockAddr): SockResult;
  listen(fd: Fd, backlog?: number): SockResult;
  accept(fd: Fd, cb: SockCallback<{ fd: Fd; addr: SockAddr }>): void;
  connect(fd: Fd, addr: SockAddr, cb: SockCallback): void;
  /** Returns how many bytes were queued (may be fewer than given). */
  send(fd: Fd, data: Uint8Array, flags: number, cb: SockCallback<number>): void;
  /** Queues all of `data`, blocking as needed. */
  sendall(fd: Fd, data: Uint8Array, cb: SockCallback): void;
  sendto(fd: Fd, data: Uint8Array, addr: SockAddr, flags: number, cb: SockCallback<number>): void;
  /** Resolves with b"" at EOF. */
  recv(fd: Fd, max: number, flags: number, cb: SockCallback<Uint8Array>): void;
  recvfrom(fd: Fd, max: number, flags: number, cb: SockCallback<{ data: Uint8Array; addr: SockAddr }>): void;
  /** `value`: an int, or the option's bytes (SO_LINGER's struct linger). */
  setsockopt(fd: Fd, level: number, opt: number, value: number | Uint8Array): SockOptResult;
  /** null = blocking forever, 0 = non-blocking, else seconds. */
  settimeout(fd: Fd, seconds: number | null): SockResult;
  setblocking(fd: Fd, flag: boolean): SockResult;
  close(fd: Fd): SockResult;
  /** Current readiness bits of one socket (POLLIN|POLLOUT|POLLHUP|POLLNVAL...). */
  readiness(fd: Fd): number;
  /**
   * Waits until any of `fds` has any of its requested events, or `timeoutUs`
   * passes (null = forever, 0 = just look). Answers the ready list. May return a
   * function that ends the wait without answering (the OS also waits on stdin).
   */
  poll(
    entries: { fd: Fd; events: number }[],
    timeoutUs: number | null,
    cb: (ready: { fd: Fd; revents: number }[]) => void,
  ): void | (() => void);
  /** Closes everything without sending anything (device reset / power off). */
  destroyAll(): void;
  /** Closes everything as an OS does when a process dies (RST for unread data, FIN otherwise). */
  closeAll(): void;
}
