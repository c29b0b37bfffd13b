/**
 * Value types of the scenario format: durations (500ms, 1.5s, 2m), fractions
 * (30% or 0.3), bit rates (20Mbit), IPv4 addresses and subnets. Each is a zod
 * schema whose error message is the text after `file:line: path: `.
 */
import { z } from 'zod';
import type { LinkSpec } from '../../devices/simulation/api';
import { parseDuration } from '../../sim/simulator';
import { parseClock } from '../../devices/clock';

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** A duration in virtual microseconds. */
export const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  try {
    return parseDuration(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: `${show(v)} is not a duration (use e.g. 500ms, 1.5s, 2m)` });
    return z.NEVER;
  }
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
export const fraction = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = parseFraction(v);
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
export const rate = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = parseRate(v);
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

export const ipv4 = z.string().refine(isIpv4, { error: (iss) => `${show(iss.input)} is not an IPv4 address` });

export const subnet = z.string().refine(
  (s) => {
    const [ip, len, ...rest] = s.split('/');
    return rest.length === 0 && isIpv4(ip) && /^\d{1,2}$/.test(len ?? '') && Number(len) >= 8 && Number(len) <= 30;
  },
  { error: (iss) => `${show(iss.input)} is not a subnet (use e.g. 192.168.1.0/24)` },
);

export const port = z.number().int().min(1).max(65535);

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
