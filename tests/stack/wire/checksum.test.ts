import { foldSum, internetChecksum, pseudoHeaderSum, sumWords, checksumOk, WordView } from '../../../stack/wire/checksum';
import { Slab } from '../../../stack/tcp/slab';
import { SIMD_SUM } from '../../../stack/wire/checksum-simd';
import { hex } from './bytes';

describe('internet checksum', () => {
  it('RFC 1071 example words sum to ddf2 and checksum 220d', () => {
    const data = hex('00 01 f2 03 f4 f5 f6 f7');
    expect(foldSum(sumWords(data))).toBe(0xddf2);
    expect(internetChecksum(data)).toBe(0x220d);
  });

  it('odd length pads the last byte with zero', () => {
    expect(sumWords(hex('01 02 03'))).toBe(0x0102 + 0x0300);
  });

  it('initial sum is added before folding', () => {
    const data = hex('00 01 f2 03');
    expect(internetChecksum(data, sumWords(hex('f4 f5 f6 f7')))).toBe(0x220d);
  });

  it('smoltcp IPv4 header verifies and recomputes to d56e', () => {
    const header = hex('45 00 00 1e 01 02 62 03 1a 01 d5 6e 11 12 13 14 21 22 23 24');
    expect(checksumOk(header)).toBe(true);
    const zeroed = header.slice();
    zeroed[10] = 0;
    zeroed[11] = 0;
    expect(internetChecksum(zeroed)).toBe(0xd56e);
  });

  it('pseudo header sums addresses, protocol and length as words', () => {
    expect(pseudoHeaderSum(0xc0a80101, 0xc0a80102, 17, 12)).toBe(0xc0a8 + 0x0101 + 0xc0a8 + 0x0102 + 17 + 12);
  });

  it('large buffers fold correctly (64 KiB of 0xff)', () => {
    const data = new Uint8Array(65536).fill(0xff);
    expect(internetChecksum(data)).toBe(0);
    expect(foldSum(sumWords(data))).toBe(0xffff);
  });

  it('all-zero data has checksum ffff', () => {
    expect(internetChecksum(new Uint8Array(10))).toBe(0xffff);
  });
});

describe('internet checksum, word-wide path', () => {
  /** The plain RFC 1071 sum, one big-endian word at a time. */
  function reference(data: Uint8Array): number {
    let s = 0;
    for (let i = 0; i + 1 < data.length; i += 2) s += (data[i] << 8) | data[i + 1];
    if (data.length & 1) s += data[data.length - 1] << 8;
    return foldSum(s);
  }

  it('agrees with the plain sum for every length and alignment', () => {
    const base = new Uint8Array(4096 + 16);
    let x = 7;
    for (let i = 0; i < base.length; i++) base[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    for (const off of [0, 1, 2, 3, 4, 6, 8]) {
      for (const len of [0, 1, 63, 64, 65, 66, 67, 100, 1459, 1460, 1480, 4096]) {
        const view = base.subarray(off, off + len);
        expect([off, len, foldSum(sumWords(view))]).toEqual([off, len, reference(view)]);
        expect(foldSum(sumWords(view, 0x1234))).toBe(foldSum(reference(view) + 0x1234));
        // The same bytes as a range of the whole buffer.
        expect(foldSum(sumWords(base, 0, off, off + len))).toBe(reference(view));
        // Through a word view: placed from the getters (twice: the remembered offset), or told by a slab.
        const words = new WordView();
        expect(foldSum(sumWords(view, 0, 0, len, words))).toBe(reference(view));
        expect(foldSum(sumWords(view, 0, 0, len, words))).toBe(reference(view));
        const slab = new Slab(8192);
        slab.alloc(off);
        const piece = slab.alloc(len);
        piece.set(view);
        expect(foldSum(sumWords(piece, 0, 0, len, slab.words))).toBe(reference(view));
      }
    }
  });

  it('folds any sum below 2^53 to its residue mod 0xffff (0xffff for a non-zero multiple)', () => {
    for (const s of [0, 1, 0xfffe, 0xffff, 0x10000, 0x1fffe, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 2 ** 40 + 12345, 0xffff * 2 ** 30, 2 ** 53 - 1]) {
      const r = Number(BigInt(s) % 0xffffn);
      expect([s, foldSum(s)]).toEqual([s, s === 0 ? 0 : r === 0 ? 0xffff : r]);
    }
  });

  it('all-0xff and all-zero buffers on the wide path fold to ffff and 0', () => {
    expect(foldSum(sumWords(new Uint8Array(1460).fill(0xff).subarray(2)))).toBe(0xffff);
    expect(sumWords(new Uint8Array(1460))).toBe(0);
  });
});

describe('internet checksum, WebAssembly SIMD path', () => {
  it('is there on this Node', () => {
    expect(SIMD_SUM).toBeDefined();
  });

  it('agrees with the byte loop from either side of a 64-byte turn, in place and in a range, and past its memory', () => {
    const base = new Uint8Array(140 * 1024);
    let x = 11;
    for (let i = 0; i < base.length; i++) base[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    const plain = (d: Uint8Array, from: number, to: number): number => {
      let s = 0;
      for (let i = from; i < to; i += 2) s += (d[i] << 8) | (i + 1 < to ? d[i + 1] : 0);
      return foldSum(s);
    };
    for (const off of [0, 1, 2, 5, 34]) {
      for (const len of [127, 128, 129, 143, 144, 191, 192, 193, 255, 1514, 65535]) {
        const piece = base.subarray(off, off + len);
        expect([off, len, foldSum(sumWords(piece))]).toEqual([off, len, plain(piece, 0, len)]);
        expect([off, len, foldSum(sumWords(base, 7, off, off + len))]).toEqual([off, len, foldSum(plain(base, off, off + len) + 7)]);
      }
    }
    // Larger than the module's 128 KiB memory: the JavaScript loop.
    expect(foldSum(sumWords(base))).toBe(plain(base, 0, base.length));
  });
});
