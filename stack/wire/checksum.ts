/**
 * RFC 1071 Internet checksum. On the TCP hot path: four 16-bit words per loop
 * step into a plain (double) accumulator, folded once at the end. A double
 * holds the unfolded sum exactly for any buffer we will ever see (2^53 / 2^16
 * words). The unfolded sum is the plain sum of the words (same value as one
 * word per step), so partial sums stay interchangeable.
 */
import type { Ipv4Addr } from './types';

/** Unfolded one's-complement partial sum of `data` as big-endian 16-bit words (odd tail padded with 0). */
export function sumWords(data: Uint8Array, initial = 0): number {
  let sum = initial;
  const n = data.length;
  const by8 = n & ~7;
  let i = 0;
  for (; i < by8; i += 8) {
    sum +=
      ((data[i] << 8) | data[i + 1]) +
      ((data[i + 2] << 8) | data[i + 3]) +
      ((data[i + 4] << 8) | data[i + 5]) +
      ((data[i + 6] << 8) | data[i + 7]);
  }
  const even = n & ~1;
  for (; i < even; i += 2) sum += (data[i] << 8) | data[i + 1];
  if (n & 1) sum += data[n - 1] << 8;
  return sum;
}

/** Folds a partial sum to 16 bits with end-around carry (not complemented). */
export function foldSum(sum: number): number {
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

/** The 16-bit value to store in a checksum field: ~fold(initial + words(data)). */
export function internetChecksum(data: Uint8Array, initial = 0): number {
  return ~foldSum(sumWords(data, initial)) & 0xffff;
}

/** Unfolded sum of the TCP/UDP IPv4 pseudo-header (src, dst, zero+proto, length). */
export function pseudoHeaderSum(src: Ipv4Addr, dst: Ipv4Addr, proto: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + (proto & 0xff) + (length & 0xffff);
}

/** True when `data` (checksum field included) sums to 0xffff, i.e. the checksum verifies. */
export function checksumOk(data: Uint8Array, initial = 0): boolean {
  return foldSum(sumWords(data, initial)) === 0xffff;
}
