/** Test helpers: hex text ⇄ bytes, and expectations on typed parse errors. */
import type { ParseResult, WireErrorKind, WireLayer } from '../../../stack/wire/types';

export function hex(text: string): Uint8Array {
  const clean = text.replace(/[^0-9a-f]/gi, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** Unwraps an ok result (fails the test with the error otherwise). */
export function value<T>(r: ParseResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.layer}/${r.error.kind}: ${r.error.detail}`);
  return r.value;
}

/** The `layer/kind` of a failed result, or 'ok'. */
export function errorOf<T>(r: ParseResult<T>): string {
  return r.ok ? 'ok' : `${r.error.layer}/${r.error.kind}`;
}

export function expectError<T>(r: ParseResult<T>, layer: WireLayer, kind: WireErrorKind): void {
  expect(errorOf(r)).toBe(`${layer}/${kind}`);
}
