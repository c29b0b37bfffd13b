/**
 * Command-line values, checked before anything runs: seeds and seed lists,
 * durations (always with a unit), wall-clock limits, and output paths (a file
 * that can be written, in a folder that exists).
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { parseDurationText } from '../schema/values';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const MAX_SEED = 2 ** 32 - 1;
/** A sweep of more runs than this is most likely a typo (1-50000). */
export const MAX_SEEDS = 1000;

export function parseSeed(text: string, opt = '--seed'): Parsed<number> {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { ok: false, error: `${opt} ${text}: expected a whole number from 0 to ${MAX_SEED}` };
  const n = Number(t);
  if (n > MAX_SEED) return { ok: false, error: `${opt} ${text}: too large (at most ${MAX_SEED})` };
  return { ok: true, value: n };
}

/** `1-50`, `3,7,13`, `1-10,20`: the seeds in order, each once. */
export function parseSeeds(text: string): Parsed<number[]> {
  const out: number[] = [];
  const seen = new Set<number>();
  const parts = text.split(',').map((p) => p.trim());
  if (!parts.length || parts.some((p) => p === '')) return { ok: false, error: `--seeds ${text}: expected a range or list like 1-50 or 3,7,13` };
  for (const p of parts) {
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(p);
    if (!m) return { ok: false, error: `--seeds ${text}: "${p}" is not a seed or a range (e.g. 1-50)` };
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    if (a > MAX_SEED || b > MAX_SEED) return { ok: false, error: `--seeds ${text}: seeds go up to ${MAX_SEED}` };
    if (b < a) return { ok: false, error: `--seeds ${text}: the range ${p} runs backwards (write ${b}-${a})` };
    if (b - a + out.length >= MAX_SEEDS) return { ok: false, error: `--seeds ${text}: more than ${MAX_SEEDS} runs` };
    for (let s = a; s <= b; s++) {
      if (!seen.has(s)) out.push(s);
      seen.add(s);
    }
  }
  return { ok: true, value: out };
}

/** A virtual duration with its unit, in µs. */
export function parseDurationOpt(opt: string, text: string): Parsed<number> {
  const r = parseDurationText(text);
  if ('error' in r) return { ok: false, error: `${opt} ${text}: ${r.error}` };
  if (r.us <= 0) return { ok: false, error: `${opt} ${text}: must be more than 0` };
  return { ok: true, value: r.us };
}

/** A wall-clock limit with its unit, in ms (at least 100ms). */
export function parseWallOpt(opt: string, text: string): Parsed<number> {
  const r = parseDurationOpt(opt, text);
  if (!r.ok) return r;
  if (r.value < 100_000) return { ok: false, error: `${opt} ${text}: too short for a wall-clock limit (at least 100ms)` };
  return { ok: true, value: Math.round(r.value / 1000) };
}

/**
 * Can `file` be written? Its folder must exist and the file be creatable or
 * writable; checked by opening it (so it holds for root and read-only mounts
 * alike), and a file created by the check is removed again.
 */
export function checkOutputFile(opt: string, file: string): string | undefined {
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir)) return `${opt} ${file}: the folder ${path.dirname(file)} does not exist`;
  if (!statSync(dir).isDirectory()) return `${opt} ${file}: ${path.dirname(file)} is not a folder`;
  if (existsSync(file) && statSync(file).isDirectory()) return `${opt} ${file}: is a folder (give a file name)`;
  const existed = existsSync(file);
  try {
    closeSync(openSync(file, 'a'));
    if (!existed) unlinkSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `${opt} ${file}: cannot write there (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : code})`;
  }
  return undefined;
}

/** A folder for output files: created (with its parents) when missing; must be writable. */
export function checkOutputDir(opt: string, dir: string): string | undefined {
  try {
    if (existsSync(dir) && !statSync(dir).isDirectory()) return `${opt} ${dir}: is a file, not a folder`;
    mkdirSync(dir, { recursive: true });
    return checkOutputFile(opt, path.join(dir, '.esp32sim-write-check'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `${opt} ${dir}: cannot create the folder (${code === 'EACCES' ? 'permission denied' : code})`;
  }
}

/** A sane ceiling for --jobs (each run holds its own VMs: ~12 MB each). */
export const MAX_JOBS = 64;

/** `--jobs N`: how many runs go at once, 1 (one after the other) to MAX_JOBS. */
export function parseJobs(text: string): Parsed<number> {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < 1) return { ok: false, error: `--jobs ${text}: expected a whole number of parallel runs, at least 1 (--jobs 1 runs one after the other)` };
  if (Number(t) > MAX_JOBS) return { ok: false, error: `--jobs ${text}: at most ${MAX_JOBS}` };
  return { ok: true, value: Number(t) };
}
