import { foldSum, internetChecksum, pseudoHeaderSum, sumWords, checksumOk } from '../../../stack/wire/checksum';
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
