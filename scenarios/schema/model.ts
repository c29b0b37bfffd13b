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
    | { kind: 'expect-exit'; device: string; code: number; timeoutUs?: number };

export type Step = StepBase & StepAction;

export type StepKind = Step['kind'];

export interface ScriptInfo {
  device: string;
  /** Path as written in the YAML, and resolved. */
  ref: string;
  path: string;
  sha256: string;
}

export interface Scenario {
  name: string;
  description?: string;
  version: number;
  seed: number;
  timeoutUs: number;
  /** The world's date at virtual time 0 (SimulationOptions.clock), as written. */
  clock?: string | number;
  network: NetworkSpec;
  devices: DeviceSpec[];
  steps: Step[];
  /** Where it came from: the path as given, its directory (absolute) and the YAML text. */
  file: string;
  dir: string;
  text: string;
  scripts: ScriptInfo[];
}

export interface ScenarioError {
  file: string;
  line: number;
  message: string;
}

export function formatError(e: ScenarioError): string {
  return `${e.file}:${e.line}: ${e.message}`;
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
    default:
      return `${s.kind} ${s.device}`;
  }
}

/** 1.5s / 1.393063s / 250ms / 40us */
export function fmtUs(us: number): string {
  const trim = (x: string) => x.replace(/\.?0+$/, '');
  if (us >= 1e6) return `${trim((us / 1e6).toFixed(6))}s`;
  if (us >= 1e3) return `${trim((us / 1e3).toFixed(3))}ms`;
  return `${us}us`;
}
