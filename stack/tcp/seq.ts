/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4). Plain functions on
 * unsigned 32-bit numbers; comparisons use the signed 32-bit difference.
 */

/** Signed distance a - b (negative when a is before b). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

export function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

export function seqGe(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

export function seqMax(a: number, b: number): number {
  return seqGt(a, b) ? a : b;
}
