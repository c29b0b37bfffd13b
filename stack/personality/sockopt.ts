/**
 * Socket options, once per personality: the numbers a script passes and sees
 * as constants, and what each does. The socket layer resolves a script's
 * (level, option) here; the Python `socket` module and the TypeScript
 * runtime take their constants from the same table.
 */

/** What setsockopt() with an option does to the socket. */
export type SockoptEffect =
  /** An int (or a 4-byte buffer); nonzero switches the socket flag on. */
  | { kind: 'flag'; flag: SocketFlag }
  /** `struct linger { int l_onoff; int l_linger; }` in the host's byte order (little-endian). */
  | { kind: 'linger' }
  /** Accepted and answered OK, nothing to simulate (SO_BINDTODEVICE on one interface, multicast joins). */
  | { kind: 'accepted' }
  /** The runtime knows the constant but does not implement the option: the unknown-option answer. */
  | { kind: 'unimplemented' };

export type SocketFlag = 'reuseAddr' | 'broadcast' | 'keepAlive' | 'noDelay';

export type SockoptLevelName = 'SOL_SOCKET' | 'IPPROTO_IP' | 'IPPROTO_TCP';

export interface SockoptSpec {
  /** The constant's name in the script's socket module; undefined = not exported (an internal number). */
  name?: string;
  level: SockoptLevelName;
  number: number;
  effect: SockoptEffect;
}

export interface SockoptTable {
  /** Level numbers as scripts pass them. */
  levels: Readonly<Record<SockoptLevelName, number>>;
  options: readonly SockoptSpec[];
  /**
   * true: (level, option) selects the option (Linux). false: the option number
   * alone does, at any level (MicroPython's ESP32 port switches on it).
   */
  matchLevel: boolean;
  /** What setsockopt with an unknown or unimplemented option prints (undefined: accepted silently). */
  unknownWarning?: string;
}

/** The option `(level, opt)` names under `table`, or undefined when it knows none. */
export function resolveSockopt(table: SockoptTable, level: number, opt: number): SockoptSpec | undefined {
  for (const o of table.options) {
    if (o.number === opt && (!table.matchLevel || table.levels[o.level] === level)) return o;
  }
  return undefined;
}

/** The constants a script's socket module exports for options (levels and named options). */
export function sockoptConstants(table: SockoptTable): Record<string, number> {
  const out: Record<string, number> = { SOL_SOCKET: table.levels.SOL_SOCKET };
  for (const o of table.options) if (o.name) out[o.name] = o.number;
  return out;
}

/** What MicroPython prints for an unsupported setsockopt option on the ESP32 (modsocket.c). */
export const ESP32_SETSOCKOPT_WARNING = 'Warning: lwip.setsockopt() option not implemented';

/**
 * MicroPython 1.27 ports/esp32/modsocket.c socket_setsockopt switches on the
 * option number: SO_REUSEADDR 4, SO_BROADCAST 0x20, SO_BINDTODEVICE 25, its
 * "events callback" 20, TCP_NODELAY 1, IP_ADD_MEMBERSHIP 3; anything else
 * prints the warning. lwIP numbers (SOL_SOCKET 0xfff, SO_KEEPALIVE 8).
 */
export const ESP32_SOCKOPTS: SockoptTable = {
  levels: { SOL_SOCKET: 0xfff, IPPROTO_IP: 0, IPPROTO_TCP: 6 },
  matchLevel: false,
  unknownWarning: ESP32_SETSOCKOPT_WARNING,
  options: [
    { name: 'SO_REUSEADDR', level: 'SOL_SOCKET', number: 4, effect: { kind: 'flag', flag: 'reuseAddr' } },
    { name: 'SO_BROADCAST', level: 'SOL_SOCKET', number: 0x20, effect: { kind: 'flag', flag: 'broadcast' } },
    { name: 'SO_KEEPALIVE', level: 'SOL_SOCKET', number: 8, effect: { kind: 'unimplemented' } },
    { level: 'SOL_SOCKET', number: 25, effect: { kind: 'accepted' } }, // SO_BINDTODEVICE
    { level: 'SOL_SOCKET', number: 20, effect: { kind: 'accepted' } }, // MicroPython's events callback
    { name: 'TCP_NODELAY', level: 'IPPROTO_TCP', number: 1, effect: { kind: 'flag', flag: 'noDelay' } },
    { name: 'IP_ADD_MEMBERSHIP', level: 'IPPROTO_IP', number: 3, effect: { kind: 'accepted' } },
  ],
};

/** Linux asm-generic/socket.h, netinet/tcp.h and in.h numbers, as CPython's socket module has them. */
export const LINUX_SOCKOPTS: SockoptTable = {
  levels: { SOL_SOCKET: 1, IPPROTO_IP: 0, IPPROTO_TCP: 6 },
  matchLevel: true,
  options: [
    { name: 'SO_REUSEADDR', level: 'SOL_SOCKET', number: 2, effect: { kind: 'flag', flag: 'reuseAddr' } },
    { name: 'SO_BROADCAST', level: 'SOL_SOCKET', number: 6, effect: { kind: 'flag', flag: 'broadcast' } },
    { name: 'SO_KEEPALIVE', level: 'SOL_SOCKET', number: 9, effect: { kind: 'flag', flag: 'keepAlive' } },
    { name: 'SO_LINGER', level: 'SOL_SOCKET', number: 13, effect: { kind: 'linger' } },
    { name: 'TCP_NODELAY', level: 'IPPROTO_TCP', number: 1, effect: { kind: 'flag', flag: 'noDelay' } },
    { name: 'IP_ADD_MEMBERSHIP', level: 'IPPROTO_IP', number: 35, effect: { kind: 'accepted' } },
  ],
};
