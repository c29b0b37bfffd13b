/**
 * What a board offers its script's OS (devices/script/os.ts), and what the
 * library API offers a test. Implemented by devices/esp32 and devices/pc;
 * consumed by the script runtimes and the scenario runner.
 */
import type { Simulator } from '../sim/simulator';
import type { SocketApi } from '../stack/socket/api';
import type { SysResult, SysValue } from './runtime/contract';

/** MicroPython network.STAT_* codes (ESP32 port). */
export const STAT_IDLE = 1000;
export const STAT_CONNECTING = 1001;
export const STAT_GOT_IP = 1010;
export const STAT_BEACON_TIMEOUT = 200;
export const STAT_NO_AP_FOUND = 201;
export const STAT_WRONG_PASSWORD = 202;
export const STAT_ASSOC_FAIL = 203;
export const STAT_HANDSHAKE_TIMEOUT = 204;

/** (ip, netmask, gateway, dns) as dotted strings, like WLAN.ifconfig(). */
export type IfConfig = [string, string, string, string];

export interface ScanResult {
  ssid: string;
  bssid: Uint8Array;
  channel: number;
  rssi: number;
  security: number; // 3 = WPA2-PSK
  hidden: boolean;
}

/** network.WLAN(STA_IF) / WLAN(AP_IF) of one board. */
export interface WlanApi {
  readonly mode: 'sta' | 'ap';
  active(on?: boolean): boolean;
  /** Starts joining; progress is visible through status(). */
  connect(ssid: string, password: string, bssid?: string): void;
  disconnect(): void;
  status(): number;
  isconnected(): boolean;
  ifconfig(): IfConfig;
  /** Static config, or 'dhcp' to go back to DHCP. */
  setIfconfig(cfg: IfConfig | 'dhcp'): void;
  /** config('mac' | 'ssid' | 'essid' | 'channel' | 'hostname' | 'password' ...). undefined = unknown key. */
  config(key: string): string | number | Uint8Array | undefined;
  setConfig(values: Record<string, string | number>): void;
  scan(cb: (results: ScanResult[]) => void): void;
  rssi(): number;
  /** AP mode: MACs of associated stations. */
  stations(): Uint8Array[];
}

export interface GpioApi {
  read(pin: number): number;
  write(pin: number, value: number): void;
  /** 'od' = open drain: value 1 releases the line (the pull-up or an outside driver sets it). */
  mode(pin: number, mode: 'in' | 'out' | 'od', pull?: 'up' | 'down' | null): void;
  /** PWM on a pin: freq in Hz, duty 0..1023 (MicroPython ESP32 duty()), or null to stop. */
  pwm(pin: number, freq: number | null, duty: number | null): void;
  /** Level history of a pin: [time µs, level] (PWM is recorded as its duty fraction 0..1). */
  history(pin: number): [number, number][];
}

export interface ConsoleLine {
  t: number;
  text: string;
}

/**
 * A board's serial console. Memory is bounded: it keeps a tail (the last MiB of text and the last
 * 10,000 lines); offsets are absolute since power-on, so readers that keep their place never rescan.
 */
export interface ConsoleApi {
  /** Raw text as printed (print() adds "\n"); lines are split on "\n". */
  write(text: string): void;
  /** Completed lines still kept (all of them unless more than 10,000 were printed). */
  readonly lines: readonly ConsoleLine[];
  /** Completed lines since power-on: `lines[0]` is line number `lineCount - lines.length`. */
  readonly lineCount: number;
  /** Characters printed since power-on. */
  readonly written: number;
  /** The kept text as one string (everything unless more than a MiB was printed). */
  text(): string;
  /** Text from absolute character offset `from` on (as far back as the tail reaches). */
  textSince(from: number): string;
  /** Called for every completed line; returns an unsubscribe function. */
  onLine(fn: (line: ConsoleLine) => void): () => void;
}

export interface StdinApi {
  /** Answers the next line (without "\n") when one is available; waits otherwise (a user who stops typing). */
  readLine(cb: (line: string) => void): void;
  /** Adds a line as if typed (scenario write-serial / stdin list). */
  push(line: string): void;
  /** Lines typed ahead and not read yet (select.poll on sys.stdin). */
  pending?(): number;
  /** Calls `fn` once when a line is queued; the returned function forgets it. */
  whenReadable?(fn: () => void): () => void;
}

/** A board's real-time clock (machine.RTC, time.time()): µs since the board's epoch. */
export interface RtcApi {
  nowUs(): number;
  set(us: number): void;
}

/**
 * The board's line of pending callbacks (MicroPython's scheduler queue as the hardware fills it):
 * timer expiries, pin edges, received ESP-NOW packets. The script takes the entries at its next
 * safe point (devices/runtime/process.ts parks a blocking call to let it).
 */
export interface IrqLine {
  /** Entries raised and not taken yet. */
  readonly pending: number;
  /** Called after an entry was raised (not while the line is masked, e.g. in light sleep). */
  onRaise(fn: () => void): () => void;
  /** The pending entries, oldest first, as [kind, id] pairs; the line is then empty. */
  take(max?: number): SysValue[];
}

/** Something select.poll can wait on besides sockets and stdin (the ESP-NOW receive buffer). */
export interface PollSource {
  /** POLLIN / POLLOUT bits that hold now. */
  ready(events: number): number;
  /** Calls `fn` once something may have changed; the returned function forgets it. */
  whenChanged(fn: () => void): () => void;
}

export interface BoardApi {
  readonly id: string;
  readonly kind: 'esp32' | 'pc';
  readonly sim: Simulator;
  readonly sockets: SocketApi;
  readonly console: ConsoleApi;
  readonly stdin: StdinApi;
  /** ESP32 only. */
  readonly gpio?: GpioApi;
  /** ESP32: STA_IF = 0, AP_IF = 1. PCs have none. */
  wlan(iface: number): WlanApi | undefined;
  /** DNS lookup through the device's resolver (IP literals answer at once). undefined = not found. */
  resolve(host: string, cb: (ip: string | undefined) => void): void;
  /** The device's own address (station IP), '0.0.0.0' when none. */
  ipAddress(): string;
  /** Virtual CPU time each kernel call costs (ESP32 tens of µs, PC far less). */
  readonly syscallCostUs: number;
  /** machine.reset(): reboot (sockets gone, script restarts). */
  reset(): void;
  uniqueId(): Uint8Array;
  /** ESP32: µs since 2000-01-01 (the port's epoch), 0 at power-on; PC: Unix µs of the simulated world's clock. */
  readonly rtc?: RtcApi;
  /**
   * The lab WiFi this board's firmware knows (what the tutorial's emp_wifi.Wifi.connect() joins).
   * The Simulation already joins it before the script starts when the device has `wifi: 'auto'`.
   */
  readonly labNetwork?: { ssid: string; password: string };
  /** ESP32: pending callbacks for the script's safe points. */
  readonly irqs?: IrqLine;
  /**
   * ESP32 peripherals (timers, pin IRQs, ADC, watchdog, sleep, parts, ESP-NOW): carries out `op`
   * if it is one of theirs and returns true; `answer` is then called exactly once.
   */
  peripheralCall?(op: string, args: SysValue[], answer: (r: SysResult) => void): boolean;
  /** select.poll: a non-socket fd the board serves (undefined: not one of its). */
  pollSource?(fd: number): PollSource | undefined;
}
