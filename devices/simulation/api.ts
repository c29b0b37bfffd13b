/**
 * The library API (the package's main export builds on it): what a jest test or
 * the scenario runner uses to build and drive a simulation. Implemented by
 * devices/simulation.ts. Times are virtual microseconds.
 */
import type { Capture } from '../../sim/capture';
import type { PcapWriter } from '../../sim/pcap';
import type { RunOutcome, Simulator } from '../../sim/simulator';
import type { BoardApi, ConsoleApi } from '../contracts';
import type { NetworkSpec } from '../ap/router';
import type { LinkSpec } from '../medium/link';
import type { ScriptSpec, ScriptState } from '../runtime/contract';
import type { PartSpec } from '../esp32/parts/spec';

import type { InternetService, ServiceSpec } from '../internet/spec';
import type { MqttEvent, RoutedMessage } from '../internet/mqtt/log';
import type { HttpRequestRecord } from '../internet/http/server';
import type { GatewaySpec, HostGateway } from '../internet/gateway';
import type { TapPort } from '../ap/tap-port';
import type { ExternalInput } from './external';

export type { LinkSpec } from '../medium/link';
export type { InternetHostSpec, InternetService, ServiceSpec, HttpRoute } from '../internet/spec';
export type { MqttEvent, MqttEventKind, RoutedMessage } from '../internet/mqtt/log';
export type { HttpRequestRecord } from '../internet/http/server';
export type { ExternalInput } from './external';
export type { ExposeSpec, ForwardSpec, GatewaySpec, GatewayOutput } from '../internet/gateway';
export type { PartSpec, PartType, SignalSpec } from '../esp32/parts/spec';
export type { NetworkSpec } from '../ap/router';
export type { ScriptSpec, ScriptState } from '../runtime/contract';
/** The wall-clock safety net of a whole simulation when SimulationOptions.wallTimeoutMs is not given: 10 minutes. */
export const DEFAULT_WALL_TIMEOUT_MS = 600_000;

export interface DeviceSpec {
  id: string;
  board: 'esp32' | 'pc';
  /** Without one, a device with `files` runs /main.py from its flash (after boot.py on an ESP32). */
  script?: ScriptSpec;
  /**
   * Files on the board's flash at power-on, by path ('boot.py', 'lib/protocol.py'): a multi-file
   * project. An ESP32 mounts its flash at `/` (without files it holds the default boot.py), a PC
   * at its working directory /home/user.
   */
  files?: Record<string, string | Uint8Array>;
  /** ESP32/PC on DHCP: reservation. PC with `static: true`: static address. */
  ip?: string;
  static?: boolean;
  /** ESP32: 'auto' joins `network` at boot before main.py (tutorial firmware), 'none' leaves it to the script. PCs always join. */
  wifi?: 'auto' | 'none';
  /** Power-on time. */
  startUs?: number;
  /** Lines for input()/raw_input(). */
  stdin?: string[];
  link?: LinkSpec;
  /** MicroPython heap of this board in bytes (ESP32 default: what a WROOM module without PSRAM offers). */
  heapBytes?: number;
  /** PC only: a service it runs once it has its address (an MQTT broker on the LAN, a web server...); its log is the PC's console. */
  service?: ServiceSpec;
  /** ESP32: parts wired to its pins (buttons, potentiometers, DHT11/22, NeoPixel strips, DS18B20s). */
  parts?: PartSpec[];
}

/** A retained message the broker holds now. */
export interface RetainedMessage {
  topic: string;
  payload: Uint8Array;
  text: string;
  qos: number;
}

/** What an MQTT broker did: every event (connect, subscribe, publish, will, ...) and every message it routed. */
export interface MqttBrokerView {
  readonly events: readonly MqttEvent[];
  readonly messages: readonly RoutedMessage[];
  retained(): RetainedMessage[];
  /** Client ids connected now. */
  clients(): string[];
}

export interface HttpServerView {
  /** Every request the server answered, with its status. */
  readonly requests: readonly HttpRequestRecord[];
}

/** A host running a built-in service: an internet host (by its name) or a LAN PC with `service` (by its id). */
export interface ServiceHandle {
  readonly id: string;
  readonly service: InternetService;
  /** The port it listens on (0 while a LAN PC has no address yet). */
  readonly port: number;
  /** The service's log lines (a LAN PC's console). */
  readonly log: ConsoleApi;
  /** Present for an mqtt service. */
  readonly mqtt?: MqttBrokerView;
  /** Present for an http service. */
  readonly http?: HttpServerView;
  running(): boolean;
}

/** A part as a DeviceHandle lists it. */
export interface PartInfo {
  id: string;
  type: string;
  pin: number;
}

export interface SimulationOptions {
  seed?: number;
  network?: NetworkSpec;
  /**
   * The simulated world's date at virtual time 0 (what NTP serves and a PC's clock shows): an ISO 8601
   * UTC date-time ("2026-09-01T08:00:00Z") or Unix seconds. Default 2026-01-01T00:00:00Z.
   */
  clock?: string | number;
  /** Wall-clock budget for a script to reach its next kernel call (runaway loop watchdog), ms. Default 5000. */
  watchdogMs?: number;
  /** Cap on each MicroPython VM's wasm memory in bytes (a refused growth is a MemoryError). Default: its heap + 2 MiB. */
  memoryCapBytes?: number;
  /**
   * Wall-clock budget for the whole simulation (all run() calls together), ms: a safety net
   * against runs that stop making virtual progress. Past it, run() resolves 'wall-timeout'
   * and wallTimeout() names the device that was running. Default 600000 (10 minutes).
   */
  wallTimeoutMs?: number;
  /**
   * Test hook: each MicroPython worker sleeps a random wall time up to this
   * (ms) before every kernel call, to prove thread timing cannot change results.
   */
  workerJitterMs?: number;
  /** Test hook: every MicroPython VM collects garbage at every kernel call (the result must not change). */
  gcEveryCall?: boolean;
  /** A host gateway on the WAN side for port forwards into the simulation and exposed host services (live mode). */
  gateway?: GatewaySpec;
  /** A TAP station on the lab WiFi: Linux's frames arrive as external inputs (live mode). */
  tap?: boolean;
}


export interface DeviceHandle {
  readonly id: string;
  readonly kind: 'esp32' | 'pc';
  readonly board: BoardApi;
  readonly console: ConsoleApi;
  /** Current level of a GPIO pin (ESP32). */
  pin(n: number): number;
  pinHistory(n: number): [number, number][];
  /** Drive an input pin from outside (e.g. the BOOT button on GPIO 0). */
  setPin(n: number, value: number): void;
  scriptState(): ScriptState;
  /** Exit code: 0 normal, 1 crashed (uncaught exception), 130 KeyboardInterrupt; undefined while running. */
  exitCode(): number | undefined;
  /** Traceback / reason text when crashed or killed. */
  failure(): string | undefined;
  writeStdin(line: string): void;
  /** Ctrl-C: raises KeyboardInterrupt in the script at its next kernel call; the OS then closes its sockets. */
  interrupt(): void;
  reset(): void;
  setLink(spec: LinkSpec): void;
  ip(): string;
  counters(): Record<string, number>;
  /** ESP32: its parts (the BOOT button "boot" always). */
  parts(): PartInfo[];
  /** Presses / releases a button part (or the BOOT button, "boot"). */
  press(part: string): void;
  release(part: string): void;
  /** Sets the voltage of an analog part (by id, or the ADC pin it is wired to). */
  setAnalog(target: string | number, volts: number): void;
  /** Sets what a DHT11/DHT22 or DS18B20 measures (°C, %RH). */
  setSensor(part: string, values: { temperature?: number; humidity?: number }): void;
  /** The colours a NeoPixel strip shows, as last written: [r, g, b] (or [r, g, b, w]) per pixel. */
  neopixel(part: string): number[][];
  /** Pin changes since a virtual time (µs): [time, level] pairs (wait-pin-change). */
  pinChangesSince(pin: number, us: number): [number, number][];
  /** A file on the board's flash as it is now (undefined: no such file, or no flash). */
  readFile?(path: string): Uint8Array | undefined;
  /** Every file on the board's flash (absolute paths, sorted). */
  listFiles?(): string[];
}

/** Something the user should know about a run that no script printed (e.g. a station refused by a full access point). */
export interface Notice {
  t: number;
  device: string;
  text: string;
}

/** How run() ended: the kernel's outcomes, or the wall-clock safety net (SimulationOptions.wallTimeoutMs). */
export type SimRunOutcome = RunOutcome | 'wall-timeout';

export interface SimulationApi {
  readonly sim: Simulator;
  addDevice(spec: DeviceSpec): DeviceHandle;
  device(id: string): DeviceHandle;
  devices(): DeviceHandle[];
  /** Hosts running built-in services (internet hosts and LAN PCs with `service`), in the order they were added. */
  services?(): ServiceHandle[];
  /** The service host with this id or internet name. */
  service?(id: string): ServiceHandle;
  /** Runs for a virtual duration / until an absolute time / until a condition. */
  run(opts: { forUs?: number; untilUs?: number; stopWhen?: () => boolean }): Promise<SimRunOutcome>;
  /** After a 'wall-timeout' outcome: which device was running and for how long (wall ms). */
  wallTimeout(): { device: string | undefined; wallMs: number } | undefined;
  /**
   * Observes every frame put on the air in any BSS (the lab's and soft-APs'), once each, with its
   * virtual time. Returns a function that stops the observation.
   */
  onFrame(fn: (us: number, frame: Uint8Array) => void): () => void;
  /** Observes every 802.11 frame sent between radios outside a BSS (ESP-NOW and its ACKs), with its channel and rate. */
  onRadioFrame(fn: (us: number, frame: Uint8Array, channel: number, rateKbps: number) => void): () => void;
  /** Observes notices (a station refused by a full access point, ...): the runner shows them in its output. */
  onNotice(fn: (n: Notice) => void): () => void;
  /** Captures every frame seen by any NIC on the LAN (AP side, so each frame once): onFrame into a PcapWriter. */
  attachPcap(): PcapWriter;
  /** Captures both views: every LAN frame as attachPcap does, and every 802.11 frame outside a BSS with radiotap (ESP-NOW). */
  attachCapture(): Capture;
  /**
   * Applies an external input (a typed line, Ctrl-C, host bytes, a TAP frame) at the current virtual
   * time, traced so a replay applies it again; call between run() calls. tcp-open answers the connection number.
   */
  input?(ev: ExternalInput): number | undefined;
  /** Present when SimulationOptions.gateway asked for it: set its onOutput to hear the simulation's answers. */
  readonly gateway?: HostGateway;
  /** Present when SimulationOptions.tap asked for it: set its onFrame to hear frames for Linux. */
  readonly tap?: TapPort;
  /** Terminates worker threads; call at the end of every test. */
  close(): Promise<void>;
}
