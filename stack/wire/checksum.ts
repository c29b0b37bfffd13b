/**
 * RFC 1071 Internet checksum. The TCP hot path sums the buffer's 32-bit words
 * in the host's (little-endian) order into plain (double) accumulators: by
 * RFC 1071 §2(B) the one's-complement sum of byte-swapped words is the
 * byte-swapped sum, so one swap of the folded result gives the big-endian one. Short, odd-aligned or big-endian inputs take
 * the byte loop. Either way the value is congruent to the plain sum of the
 * 16-bit words modulo 0xffff (and positive unless every word is zero), so
 * partial sums stay interchangeable and foldSum gives the same 16 bits.
 */
import { SIMD_SUM, type SimdSum } from './checksum-simd';
import { bytesView, copyBytes, type Ipv4Addr } from './types';

/** Inputs shorter than this are summed byte-wise (a word view costs more than it saves). */
const WIDE_MIN = 64;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Plain sum of the big-endian 16-bit words of data[from..to) (odd tail padded with 0). */
function sumBytes(data: Uint8Array, sum: number, from: number, to: number): number {
  let i = from;
  const by8 = from + ((to - from) & ~7);
  for (; i < by8; i += 8) {
    sum +=
      ((data[i] << 8) | data[i + 1]) +
      ((data[i + 2] << 8) | data[i + 3]) +
      ((data[i + 4] << 8) | data[i + 5]) +
      ((data[i + 6] << 8) | data[i + 7]);
  }
  const even = from + ((to - from) & ~1);
  for (; i < even; i += 2) sum += (data[i] << 8) | data[i + 1];
  if ((to - from) & 1) sum += data[to - 1] << 8;
  return sum;
}

/**
 * A 32-bit view of a whole buffer, remembered for the next input in the same
 * buffer: the frames of one sender are pieces of few large buffers (the TCP
 * slab), so one view serves many segments instead of a new one per checksum.
 * It also remembers the last input's byte offset: a typed array's `buffer` and
 * `byteOffset` getters cost tens of ns each, and a slab that hands out a piece
 * knows both (know()). One per user (no module state); it keeps the last
 * buffer alive.
 */
export class WordView {
  private buffer: ArrayBufferLike | undefined;
  /** The words of `buffer` (a word index is (byte offset in the buffer) / 4). */
  u32: Uint32Array = new Uint32Array(0);
  private data: Uint8Array | undefined;
  private base = 0;

  /** Makes u32 cover `data`'s buffer; returns data's byte offset in it. */
  place(data: Uint8Array): number {
    if (data === this.data) return this.base;
    const buffer = data.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.u32 = new Uint32Array(buffer, 0, buffer.byteLength >> 2);
    }
    this.data = data;
    return (this.base = data.byteOffset);
  }

  /** `data` lies at `byteOffset` of `buffer`, whose words are `u32` (from the buffer's start). */
  know(data: Uint8Array, buffer: ArrayBufferLike, u32: Uint32Array, byteOffset: number): void {
    this.data = data;
    this.buffer = buffer;
    this.u32 = u32;
    this.base = byteOffset;
  }
}

/**
 * One's-complement partial sum of data[from..to) as big-endian 16-bit words
 * counted from `from` (an odd tail is padded with 0), unfolded. `view`: see WordView.
 */
export function sumWords(data: Uint8Array, initial = 0, from = 0, to = data.length, view?: WordView): number {
  const n = to - from;
  if (n < WIDE_MIN || !LITTLE_ENDIAN) return sumBytes(data, initial, from, to);
  if (n >= SIMD_MIN && SIMD_SUM !== undefined && data.length <= SIMD_SUM.bytes.length) return sumSimd(SIMD_SUM, data, initial, from, to);
  const base = view ? view.place(data) : data.byteOffset;
  const off = base + from;
  if ((off & 1) !== 0) return sumBytes(data, initial, from, to);
  let sum = initial;
  let i = from;
  if (off & 2) {
    sum += (data[i] << 8) | data[i + 1];
    i += 2;
  }
  const words = (to - i) >> 2;
  let u32: Uint32Array;
  let k: number;
  if (view) {
    u32 = view.u32;
    k = (base + i) >> 2;
  } else {
    u32 = new Uint32Array(data.buffer, base + i, words);
    k = 0;
  }
  const end = k + words;
  // Whole 32-bit words: 2^16 ≡ 1 (mod 0xffff), so their plain sum is congruent to the sum of
  // their two 16-bit lanes. A double holds it exactly (fewer than 2^21 words of 2^32).
  let a = 0;
  let b = 0;
  const by8 = k + (words & ~7);
  for (; k < by8; k += 8) {
    a += u32[k] + u32[k + 1] + u32[k + 2] + u32[k + 3];
    b += u32[k + 4] + u32[k + 5] + u32[k + 6] + u32[k + 7];
  }
  for (; k < end; k++) a += u32[k];
  const swapped = foldSum(a + b);
  sum += ((swapped & 0xff) << 8) | (swapped >>> 8);
  i += words * 4;
  // At most three bytes left: one big-endian word, then a last byte padded with 0.
  if (i + 1 < to) {
    sum += (data[i] << 8) | data[i + 1];
    i += 2;
  }
  if (i < to) sum += data[i] << 8;
  return sum;
}

/** Inputs this long or longer go through WebAssembly SIMD (checksum-simd.ts) when it is there. */
const SIMD_MIN = 128;

/** sumWords through the SIMD loop: data copied into its memory, the last (< 16) bytes here. */
function sumSimd(simd: SimdSum, data: Uint8Array, sum: number, from: number, to: number): number {
  const n = to - from;
  const whole = n * 2 >= data.length; // copying a whole frame allocates no view of the range
  copyBytes(simd.bytes, whole ? data : bytesView(data, from, to), 0);
  const p = whole ? from : 0;
  const blocks = n & ~15;
  const swapped = foldSum(simd.sum(p, p + blocks));
  sum += ((swapped & 0xff) << 8) | (swapped >>> 8);
  return blocks === n ? sum : sumBytes(data, sum, from + blocks, to);
}

/** Folds a partial sum to 16 bits with end-around carry (not complemented). */
export function foldSum(sum: number): number {
  if (sum > 0xffffffff) {
    // Past 32 bits (a long run of words): its two 32-bit halves, exact below 2^53 (no division, no %).
    const lo = sum >>> 0;
    const hi = (sum - lo) * 2.3283064365386963e-10; // 2^-32: exact
    sum = (lo >>> 16) + (lo & 0xffff) + (hi >>> 16) + (hi & 0xffff);
  }
  while (sum > 0xffff) sum = (sum >>> 16) + (sum & 0xffff);
  return sum;
}

/** The 16-bit value to store in a checksum field: ~fold(initial + words(data[from..to))). */
export function internetChecksum(data: Uint8Array, initial = 0, from = 0, to = data.length, view?: WordView): number {
  return ~foldSum(sumWords(data, initial, from, to, view)) & 0xffff;
}

/** Unfolded sum of the TCP/UDP IPv4 pseudo-header (src, dst, zero+proto, length). */
export function pseudoHeaderSum(src: Ipv4Addr, dst: Ipv4Addr, proto: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + (proto & 0xff) + (length & 0xffff);
}

/** True when data[from..to) (checksum field included) sums to 0xffff, i.e. the checksum verifies. */
export function checksumOk(data: Uint8Array, initial = 0, from = 0, to = data.length, view?: WordView): boolean {
  return foldSum(sumWords(data, initial, from, to, view)) === 0xffff;
}
