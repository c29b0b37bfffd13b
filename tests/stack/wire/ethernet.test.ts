import { ETH_DST, ETH_HEADER_LEN, ETH_SRC, ETH_TYPE, ETHERTYPE_IPV4, emitEthernet, emitEthernetHeader, parseEthernet } from '../../../stack/wire/ethernet';
import { readMac, readU16 } from '../../../stack/wire/types';
import { expectError, hex, value } from './bytes';

// smoltcp src/wire/ethernet.rs test_ipv4 FRAME_BYTES.
const FRAME = hex(`01 02 03 04 05 06 11 12 13 14 15 16 08 00 aa ${'00 '.repeat(48)} ff`);
const PAYLOAD = FRAME.slice(ETH_HEADER_LEN);
const REPR = { dst: 0x010203040506, src: 0x111213141516, ethertype: ETHERTYPE_IPV4, payload: PAYLOAD };

describe('ethernet', () => {
  it('deconstruct reads fields at their offsets', () => {
    expect(FRAME.length).toBe(64);
    expect(readMac(FRAME, ETH_DST)).toBe(0x010203040506);
    expect(readMac(FRAME, ETH_SRC)).toBe(0x111213141516);
    expect(readU16(FRAME, ETH_TYPE)).toBe(0x0800);
    expect(PAYLOAD[0]).toBe(0xaa);
    expect(PAYLOAD[49]).toBe(0xff);
  });

  it('construct writes the header over junk', () => {
    const buf = new Uint8Array(64).fill(0xa5);
    emitEthernetHeader(buf, 0, REPR.dst, REPR.src, REPR.ethertype);
    buf.set(PAYLOAD, ETH_HEADER_LEN);
    expect(buf).toEqual(FRAME);
  });

  it('parse gives the repr with a payload view', () => {
    const r = value(parseEthernet(FRAME));
    expect(r).toEqual(REPR);
    expect(r.payload.buffer).toBe(FRAME.buffer);
  });

  it('emit gives the known bytes', () => {
    expect(emitEthernet(REPR)).toEqual(FRAME);
  });

  it('emitEthernetHeader writes at an offset', () => {
    const buf = new Uint8Array(20);
    emitEthernetHeader(buf, 4, REPR.dst, REPR.src, 0x0806);
    expect(buf.slice(4, 18)).toEqual(hex('01 02 03 04 05 06 11 12 13 14 15 16 08 06'));
  });

  it('a header-only frame parses with an empty payload', () => {
    expect(value(parseEthernet(FRAME.subarray(0, 14))).payload.length).toBe(0);
  });

  it('a frame shorter than 14 bytes is truncated', () => {
    for (let n = 0; n < 14; n++) expectError(parseEthernet(FRAME.subarray(0, n)), 'ethernet', 'truncated');
  });

  it('an 802.3 length field is unsupported', () => {
    const f = FRAME.slice();
    f[12] = 0x00;
    f[13] = 0x40;
    expectError(parseEthernet(f), 'ethernet', 'unsupported');
  });
});
