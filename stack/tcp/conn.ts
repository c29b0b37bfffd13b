/**
 * The two small contracts inside the TCP core, so that output.ts, timers.ts
 * and expire.ts work on "a connection" without importing the PCB class, and
 * the PCB works on "its layer" without importing the layer class (no import
 * cycle among index/input/output/pcb/timers).
 */
import type { Simulator } from '../../sim/simulator';
import type { Counters, IpLayer } from '../contracts';
import type { TcpRepr } from '../wire/tcp';
import type { Ipv4Addr } from '../wire/types';
import type { TcpConfig, TcpError } from './api';
import type { HotCounts } from './counts';
import type { Slab } from './slab';
import type { Tcb } from './tcb';
import type { TimerSlot } from './timer-slot';

/** What a connection needs of its device's TCP layer (TcpLayer in index.ts). */
export interface TcpHost {
  readonly sim: Simulator;
  readonly cfg: TcpConfig;
  readonly ip: IpLayer;
  readonly device: string;
  /** Where send-queue copies and segments are carved from. */
  readonly slab: Slab;
  readonly counters: Counters;
  /** The per-segment counts (see counts.ts; they show in `counters`). */
  readonly hot: HotCounts;
  /** The header sendSegment fills for transmit() (read before transmit returns, so one object serves). */
  readonly txSeg: TcpRepr;
  count(key: string, by?: number): void;
  /** Emits and sends one segment (`repr` is not kept). */
  transmit(src: Ipv4Addr, dst: Ipv4Addr, repr: TcpRepr): void;
  newIss(): number;
  ephemeralPort(): number | undefined;
  portInUse(ip: Ipv4Addr, port: number, self: Conn | undefined, any?: boolean): boolean;
  addConnection(c: Conn): void;
  addListener(c: Conn): void;
  /** Forgets a freed connection. */
  remove(c: Conn): void;
}

/** A connection as output, timers and timer expiry see it (Pcb in pcb.ts). */
export interface Conn {
  readonly host: TcpHost;
  readonly tcb: Tcb;
  readonly cfg: TcpConfig;
  readonly sim: Simulator;
  readonly localIp: Ipv4Addr;
  readonly localPort: number;
  readonly remoteIp: Ipv4Addr;
  readonly remotePort: number;
  readonly noDelay: boolean;
  readonly keepAlive: boolean;
  readonly reuseAddr: boolean;
  readonly bound: boolean;
  /** Registered in the connection table (has a remote end). */
  readonly connected: boolean;
  readonly freed: boolean;
  /** The current state's tags (see states.ts): `conn.is(SENDS_DATA)`. */
  is(tags: number): boolean;
  /** Retransmission, or zero-window probe while persist_backoff > 0 (one slot, as in lwIP). */
  readonly rtx: TimerSlot;
  readonly delack: TimerSlot;
  readonly keep: TimerSlot;
  count(key: string, by?: number): void;
  /** The connection is lost for `reason` (a timer ran out): CLOSED, error reported. */
  giveUp(reason: TcpError): void;
  /** RST|ACK of this connection. */
  sendRst(): void;
}
