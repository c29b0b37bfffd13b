/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4), the one place for
 * it. A sequence number is held as a signed 32-bit integer (the same 32 bits
 * as on the wire, read with `| 0`): V8 keeps such values as small integers,
 * where the unsigned form of a random ISS (half of them >= 2^31) is a boxed
 * double on every update. Print one with `>>> 0`; comparisons use the signed
 * 32-bit difference.
 */

/** a + n modulo 2^32, as a sequence number. */
export function seqAdd(a: number, n: number): number {
  return (a + n) | 0;
}

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
