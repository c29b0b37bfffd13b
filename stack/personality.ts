/**
 * Per-device OS personality: errno numbers and the socket-layer behaviour that
 * differs between an ESP32 running MicroPython (newlib + lwIP) and a Linux PC
 * running CPython. The socket layer never hard-codes a number: it asks here.
 *
 * ESP32 numbers are newlib's sys/errno.h (ESP-IDF builds MicroPython with the
 * system errno, so `OSError: [Errno 104] ECONNRESET` shows newlib's 104);
 * lwIP's err_to_errno() maps its err_t codes onto them. Linux numbers are
 * asm-generic/errno.h.
 */
import type { TcpError } from './tcp/api';
import type { IpSendResult } from './contracts';

export type ErrnoName =
  | 'EPERM'
  | 'ENOENT'
  | 'EIO'
  | 'EBADF'
  | 'EAGAIN'
  | 'ENOMEM'
  | 'EACCES'
  | 'EEXIST'
  | 'ENODEV'
  | 'EISDIR'
  | 'EINVAL'
  | 'ENFILE'
  | 'EMFILE'
  | 'EPIPE'
  | 'EOPNOTSUPP'
  | 'ECONNRESET'
  | 'ENOBUFS'
  | 'EAFNOSUPPORT'
  | 'ENOPROTOOPT'
  | 'ECONNREFUSED'
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'ECONNABORTED'
  | 'ENETUNREACH'
  | 'ETIMEDOUT'
  | 'EHOSTUNREACH'
  | 'EINPROGRESS'
  | 'EALREADY'
  | 'EDESTADDRREQ'
  | 'EMSGSIZE'
  | 'EISCONN'
  | 'ENOTCONN';

export type ErrnoTable = Readonly<Record<ErrnoName, number>>;

/** newlib sys/errno.h (what MicroPython on ESP32 reports). */
export const NEWLIB_ERRNO: ErrnoTable = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  EBADF: 9,
  EAGAIN: 11, // = EWOULDBLOCK
  ENOMEM: 12,
  EACCES: 13,
  EEXIST: 17,
  ENODEV: 19,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23, // lwIP: out of sockets
  EMFILE: 24,
  EPIPE: 32,
  EOPNOTSUPP: 95,
  ECONNRESET: 104,
  ENOBUFS: 105,
  EAFNOSUPPORT: 106,
  ENOPROTOOPT: 109,
  ECONNREFUSED: 111,
  EADDRINUSE: 112,
  ECONNABORTED: 113,
  ENETUNREACH: 114,
  ETIMEDOUT: 116,
  EHOSTUNREACH: 118,
  EINPROGRESS: 119,
  EALREADY: 120,
  EDESTADDRREQ: 121,
  EMSGSIZE: 122,
  EADDRNOTAVAIL: 125,
  EISCONN: 127,
  ENOTCONN: 128,
};

/** Linux asm-generic/errno.h (what CPython on a PC reports). */
export const LINUX_ERRNO: ErrnoTable = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EEXIST: 17,
  ENODEV: 19,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  EPIPE: 32,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENETUNREACH: 101,
  ECONNABORTED: 103,
  ECONNRESET: 104,
  ENOBUFS: 105,
  EISCONN: 106,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EHOSTUNREACH: 113,
  EALREADY: 114,
  EINPROGRESS: 115,
  EDESTADDRREQ: 89,
  EMSGSIZE: 90,
  ENOPROTOOPT: 92,
};

/**
 * The names MicroPython's `errno` module knows (py/moderrno.c default
 * MICROPY_PY_ERRNO_LIST, which the ESP32 port uses). OSError text shows
 * `[Errno n] NAME` only for these; other numbers print bare.
 */
export const MICROPYTHON_ERRNO_NAMES: readonly ErrnoName[] = [
  'EPERM',
  'ENOENT',
  'EIO',
  'EBADF',
  'EAGAIN',
  'ENOMEM',
  'EACCES',
  'EEXIST',
  'ENODEV',
  'EISDIR',
  'EINVAL',
  'EOPNOTSUPP',
  'EADDRINUSE',
  'ECONNABORTED',
  'ECONNRESET',
  'ENOBUFS',
  'ENOTCONN',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'EALREADY',
  'EINPROGRESS',
];

/** Socket option numbers as the personality's scripts pass them. */
export interface SockoptNumbers {
  SOL_SOCKET: number;
  SO_REUSEADDR: number;
  SO_KEEPALIVE: number;
  SO_BROADCAST: number;
  IPPROTO_TCP: number;
  TCP_NODELAY: number;
}

export interface Personality {
  name: 'esp32' | 'linux';
  errno: ErrnoTable;
  /** Names known to the script runtime's errno module (for OSError text). */
  errnoNames: readonly ErrnoName[];
  /** Sockets one device (process) may hold open. */
  maxSockets: number;
  /** Errno when the socket table is full (ESP32 lwIP: ENFILE; Linux: EMFILE). */
  tooManySockets: ErrnoName;
  /** First fd handed out (ESP-IDF: LWIP_SOCKET_OFFSET = FD_SETSIZE 64 - 10 sockets = 54; Linux: 3). */
  firstFd: number;
  /**
   * MicroPython on ESP32 waits in slices of this many µs (SOCKET_POLL_US):
   * a timeout of t ms allows floor(t/100)+1 slices, and answers EAGAIN when
   * floor(t/100) is 0, ETIMEDOUT otherwise. null = exact deadline (CPython).
   */
  recvTimeoutSliceUs: number | null;
  /** listen() without a backlog (MicroPython ESP32: 2; Linux SOMAXCONN 4096). */
  defaultBacklog: number;
  /** Why a TCP connection died → errno. */
  tcpErrors: Readonly<Record<TcpError, ErrnoName>>;
  /** IP send failures (UDP sendto, TCP connect) → errno. */
  ipErrors: Readonly<Record<Exclude<IpSendResult, 'sent' | 'queued'>, ErrnoName>>;
  /**
   * How many recv() calls report a connection error: lwIP queues the error in
   * the receive mailbox AND keeps it pending (2); Linux reports sk_err once (1).
   */
  errorRecvReports: number;
  /** After the error was reported: recv answers ENOTCONN (lwIP) or b"" (Linux). */
  afterErrorRecv: 'ENOTCONN' | 'eof';
  /** After the error was reported: send answers ENOTCONN (lwIP) or EPIPE (Linux). */
  afterErrorSend: ErrnoName;
  /** send() on a TCP socket that never connected. */
  sendUnconnected: ErrnoName;
  /** send() on an unconnected UDP socket. */
  sendUnconnectedUdp: ErrnoName;
  /** A blocking send with a timeout: keep going until the deadline (MicroPython) or return the first partial write (CPython). */
  timeoutSend: 'deadline' | 'first-partial';
  /** sendall() in non-blocking mode that could not queue everything. */
  sendallNonBlocking: ErrnoName;
  /** Free send-buffer bytes above which POLLOUT is reported (lwIP TCP_SNDLOWAT). */
  sndLowWater: number;
  /** Report POLLERR (Linux) or never (MicroPython ESP32 maps lwIP's exceptfds to POLLHUP). */
  pollErr: boolean;
  /** A failed connect leaves the socket dead (lwIP) or reusable for another connect (Linux). */
  reconnectAfterFailure: boolean;
  /** accept() with a full socket table drops the connection (lwIP) or leaves it queued (Linux). */
  acceptFullDrops: boolean;
  /** Per-socket UDP receive queue. lwIP: recvmbox of 6 datagrams; Linux: rmem_default bytes. */
  udpQueue: { maxDatagrams: number; maxBytes: number };
  /** Extra MSG_DONTWAIT bits accepted besides the API's 8 (Linux's 0x40). */
  dontwaitBits: number;
  sockopt: SockoptNumbers;
  /**
   * Options the runtime implements, as (level, opt) → implemented. MicroPython
   * ESP32 switches on the option number only and prints
   * "Warning: lwip.setsockopt() option not implemented" for the rest.
   */
  optionImplemented(level: number, opt: number): boolean;
}

/** What MicroPython prints for an unsupported setsockopt option on ESP32. */
export const ESP32_SETSOCKOPT_WARNING = 'Warning: lwip.setsockopt() option not implemented';

// MicroPython ports/esp32/modsocket.c socket_setsockopt: SO_REUSEADDR 4, SO_BROADCAST 0x20,
// SO_BINDTODEVICE 25, the events callback 20, TCP_NODELAY 1, IP_ADD_MEMBERSHIP 3.
const ESP32_IMPLEMENTED_OPTS = new Set([4, 0x20, 25, 20, 1, 3]);

export const ESP32_PERSONALITY: Personality = {
  name: 'esp32',
  errno: NEWLIB_ERRNO,
  errnoNames: MICROPYTHON_ERRNO_NAMES,
  maxSockets: 10, // CONFIG_LWIP_MAX_SOCKETS
  tooManySockets: 'ENFILE',
  firstFd: 54,
  recvTimeoutSliceUs: 100_000,
  defaultBacklog: 2, // MICROPY_PY_SOCKET_LISTEN_BACKLOG_DEFAULT
  tcpErrors: {
    reset: 'ECONNRESET', // ERR_RST
    refused: 'ECONNRESET', // RST in SYN-SENT is ERR_RST too
    'syn-timeout': 'ECONNABORTED', // tcp_slowtmr purges with ERR_ABRT
    'rtx-timeout': 'ECONNABORTED',
    'keepalive-timeout': 'ECONNABORTED',
    aborted: 'ECONNABORTED',
  },
  ipErrors: { 'no-route': 'EHOSTUNREACH', 'no-address': 'EHOSTUNREACH', 'link-down': 'EHOSTUNREACH', 'too-big': 'EMSGSIZE' },
  errorRecvReports: 2,
  afterErrorRecv: 'ENOTCONN',
  afterErrorSend: 'ENOTCONN',
  sendUnconnected: 'ENOTCONN',
  sendUnconnectedUdp: 'ENOTCONN',
  timeoutSend: 'deadline',
  sendallNonBlocking: 'ETIMEDOUT', // modsocket.c socket_sendall: r < len → MP_ETIMEDOUT
  sndLowWater: 2881, // TCP_SNDLOWAT = min(max(5760/2, 2*1440+1), 5760-1)
  pollErr: false,
  reconnectAfterFailure: false,
  acceptFullDrops: true,
  udpQueue: { maxDatagrams: 6, maxBytes: Number.MAX_SAFE_INTEGER }, // CONFIG_LWIP_UDP_RECVMBOX_SIZE
  dontwaitBits: 0,
  sockopt: { SOL_SOCKET: 0xfff, SO_REUSEADDR: 4, SO_KEEPALIVE: 8, SO_BROADCAST: 0x20, IPPROTO_TCP: 6, TCP_NODELAY: 1 },
  optionImplemented: (_level, opt) => ESP32_IMPLEMENTED_OPTS.has(opt),
};

export const LINUX_PERSONALITY: Personality = {
  name: 'linux',
  errno: LINUX_ERRNO,
  errnoNames: Object.keys(LINUX_ERRNO) as ErrnoName[],
  maxSockets: 1021, // ulimit -n 1024 minus stdin/stdout/stderr
  tooManySockets: 'EMFILE',
  firstFd: 3,
  recvTimeoutSliceUs: null,
  defaultBacklog: 4096,
  tcpErrors: {
    reset: 'ECONNRESET',
    refused: 'ECONNREFUSED',
    'syn-timeout': 'ETIMEDOUT',
    'rtx-timeout': 'ETIMEDOUT',
    'keepalive-timeout': 'ETIMEDOUT',
    aborted: 'ECONNABORTED',
  },
  ipErrors: { 'no-route': 'ENETUNREACH', 'no-address': 'ENETUNREACH', 'link-down': 'ENETUNREACH', 'too-big': 'EMSGSIZE' },
  errorRecvReports: 1,
  afterErrorRecv: 'eof',
  afterErrorSend: 'EPIPE',
  sendUnconnected: 'EPIPE',
  sendUnconnectedUdp: 'EDESTADDRREQ',
  timeoutSend: 'first-partial',
  sendallNonBlocking: 'EAGAIN',
  sndLowWater: 0,
  pollErr: true,
  reconnectAfterFailure: true,
  acceptFullDrops: false,
  udpQueue: { maxDatagrams: Number.MAX_SAFE_INTEGER, maxBytes: 212_992 }, // net.core.rmem_default
  dontwaitBits: 0x40,
  sockopt: { SOL_SOCKET: 1, SO_REUSEADDR: 2, SO_KEEPALIVE: 9, SO_BROADCAST: 6, IPPROTO_TCP: 6, TCP_NODELAY: 1 },
  optionImplemented: () => true,
};

export function personalityByName(name: 'esp32' | 'linux'): Personality {
  return name === 'esp32' ? ESP32_PERSONALITY : LINUX_PERSONALITY;
}

/** errno number of a name under a personality. */
export function errnoOf(p: Personality, name: ErrnoName): number {
  return p.errno[name];
}

/**
 * The name a script's OSError shows for `n` (`[Errno 104] ECONNRESET`), or
 * undefined when the runtime's errno module does not know it (bare number).
 */
export function errnoName(p: Personality, n: number): string | undefined {
  for (const name of p.errnoNames) if (p.errno[name] === n) return name;
  return undefined;
}

/** OSError text as the personality prints it: `[Errno 104] ECONNRESET` or the bare number. */
export function osErrorText(p: Personality, n: number): string {
  const name = errnoName(p, n);
  return name ? `[Errno ${n}] ${name}` : String(n);
}
