/**
 * Replay traces, portable and self-contained: a header line with the scenario
 * text, the content of every script it ran (by the name the YAML gives it,
 * relative, never a host path), seed and timeout; then the simulation's trace
 * records as JSON lines. Replaying runs exactly that content, nothing read
 * from disk, and compares record by record.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { sha256 } from '../schema/index';
import { issueMessages, type Path } from '../schema/issues';
import { MAX_DURATION_US } from '../schema/values';
import type { RunResult } from './result';

export const TRACE_FORMAT = 'esp32sim-trace';
export const TRACE_VERSION = 2;

const header = z.strictObject({
  format: z.literal(TRACE_FORMAT),
  version: z.literal(TRACE_VERSION),
  name: z.string(),
  /** The scenario's folder and file name, for messages only ("echo/scenario.yaml"). */
  file: z.string(),
  scenario: z.string().max(1024 * 1024),
  /** Every script the scenario ran, by the path written in the YAML → its text. */
  files: z.record(z.string(), z.string()),
  scripts: z.array(
    z.strictObject({
      device: z.string(),
      ref: z.string(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      language: z.enum(['micropython', 'typescript']),
    }),
  ),
  seed: z.number().int().min(0).max(2 ** 32 - 1),
  timeoutUs: z.number().int().min(1).max(MAX_DURATION_US),
  exitCode: z.number().int(),
  /** A live session (runner/result.ts LiveSetup): the replay rebuilds the same host links and applies the recorded inputs. */
  live: z
    .strictObject({
      attach: z.string().optional(),
      gateway: z
        .strictObject({
          forwards: z.array(z.strictObject({ proto: z.enum(['tcp', 'udp']), hostPort: z.number().int(), target: z.string(), port: z.number().int().min(1).max(65535) })).optional(),
          exposes: z.array(z.strictObject({ name: z.string(), hostIp: z.string(), port: z.number().int().min(1).max(65535) })).optional(),
        })
        .optional(),
      tap: z.boolean().optional(),
    })
    .optional(),
});

export type TraceHeader = z.infer<typeof header>;

/** The scenario's folder and file name: enough to recognise it, no host path. */
function shortName(file: string): string {
  const base = path.basename(file);
  const folder = path.basename(path.dirname(path.resolve(file)));
  return folder ? `${folder}/${base}` : base;
}

export function traceText(r: RunResult): string {
  const s = r.scenario;
  const files: Record<string, string> = {};
  for (const x of s.scripts) files[x.ref] = x.source;
  for (const x of s.dataFiles ?? []) files[x.ref] = x.text;
  const h: TraceHeader = {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    name: s.name,
    file: shortName(s.file),
    scenario: s.text,
    files,
    scripts: s.scripts.map((x) => ({ device: x.device, ref: x.ref, sha256: x.sha256, language: x.language })),
    seed: r.seed,
    timeoutUs: r.timeoutUs,
    exitCode: r.exitCode,
    ...(r.live ? { live: r.live } : {}),
  };
  return [JSON.stringify(h), ...r.trace].join('\n') + '\n';
}

export type ParsedTrace = { ok: true; header: TraceHeader; records: string[] } | { ok: false; line: number; error: string };

export function parseTrace(text: string): ParsedTrace {
  // A trace that went through a Windows checkout has CRLF line ends: the records are the same.
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  let raw: unknown;
  try {
    raw = JSON.parse(lines[0] ?? '');
  } catch {
    return { ok: false, line: 1, error: 'not an esp32sim trace (the first line is not JSON)' };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw) || (raw as { format?: unknown }).format !== TRACE_FORMAT) {
    return { ok: false, line: 1, error: 'not an esp32sim trace (no esp32sim-trace header)' };
  }
  const version = (raw as { version?: unknown }).version;
  if (version === 1) return { ok: false, line: 1, error: 'a version 1 trace (from an older esp32sim: it names host paths and does not carry the scripts); record it again with run --trace' };
  if (version !== TRACE_VERSION) return { ok: false, line: 1, error: `trace version ${JSON.stringify(version)} is not supported (this esp32sim reads version ${TRACE_VERSION})` };
  const r = header.safeParse(raw);
  if (!r.success) {
    const at = (p: Path) => p.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), raw);
    const m = issueMessages(r.error.issues, at, () => [])[0];
    const where = m.path.length ? `${m.path.join('.')}: ` : '';
    return { ok: false, line: 1, error: `damaged trace header: ${where}${m.message}` };
  }
  const h = r.data;
  for (const s of h.scripts) {
    const content = h.files[s.ref];
    if (content === undefined) return { ok: false, line: 1, error: `damaged trace header: the script ${s.ref} of ${s.device} is not among its files` };
    if (sha256(content) !== s.sha256) return { ok: false, line: 1, error: `damaged trace header: the content of ${s.ref} does not match its sha256` };
  }
  const records = lines.slice(1);
  for (let i = 0; i < records.length; i++) {
    let rec: unknown;
    try {
      rec = JSON.parse(records[i]);
    } catch {
      rec = undefined;
    }
    if (!rec || typeof rec !== 'object' || typeof (rec as { t?: unknown }).t !== 'number') {
      return { ok: false, line: i + 2, error: 'damaged trace: this line is not a trace record (JSON with a time "t")' };
    }
  }
  return { ok: true, header: h, records };
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
