/**
 * Replay traces: a header line (the scenario text, where it came from, each
 * script's SHA-256, seed and timeout) followed by the simulation's trace
 * records as JSON lines. Replaying re-runs the header's scenario and compares
 * record by record.
 */
import type { RunResult } from './runner';

export const TRACE_FORMAT = 'esp32sim-trace';

export interface TraceHeader {
  format: typeof TRACE_FORMAT;
  version: 1;
  name: string;
  /** The scenario file as given, and the directory scripts are resolved from. */
  file: string;
  dir: string;
  scenario: string;
  scripts: { device: string; ref: string; sha256: string }[];
  seed: number;
  timeoutUs: number;
  exitCode: number;
}

export function traceText(r: RunResult): string {
  const s = r.scenario;
  const header: TraceHeader = {
    format: TRACE_FORMAT,
    version: 1,
    name: s.name,
    file: s.file,
    dir: s.dir,
    scenario: s.text,
    scripts: s.scripts.map((x) => ({ device: x.device, ref: x.ref, sha256: x.sha256 })),
    seed: r.seed,
    timeoutUs: r.timeoutUs,
    exitCode: r.exitCode,
  };
  return [JSON.stringify(header), ...r.trace].join('\n') + '\n';
}

export type ParsedTrace = { ok: true; header: TraceHeader; records: string[] } | { ok: false; error: string };

export function parseTrace(text: string): ParsedTrace {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let header: TraceHeader;
  try {
    header = JSON.parse(lines[0] ?? '') as TraceHeader;
  } catch {
    return { ok: false, error: 'line 1: not an esp32sim trace (the first line is not JSON)' };
  }
  if (!header || header.format !== TRACE_FORMAT) return { ok: false, error: 'line 1: not an esp32sim trace (no esp32sim-trace header)' };
  if (header.version !== 1) return { ok: false, error: `line 1: trace version ${String(header.version)} is not supported` };
  if (typeof header.scenario !== 'string' || typeof header.seed !== 'number') return { ok: false, error: 'line 1: trace header lacks the scenario or seed' };
  return { ok: true, header, records: lines.slice(1) };
}

export type TraceDiff =
  | { identical: true; count: number }
  | { identical: false; index: number; context: string[]; recorded: string | undefined; replayed: string | undefined };

/** Compares two record lists; on divergence, the first differing index with up to `contextN` records before it. */
export function compareTraces(recorded: readonly string[], replayed: readonly string[], contextN = 3): TraceDiff {
  const n = Math.max(recorded.length, replayed.length);
  for (let i = 0; i < n; i++) {
    if (recorded[i] !== replayed[i]) {
      return { identical: false, index: i, context: recorded.slice(Math.max(0, i - contextN), i), recorded: recorded[i], replayed: replayed[i] };
    }
  }
  return { identical: true, count: n };
}
