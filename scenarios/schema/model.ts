/**
 * A validated scenario: what schema.ts produces from YAML and what runner.ts
 * runs. Devices and the network are already in the library API's terms
 * (devices/api.ts); steps keep their source line for messages.
 */
import type { DeviceSpec, LinkSpec, NetworkSpec } from '../../devices/simulation/api';

interface StepBase {
  /** Line of the step in the YAML (1-based). */
  line: number;
  /** Optional `name:` given in the YAML (Wokwi allows one per step). */
  name?: string;
}

export type StepAction =
    | { kind: 'wait-serial'; device: string; text: string; timeoutUs?: number }
    | { kind: 'expect-serial'; device: string; text: string }
    | { kind: 'write-serial'; device: string; text: string }
    | { kind: 'delay'; us: number }
    | { kind: 'expect-pin'; device: string; pin: number; value: number }
    | { kind: 'wait-pin'; device: string; pin: number; value: number; timeoutUs?: number }
    | { kind: 'set-pin'; device: string; pin: number; value: number }
    | { kind: 'link'; device: string; link: LinkSpec }
    | { kind: 'reset'; device: string }
    | { kind: 'stop'; device: string; timeoutUs?: number }
    | { kind: 'expect-exit'; device: string; code: number; timeoutUs?: number }
    // Parts (schema/part-steps.ts): a button held `forUs` is released by the step itself.
    | { kind: 'press'; device: string; part: string; forUs?: number }
    | { kind: 'release'; device: string; part: string }
    /** An analog part (by id, or the one on `pin`) set to `volts`; `position` kept for the label (a potentiometer). */
    | { kind: 'set-analog'; device: string; part: string; volts: number; position?: number }
    | { kind: 'set-sensor'; device: string; part: string; temperature?: number; humidity?: number }
    /** Pixel `pixel` (or every pixel, `pixels`) equals the colours; with a timeout, waits until it does. */
    | { kind: 'expect-neopixel'; device: string; part: string; pixel?: number; color?: number[]; pixels?: number[][]; timeoutUs?: number }
    /** Waits until `pin` changes level `count` times (default 1) from the step's start. */
    | { kind: 'wait-pin-change'; device: string; pin: number; count: number; timeoutUs?: number }
    /** A file on the device's flash (absolute path): exists, contains a text, equals one, or is absent; wait-file waits until it does. */
    | { kind: 'expect-file' | 'wait-file'; device: string; path: string; contains?: string; equals?: string; absent?: boolean; timeoutUs?: number }
    | ({ kind: 'expect-mqtt' | 'wait-mqtt'; broker: string; timeoutUs?: number } & MqttMatch)
    | ({ kind: 'expect-http-request' | 'wait-http-request'; host: string; timeoutUs?: number } & HttpMatch);

/** What an MQTT step looks for among the messages a broker routed. */
export interface MqttMatch {
  /** A topic or a topic filter (+ and # match as in a subscription). */
  topic: string;
  /** The whole payload, as text. */
  payload?: string;
  /** Text the payload contains. */
  contains?: string;
  /** The publishing client's id. */
  from?: string;
  retain?: boolean;
  qos?: number;
}

/** What an HTTP step looks for in a server's request log. */
export interface HttpMatch {
  method?: string;
  /** The path (without the query); a trailing * matches any path starting with the rest. */
  path: string;
  status?: number;
  /** Text the request body contains. */
  body?: string;
}

export type Step = StepBase & StepAction;

export type StepKind = Step['kind'];

export interface ScriptInfo {
  device: string;
  /** Path as written in the YAML (relative to the scenario), and where it was read from (for messages only). */
  ref: string;
  path: string;
  sha256: string;
  /** The script's text exactly as run (a trace carries it). */
  source: string;
  language: 'micropython' | 'typescript';
}

export interface Scenario {
  name: string;
  description?: string;
  version: number;
  seed: number;
  timeoutUs: number;
  /** The world's date at virtual time 0 (SimulationOptions.clock), as written. */
  clock?: string | number;
  /** Wall-clock limits (ms): between kernel calls (`watchdog:`) and for the whole run (`wall-timeout:`). */
  watchdogMs?: number;
  wallTimeoutMs?: number;
  network: NetworkSpec;
  devices: DeviceSpec[];
  steps: Step[];
  /** Where it came from: the path as given, its directory (absolute) and the YAML text. */
  file: string;
  dir: string;
  text: string;
  scripts: ScriptInfo[];
  /** Text files the scenario's services read (HTTP route files), by the path the YAML gives: a trace carries them. */
  dataFiles?: { ref: string; text: string }[];
}

export interface ScenarioError {
  file: string;
  line: number;
  message: string;
  /** The text of that line, shown under the message. */
  source?: string;
}

export function formatError(e: ScenarioError): string {
  const head = `${e.file}:${e.line}: ${e.message}`;
  if (e.source === undefined || !e.source.trim()) return head;
  const shown = e.source.replace(/\t/g, '→   ').replace(/\r$/, '');
  return `${head}\n  ${String(e.line).padStart(4)} | ${shown.length > 100 ? shown.slice(0, 99) + '…' : shown}`;
}

/** A short human label for a step: `wait-serial esp32 "tcp waiting"`. */
export function stepLabel(s: Step): string {
  if (s.name) return s.name;
  const q = (t: string) => JSON.stringify(t);
  switch (s.kind) {
    case 'wait-serial':
    case 'expect-serial':
    case 'write-serial':
      return `${s.kind} ${s.device} ${q(s.text)}`;
    case 'delay':
      return `delay ${fmtUs(s.us)}`;
    case 'expect-pin':
    case 'wait-pin':
    case 'set-pin':
      return `${s.kind} ${s.device} pin ${s.pin} = ${s.value}`;
    case 'link': {
      const parts = Object.entries(s.link).map(([k, v]) => `${k}=${v}`);
      return `link ${s.device} ${parts.join(' ')}`;
    }
    case 'expect-exit':
      return `expect-exit ${s.device} code ${s.code}`;
    case 'expect-mqtt':
    case 'wait-mqtt': {
      const what = s.payload !== undefined ? ` ${q(s.payload)}` : s.contains !== undefined ? ` containing ${q(s.contains)}` : '';
      return `${s.kind} ${s.broker} ${s.topic}${what}${s.from ? ` from ${s.from}` : ''}`;
    }
    case 'expect-http-request':
    case 'wait-http-request':
      return `${s.kind} ${s.host} ${s.method ?? 'any'} ${s.path}${s.status ? ` → ${s.status}` : ''}`;
    case 'press':
      return `press ${s.device} ${s.part}${s.forUs !== undefined ? ` for ${fmtUs(s.forUs)}` : ''}`;
    case 'release':
      return `release ${s.device} ${s.part}`;
    case 'set-analog':
      return `set-analog ${s.device} ${s.part} = ${s.position !== undefined ? `${+(s.position * 100).toFixed(3)}%` : `${+s.volts.toFixed(4)}V`}`;
    case 'set-sensor':
      return `set-sensor ${s.device} ${s.part}${s.temperature !== undefined ? ` ${s.temperature}°C` : ''}${s.humidity !== undefined ? ` ${s.humidity}%RH` : ''}`;
    case 'expect-neopixel':
      return `expect-neopixel ${s.device} ${s.part} ${s.pixels ? s.pixels.map(colorText).join(' ') : `pixel ${s.pixel ?? 0} = ${colorText(s.color ?? [])}`}`;
    case 'wait-pin-change':
      return `wait-pin-change ${s.device} pin ${s.pin}${s.count !== 1 ? ` ×${s.count}` : ''}`;
    case 'expect-file':
    case 'wait-file':
      return `${s.kind} ${s.device} ${s.path}${s.absent ? ' absent' : s.equals !== undefined ? ` = ${q(s.equals)}` : s.contains !== undefined ? ` containing ${q(s.contains)}` : ''}`;
    default:
      return `${s.kind} ${s.device}`;
  }
}

/** A pixel's colour as #rrggbb (#rrggbbww with white). */
export function colorText(c: readonly number[]): string {
  return '#' + c.map((x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * The one duration format of every message, virtual or wall: seconds with up
 * to six decimals below a minute (0.5s, 1.393333s, 30s), then h/m/s (10m,
 * 1m30.5s, 2h). The timeline's time column is the same seconds, padded.
 */
export function fmtUs(us: number): string {
  const trim = (x: string) => (x.includes('.') ? x.replace(/\.?0+$/, '') : x);
  const neg = us < 0 ? '-' : '';
  us = Math.abs(Math.round(us));
  if (us < 60e6) return `${neg}${trim((us / 1e6).toFixed(6))}s`;
  const h = Math.floor(us / 3600e6);
  const m = Math.floor((us % 3600e6) / 60e6);
  const s = trim(((us % 60e6) / 1e6).toFixed(3));
  return neg + (h ? `${h}h` : '') + (m ? `${m}m` : '') + (s !== '0' ? `${s}s` : '');
}

/** A wall-clock duration in milliseconds, in the same format (millisecond precision). */
export function fmtMs(ms: number): string {
  return fmtUs(Math.round(ms) * 1000);
}
