/** The shape of a personality (esp32.ts, linux.ts). */
import type { IpSendResult } from '../contracts';
import type { TcpConfig, TcpError } from '../tcp/api';
import type { ErrnoName, ErrnoTable } from './errno';
import type { SockoptTable } from './sockopt';

export interface Personality {
  /** For messages and traces only. */
  name: 'esp32' | 'linux';
  errno: ErrnoTable;
  /** Names known to the script runtime's errno module (for OSError text). */
  errnoNames: readonly ErrnoName[];
  /** What OSError prints after `[Errno n]` (MicroPython: the errno name; CPython: strerror). */
  errnoText: Readonly<Record<number, string>>;
  /** getaddrinfo() failure for an unknown name (MicroPython ESP32: -202; glibc EAI_NONAME: -2). */
  resolveFailed: number;
  /** TCP parameters of this personality's stack (ESP-IDF 5.5 lwIP or Linux). */
  tcp: TcpConfig;
  /** Socket option numbers and what each does. */
  sockopt: SockoptTable;
  /** MSG_DONTWAIT as the personality's scripts pass it (lwIP 8, Linux 0x40; the API's 8 always works). */
  msgDontwait: number;
  /** Sockets one device (process) may hold open. */
  maxSockets: number;
  /** Errno when the socket table is full (ESP32 lwIP: ENFILE; Linux: EMFILE). */
  tooManySockets: ErrnoName;
  /** First fd handed out (ESP-IDF: LWIP_SOCKET_OFFSET = FD_SETSIZE 64 - 10 sockets = 54; Linux: 3). */
  firstFd: number;
  /** socket() with a type other than SOCK_STREAM / SOCK_DGRAM (lwIP: EOPNOTSUPP; Linux SOCK_RAW unprivileged: EPERM). */
  unsupportedSocketType: ErrnoName;
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
  /** connect() again on a socket whose connection is gone (lwIP: ENOTCONN; Linux: EISCONN). */
  connectAfterDeath: ErrnoName;
  /** send() on a TCP socket that never connected. */
  sendUnconnected: ErrnoName;
  /** recv() on a bound, unconnected TCP socket: ENOTCONN (Linux), or it waits (lwIP treats it as connected). */
  recvBound: 'ENOTCONN' | 'block';
  /** poll() bits of a bound TCP socket that neither listens nor connects (lwIP: none; Linux: POLLOUT|POLLHUP). */
  boundReadiness: number;
  /** send() on an unconnected UDP socket. */
  sendUnconnectedUdp: ErrnoName;
  /** A limited broadcast needs SO_BROADCAST (Linux: EACCES without it; lwIP does not check). */
  broadcastNeedsOption: boolean;
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
}

