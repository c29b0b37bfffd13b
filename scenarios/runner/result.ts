/**
 * What a run gives back: the verdict and its exit code, each step with its
 * virtual and wall times, each device's final state and console, notices and
 * the trace. The exit codes are the command's (Wokwi's 0/1/2/42 plus ours).
 */
import type { CaptureFormat } from '../../sim/capture';
import type { ConsoleLine } from '../../devices/contracts';
import type { Notice, ScriptState, SimulationApi, SimulationOptions } from '../../devices/simulation/api';
import type { Scenario, Step } from '../schema/model';
import type { TimelineEvent } from './observe';
import type { InputSource } from './live';
import type { GatewaySpec } from '../../devices/simulation/api';

/**
 * What makes a run live (and what its trace header keeps, so a replay rebuilds the same
 * simulation): the console typed into, the host gateway's forwards and exposed services, the TAP.
 */
export interface LiveSetup {
  /** The device whose console the user types into: its scenario stdin lines are left out. */
  attach?: string;
  gateway?: GatewaySpec;
  tap?: boolean;
}

export interface LiveRunOptions extends LiveSetup {
  /** Paces the run and hands it the external inputs (runner/live.ts LiveInputs, or ReplayInputs). */
  inputs: InputSource;
  /** Called once the simulation exists, before it runs (hook the gateway's and TAP's outputs here). */
  onSimulation?: (api: SimulationApi) => void;
}

export const EXIT_OK = 0;
export const EXIT_FAIL = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_TIMEOUT = 42;
/** The wall-clock limit of the whole run was reached (the run stopped making virtual progress). */
export const EXIT_WALL_TIMEOUT = 43;
/** Stopped by Ctrl-C (128 + SIGINT, as shells report it). */
export const EXIT_INTERRUPTED = 130;
export type ExitCode = 0 | 1 | 2 | 42 | 43 | 130;

/** Every exit code with its meaning, for --help and the README. */
export const EXIT_CODES: readonly [ExitCode, string][] = [
  [EXIT_OK, 'all steps passed (or, without steps, every script ended well)'],
  [EXIT_FAIL, 'a step failed, a script crashed, or a --fail-text was printed'],
  [EXIT_BAD_INPUT, 'bad input: a scenario, script, trace or option is wrong (the message names file:line)'],
  [EXIT_TIMEOUT, 'timeout: the virtual time budget ran out (as Wokwi\'s CLI)'],
  [EXIT_WALL_TIMEOUT, 'wall-clock limit: the run stopped making virtual progress (--wall-timeout)'],
  [EXIT_INTERRUPTED, 'interrupted with Ctrl-C (the summary so far is printed)'],
];

export type SimulationFactory = (opts: SimulationOptions) => SimulationApi | Promise<SimulationApi>;

export interface RunnerOptions {
  /** Builds the simulation (default: the library's Simulation, loaded on first use). */
  createSimulation?: SimulationFactory;
  /** Override the scenario's seed / virtual timeout / wall-clock limits. */
  seed?: number;
  timeoutUs?: number;
  watchdogMs?: number;
  wallTimeoutMs?: number;
  memoryCapBytes?: number;
  /** Keep the trace records in the result (for --trace and replay). */
  recordTrace?: boolean;
  /** Capture a pcap (result.pcap). */
  pcap?: boolean;
  /**
   * Its file format (sim/capture.ts): 'auto' (default) is classic pcap, as every lab's capture has
   * always been, unless the run had 802.11 frames (ESP-NOW), then pcapng; 'pcapng' always pcapng.
   */
  pcapFormat?: CaptureFormat;
  /** Each frame as seen on the LAN (AP side), for --packets. */
  frames?: boolean;
  /** Any device printing one of these fails the run at once (--fail-text). */
  failText?: readonly string[];
  /** A bare run: ending at the timeout with scripts still running is exit 42 (as Wokwi's CLI). */
  timeoutFails?: boolean;
  /** Ctrl-C: the run stops at the next chunk of virtual time with exit 130. */
  signal?: AbortSignal;
  onEvent?: (ev: TimelineEvent) => void;
  /** Called between chunks of virtual time (never influences the run). */
  onProgress?: (nowUs: number, endUs: number) => void;
  /** Wall clock for the reports' wall times only (never reaches the simulation). */
  wallMs?: () => number;
  /**
   * A live run: the steps are not checked (the user drives the devices), virtual time advances as
   * `live.inputs` allows, and every input it hands over is applied and traced. The run ends when
   * every script has ended, at the timeout, or at an `end` input.
   */
  live?: LiveRunOptions;
}

export type StepStatus = 'passed' | 'failed' | 'skipped';

export interface StepResult {
  index: number;
  label: string;
  line: number;
  kind: Step['kind'];
  device?: string;
  status: StepStatus;
  message: string;
  startUs: number;
  endUs: number;
  wallMs: number;
}

export interface DeviceResult {
  id: string;
  kind: 'esp32' | 'pc';
  state: ScriptState;
  code: number | undefined;
  failure: string | undefined;
  /** The console as printed, with virtual timestamps (the last lines, when it is very long). */
  console: ConsoleLine[];
  counters: Record<string, number>;
}

export interface RunResult {
  scenario: Scenario;
  seed: number;
  timeoutUs: number;
  exitCode: ExitCode;
  /** One line: why the run ended. */
  reason: string;
  steps: StepResult[];
  devices: DeviceResult[];
  notices: Notice[];
  endUs: number;
  wallMs: number;
  /** The first unexpected script crash (traceback in `failure`). */
  crash?: { device: string; failure: string; t: number };
  /** Trace records as JSON lines (when recordTrace). */
  trace: string[];
  pcap?: Uint8Array;
  /** What result.pcap is. */
  pcapFormat?: 'pcap' | 'pcapng';
  /** A live run's setup (kept in its trace header). */
  live?: LiveSetup;
}
