/**
 * The TCP core's application interface, lwIP raw-API style: the socket layer
 * (stack/socket) drives protocol control blocks (PCBs) and is told what happened
 * through callbacks. Implemented in stack/tcp; consumed by stack/socket.
 */
import type { Ipv4Addr } from '../wire/types';

export type TcpStateName =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN-SENT'
  | 'SYN-RECEIVED'
  | 'ESTABLISHED'
  | 'FIN-WAIT-1'
  | 'FIN-WAIT-2'
  | 'CLOSE-WAIT'
  | 'CLOSING'
  | 'LAST-ACK'
  | 'TIME-WAIT';

/** Why a connection died. The socket layer maps these to the personality's errno. */
export type TcpError =
  | 'reset' // RST received (in SYN-SENT this is a refused connect)
  | 'refused' // RST in SYN-SENT (kept distinct so Linux can say ECONNREFUSED, ESP32 ECONNRESET)
  | 'syn-timeout' // SYN retransmissions exhausted (ESP32: ECONNABORTED)
  | 'rtx-timeout' // data retransmissions exhausted
  | 'keepalive-timeout'
  | 'aborted'; // aborted locally

/** Per-personality TCP parameters (ESP-IDF 5.5 lwIP defaults for the ESP32). */
export interface TcpConfig {
  mss: number; // 1440 on ESP32 (CONFIG_LWIP_TCP_MSS), 1460 on Linux
  sndBuf: number; // 5760 on ESP32
  rcvWnd: number; // 5760 on ESP32
  maxRtx: number; // TCP_MAXRTX 12
  synMaxRtx: number; // TCP_SYNMAXRTX 12 (ESP32), Linux tcp_syn_retries 6
  initialRtoUs: number; // 1.5 s on lwIP (3 slow ticks), 1 s on Linux
  minRtoUs: number;
  maxRtoUs: number;
  msl: number; // µs; TIME-WAIT lasts 2*msl (lwIP: 60 s → 120 s)
  finWait2TimeoutUs: number; // 20 s on lwIP
  /** A passive or simultaneous open stuck in SYN-RECEIVED is dropped after this (lwIP TCP_SYN_RCVD_TIMEOUT 20 s); 0 = never. */
  synRcvdTimeoutUs: number;
  delayedAckUs: number; // 250 ms lwIP fast timer
  /** lwIP counts timers in 500 ms slow ticks; Linux does not. */
  slowTickUs: number;
  keepIdleUs: number; // 7200 s
  keepIntvlUs: number; // 75 s
  keepCnt: number; // 9
  /** SYNs beyond the backlog are dropped silently (lwIP and Linux alike). */
  defaultBacklog: number;
  /** RST on close with unread data (both lwIP and Linux do this). */
  rstOnCloseWithUnread: boolean;
}

export interface TcpPcbEvents {
  /** Active open completed (SYN-SENT → ESTABLISHED). */
  onConnected?(): void;
  /** In-order data arrived; the application must call recved(n) once it has consumed n bytes. */
  onRecv?(data: Uint8Array): void;
  /** The peer sent FIN (no more data will arrive). */
  onFin?(): void;
  /** n bytes of ours were acknowledged (send buffer space freed). */
  onSent?(n: number): void;
  /** The connection is gone for `err`; the PCB is already CLOSED and freed. */
  onError?(err: TcpError): void;
  /** A listening PCB accepted a new connection (already ESTABLISHED). */
  onAccept?(pcb: TcpPcb): void;
  /** Every state change (the socket layer uses it for readiness). */
  onState?(from: TcpStateName, to: TcpStateName): void;
}

export interface TcpPcb {
  readonly id: number;
  readonly state: TcpStateName;
  readonly localIp: Ipv4Addr;
  readonly localPort: number;
  readonly remoteIp: Ipv4Addr;
  readonly remotePort: number;
  events: TcpPcbEvents;

  /** SO_REUSEADDR: allow binding a port held by a TIME-WAIT PCB. */
  reuseAddr: boolean;
  /** TCP_NODELAY: disables Nagle. */
  noDelay: boolean;
  /** SO_KEEPALIVE. */
  keepAlive: boolean;

  /** port 0 = ephemeral (lwIP range 49152-65535). */
  bind(ip: Ipv4Addr, port: number): 'ok' | 'in-use';
  /** Moves to LISTEN; backlog per personality (ESP32: 0 means 1). */
  listen(backlog: number): void;
  connect(ip: Ipv4Addr, port: number): 'ok' | 'no-route';
  /** Free space in the send buffer right now. */
  sndBufAvailable(): number;
  /** Queues (copies) up to sndBufAvailable() bytes of data[from..to) (default: all of it); returns how many were taken. */
  write(data: Uint8Array, from?: number, to?: number): number;
  /** Pushes queued data out now (lwIP tcp_output). */
  output(): void;
  /** Tells the core the application consumed n bytes (opens the receive window). */
  recved(n: number): void;
  /** Graceful close (FIN), or RST if unread data remains and the personality says so. */
  close(opts?: { unreadBytes?: number }): void;
  /** Half-close: FIN, keep receiving. */
  shutdownWrite(): void;
  /** Sends RST and frees the PCB. */
  abort(): void;
  /** Bytes received and delivered but not yet recved() by the app. */
  readonly rcvQueued: number;
  /**
   * A listener's child was taken by accept(): frees its backlog slot (lwIP
   * tcp_backlog_accepted). Until then it counts against the listener's backlog.
   */
  accepted?(): void;
}

export interface TcpLayerApi {
  createPcb(): TcpPcb;
  /** Number of PCBs in each state (for tests and `stats`). */
  pcbCount(): number;
  /** Drops every PCB without sending anything (power off). */
  destroyAll(): void;
  readonly counters: Record<string, number>;
}
