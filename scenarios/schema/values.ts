/**
 * Value types of the scenario format: durations (500ms, 1.5s, 2m), fractions
 * (30% or 0.3), bit rates (20Mbit), IPv4 addresses and subnets. Each is a zod
 * schema whose error message is the text after `file:line: path: `.
 */
import { z } from 'zod';
import type { LinkSpec } from '../../devices/simulation/api';
import { parseClock } from '../../devices/clock';
import { showValue } from './words';

const show = showValue;

const DURATION_UNITS: Record<string, number> = { us: 1, 'µs': 1, ms: 1e3, s: 1e6, m: 60e6, min: 60e6, h: 3600e6 };
/** The longest duration a scenario may ask for: 30 days. */
export const MAX_DURATION_US = 30 * 24 * 3600e6;

/**
 * A duration with its unit ("500ms", "1.5s", "2m", "1h") in microseconds, or why not.
 * A bare number is refused: "5" could mean seconds or milliseconds.
 */
export function parseDurationText(v: string | number): { us: number } | { error: string } {
  if (typeof v === 'number' || /^\s*[+-]?\d+(\.\d+)?\s*$/.test(String(v))) {
    if (typeof v === 'number' && !Number.isFinite(v)) return { error: `${show(v)} is not a duration (use e.g. 500ms, 1.5s, 2m)` };
    return { error: `${String(v).trim()} has no unit: write ${String(v).trim()}s or ${String(v).trim()}ms (units: us, ms, s, m, h)` };
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m|min|h)\s*$/.exec(v);
  if (!m) {
    if (/^\s*-/.test(v)) return { error: `${show(v)} is negative: a duration is 0 or more` };
    return { error: `${show(v)} is not a duration (use e.g. 500ms, 1.5s, 2m)` };
  }
  const us = Math.round(parseFloat(m[1]) * DURATION_UNITS[m[2]]);
  if (us > MAX_DURATION_US) return { error: `${show(v)} is too long (at most 30 days)` };
  return { us };
}

/** A duration in virtual microseconds. */
export const duration = z.unknown().transform((v, ctx) => {
  if (typeof v !== 'string' && typeof v !== 'number') {
    ctx.addIssue({ code: 'custom', message: `expected a duration like 30s or 500ms, got ${show(v)}` });
    return z.NEVER;
  }
  const r = parseDurationText(v);
  if ('error' in r) {
    ctx.addIssue({ code: 'custom', message: r.error });
    return z.NEVER;
  }
  return r.us;
});

/** A positive duration (timeouts: 0 would end before anything happens). */
export const positiveDuration = duration.refine((us) => us > 0, { error: 'must be more than 0 (e.g. 30s)' });

/** A wall-clock limit in milliseconds (watchdog, wall-timeout): at least 100 ms. */
export const wallDuration = duration.transform((us, ctx) => {
  if (us < 100_000) {
    ctx.addIssue({ code: 'custom', message: `${us / 1000}ms is too short for a wall-clock limit (at least 100ms)` });
    return z.NEVER;
  }
  return Math.round(us / 1000);
});

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 * 1024, mb: 1024 * 1024, mib: 1024 * 1024 };
export const MIN_HEAP = 16 * 1024;
export const MAX_HEAP = 8 * 1024 * 1024;

/** A byte size: 160K, 2M, 96KiB, or a bare number of bytes. */
export function parseSize(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? v : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(v);
  const mult = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
  if (!m || mult === undefined) return undefined;
  return Math.round(parseFloat(m[1]) * mult);
}

/** An ESP32 MicroPython heap size in bytes (16K to 8M). */
export const heapSize = z.unknown().transform((v, ctx) => {
  const n = typeof v === 'string' || typeof v === 'number' ? parseSize(v) : undefined;
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: `${show(v)} is not a size (use e.g. 96K, 160K, 2M)` });
    return z.NEVER;
  }
  if (n < MIN_HEAP || n > MAX_HEAP) {
    ctx.addIssue({ code: 'custom', message: `${show(v)} is outside what an ESP32 offers (16K to 8M; a WROOM without PSRAM has about 160K)` });
    return z.NEVER;
  }
  return n;
});

/** The world's date at virtual time 0: a UTC date-time (2026-09-01T08:00:00Z) or Unix seconds; kept as written. */
export const clock = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    parseClock(v);
    return v;
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

/** A probability 0..1 written as 30% or 0.3. */
export const fraction = z.unknown().transform((v, ctx) => {
  const n = typeof v === 'string' || typeof v === 'number' ? parseFraction(v) : undefined;
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: `${show(v)} is not a percentage (use e.g. 30% or 0.3)` });
    return z.NEVER;
  }
  return n;
});

export function parseFraction(v: string | number): number | undefined {
  let n: number;
  if (typeof v === 'number') n = v;
  else {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(%)?\s*$/.exec(v);
    if (!m) return undefined;
    n = parseFloat(m[1]) / (m[2] ? 100 : 1);
  }
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
}

const RATE_UNITS: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, bps: 1, kbps: 1e3, mbps: 1e6, gbps: 1e9 };

/** A bit rate in bits per second: 20Mbit, 54Mbps, 500kbit or a bare number. */
export const rate = z.unknown().transform((v, ctx) => {
  const n = typeof v === 'string' || typeof v === 'number' ? parseRate(v) : undefined;
  if (n === undefined) {
    ctx.addIssue({ code: 'custom', message: `${show(v)} is not a bit rate (use e.g. 20Mbit, 500kbit)` });
    return z.NEVER;
  }
  return n;
});

export function parseRate(v: string | number): number | undefined {
  if (typeof v === 'number') return v > 0 && Number.isFinite(v) ? v : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z/]*)\s*$/.exec(v);
  if (!m) return undefined;
  const unit = (m[2] || 'bit').toLowerCase().replace('/s', 'ps');
  const mult = RATE_UNITS[unit];
  const n = parseFloat(m[1]) * (mult ?? NaN);
  return n > 0 && Number.isFinite(n) ? Math.round(n) : undefined;
}

export function isIpv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

export const ipv4 = z.string().refine(isIpv4, { error: (iss) => `${show(iss.input)} is not an IPv4 address (four numbers 0-255, e.g. 192.168.1.50)` });

export const subnet = z.string().refine(
  (s) => {
    const [ip, len, ...rest] = s.split('/');
    return rest.length === 0 && isIpv4(ip) && /^\d{1,2}$/.test(len ?? '') && Number(len) >= 8 && Number(len) <= 30;
  },
  { error: (iss) => `${show(iss.input)} is not a subnet (use e.g. 192.168.1.0/24)` },
);

export const port = z.number().int().min(1).max(65535);

/** An IPv4 address as a 32-bit unsigned number (the text must be valid). */
export function ipNumber(s: string): number {
  return s.split('.').reduce((a, p) => a * 256 + Number(p), 0);
}

export function ipText(n: number): string {
  return [24, 16, 8, 0].map((b) => Math.floor(n / 2 ** b) % 256).join('.');
}

/** A device id: used as `device` / `part-id` in steps and in the trace. */
export const deviceId = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Link settings as written in YAML (already converted units) → the API's LinkSpec. */
export interface LinkFields {
  latency?: number;
  jitter?: number;
  loss?: number;
  duplicate?: number;
  reorder?: number;
  rate?: number;
  down?: boolean;
}

export function toLinkSpec(l: LinkFields): LinkSpec {
  const out: LinkSpec = {};
  if (l.latency !== undefined) out.latencyUs = l.latency;
  if (l.jitter !== undefined) out.jitterUs = l.jitter;
  if (l.loss !== undefined) out.loss = l.loss;
  if (l.duplicate !== undefined) out.duplicate = l.duplicate;
  if (l.reorder !== undefined) out.reorder = l.reorder;
  if (l.rate !== undefined) out.rateBps = l.rate;
  if (l.down !== undefined) out.down = l.down;
  return out;
}
