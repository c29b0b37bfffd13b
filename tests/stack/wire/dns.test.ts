import {
  CLASS_IN, DNS_ANCOUNT, DNS_ARCOUNT, DNS_FLAGS, DNS_ID, DNS_NSCOUNT, DNS_QDCOUNT, RCODE_NXDOMAIN, TYPE_A, TYPE_CNAME,
  emitDns, parseDns, readDnsName, type DnsRepr,
} from '../../../stack/wire/dns';
import { readU16 } from '../../../stack/wire/types';
import { expectError, hex, toHex, value } from './bytes';

// smoltcp src/wire/dns.rs test_parse_request / test_parse_response (google.com A).
const REQUEST = hex('51 84 01 20 00 01 00 00 00 00 00 00 06 67 6f 6f 67 6c 65 03 63 6f 6d 00 00 01 00 01');
const RESPONSE = hex(`51 84 81 80 00 01 00 01 00 00 00 00 06 67 6f 6f 67 6c 65 03 63 6f 6d 00 00 01 00 01
  c0 0c 00 01 00 01 00 00 00 ca 00 04 ac d9 a8 ae`);
// smoltcp test_parse_response_cname (www.facebook.com CNAME star-mini.c10r.facebook.com A 31.13.83.36).
const CNAME = hex(`78 6c 81 80 00 01 00 02 00 00 00 00 03 77 77 77 08 66 61 63 65 62 6f 6f 6b 03 63 6f
  6d 00 00 01 00 01 c0 0c 00 05 00 01 00 00 05 f3 00 11 09 73 74 61 72 2d 6d 69 6e 69 04 63 31 30 72 c0 10 c0 2e
  00 01 00 01 00 00 00 05 00 04 1f 0d 53 24`);
// smoltcp test_parse_response_nxdomain (with an SOA authority record).
const NXDOMAIN = hex(`63 c4 81 83 00 01 00 00 00 01 00 00 13 61 68 61 73 64 67 68 6c 61 6b 73 6a 68 62 61
  61 73 6c 64 03 63 6f 6d 00 00 01 00 01 c0 20 00 06 00 01 00 00 03 83 00 3d 01 61 0c 67 74 6c 64 2d 73 65 72 76
  65 72 73 03 6e 65 74 00 05 6e 73 74 6c 64 0c 76 65 72 69 73 69 67 6e 2d 67 72 73 c0 20 5f ce 8b 85 00 00 07 08
  00 00 03 84 00 09 3a 80 00 01 51 80`);
// smoltcp test_emit: a query for rust-lang.org A with RD.
const EMIT_QUERY = hex('12 34 01 00 00 01 00 00 00 00 00 00 09 72 75 73 74 2d 6c 61 6e 67 03 6f 72 67 00 00 01 00 01');
// Hand-built (Python struct): AA response esp32.lan A 192.168.1.100 ttl 300, answer name compressed to the question.
const LAN_ANSWER = hex(`00 07 85 80 00 01 00 01 00 00 00 00 05 65 73 70 33 32 03 6c 61 6e 00 00 01 00 01 c0 0c
  00 01 00 01 00 00 01 2c 00 04 c0 a8 01 64`);

const FLAGS = { qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, rcode: 0 };
const LAN_REPR: DnsRepr = {
  id: 7, ...FLAGS, qr: true, aa: true, ra: true,
  questions: [{ name: 'esp32.lan', type: TYPE_A, cls: CLASS_IN }],
  answers: [{ name: 'esp32.lan', type: TYPE_A, cls: CLASS_IN, ttl: 300, data: hex('c0 a8 01 64'), address: 0xc0a80164 }],
};

describe('dns', () => {
  it('deconstruct reads header fields at their offsets', () => {
    expect(readU16(RESPONSE, DNS_ID)).toBe(0x5184);
    expect(readU16(RESPONSE, DNS_FLAGS)).toBe(0x8180);
    expect(readU16(RESPONSE, DNS_QDCOUNT)).toBe(1);
    expect(readU16(RESPONSE, DNS_ANCOUNT)).toBe(1);
    expect(readU16(RESPONSE, DNS_NSCOUNT)).toBe(0);
    expect(readU16(RESPONSE, DNS_ARCOUNT)).toBe(0);
  });

  it('deconstruct: names follow pointers and return the position after the first pointer', () => {
    expect(readDnsName(CNAME, 0x0c)).toEqual({ ok: true, name: 'www.facebook.com', next: 0x1e });
    expect(readDnsName(CNAME, 0x22)).toEqual({ ok: true, name: 'www.facebook.com', next: 0x24 });
    expect(readDnsName(CNAME, 0x2e)).toEqual({ ok: true, name: 'star-mini.c10r.facebook.com', next: 0x3f });
    expect(readDnsName(CNAME, 0x3f)).toEqual({ ok: true, name: 'star-mini.c10r.facebook.com', next: 0x41 });
  });

  it('parse a query (AD bit ignored)', () => {
    expect(value(parseDns(REQUEST))).toEqual({ id: 0x5184, ...FLAGS, questions: [{ name: 'google.com', type: 1, cls: 1 }], answers: [] });
  });

  it('parse an A response', () => {
    const r = value(parseDns(RESPONSE));
    expect(r).toMatchObject({ id: 0x5184, qr: true, rd: true, ra: true, rcode: 0 });
    expect(r.answers).toEqual([{ name: 'google.com', type: 1, cls: 1, ttl: 202, data: hex('ac d9 a8 ae'), address: 0xacd9a8ae }]);
  });

  it('parse a CNAME chain with compressed names', () => {
    const r = value(parseDns(CNAME));
    expect(r.answers.map((a) => [a.name, a.type, a.ttl, a.address])).toEqual([
      ['www.facebook.com', TYPE_CNAME, 1523, undefined],
      ['star-mini.c10r.facebook.com', TYPE_A, 5, 0x1f0d5324],
    ]);
  });

  it('parse NXDOMAIN (authority section not kept)', () => {
    const r = value(parseDns(NXDOMAIN));
    expect(r.rcode).toBe(RCODE_NXDOMAIN);
    expect(r.questions).toEqual([{ name: 'ahasdghlaksjhbaasld.com', type: 1, cls: 1 }]);
    expect(r.answers).toEqual([]);
  });

  it('emit a query gives the known bytes', () => {
    const q: DnsRepr = { id: 0x1234, ...FLAGS, questions: [{ name: 'rust-lang.org', type: TYPE_A, cls: CLASS_IN }], answers: [] };
    expect(emitDns(q)).toEqual(EMIT_QUERY);
    expect(emitDns({ ...q, questions: [{ ...q.questions[0], name: 'rust-lang.org.' }] })).toEqual(EMIT_QUERY);
  });

  it('emit an answer compresses its name to the question', () => {
    expect(toHex(emitDns(LAN_REPR))).toBe(toHex(LAN_ANSWER));
    expect(value(parseDns(LAN_ANSWER))).toEqual(LAN_REPR);
  });

  it('emit takes the A record address when given', () => {
    const r = { ...LAN_REPR, answers: [{ ...LAN_REPR.answers[0], data: new Uint8Array(0) }] };
    expect(emitDns(r)).toEqual(LAN_ANSWER);
  });

  it('emit re-parses the CNAME response into the same repr', () => {
    const r = value(parseDns(CNAME));
    const again = value(parseDns(emitDns(r)));
    expect(again.answers.map((a) => a.name)).toEqual(r.answers.map((a) => a.name));
    expect(again.answers[1].address).toBe(0x1f0d5324);
  });

  it('a pointer loop is malformed', () => {
    const m = hex('00 01 00 00 00 01 00 00 00 00 00 00 c0 0c 00 01 00 01');
    expectError(parseDns(m), 'dns', 'malformed');
    const fwd = hex('00 01 00 00 00 01 00 00 00 00 00 00 c0 0e 00 00 01 00 01');
    expectError(parseDns(fwd), 'dns', 'malformed');
  });

  it('a two-step loop through labels stops at the 255-byte name limit', () => {
    // name at 12: label "a" then pointer back to 12 → a.a.a.a...
    const m = hex('00 01 00 00 00 01 00 00 00 00 00 00 01 61 c0 0c 00 01 00 01');
    expectError(parseDns(m), 'dns', 'malformed');
  });

  it('reserved label types are malformed', () => {
    expectError(parseDns(hex('00 01 00 00 00 01 00 00 00 00 00 00 41 61 00 00 01 00 01')), 'dns', 'malformed');
  });

  it('truncations are rejected', () => {
    for (let n = 0; n < RESPONSE.length; n++) expectError(parseDns(RESPONSE.subarray(0, n)), 'dns', 'truncated');
  });

  it('an empty name and the root name emit a single zero byte', () => {
    const q: DnsRepr = { id: 1, ...FLAGS, questions: [{ name: '', type: 2, cls: 1 }], answers: [] };
    const out = emitDns(q);
    expect(out.subarray(12)).toEqual(hex('00 00 02 00 01'));
    expect(value(parseDns(out)).questions[0].name).toBe('');
  });

  it('emit refuses labels over 63 bytes and empty labels', () => {
    const q = (name: string): DnsRepr => ({ id: 1, ...FLAGS, questions: [{ name, type: 1, cls: 1 }], answers: [] });
    expect(() => emitDns(q('x'.repeat(64)))).toThrow(RangeError);
    expect(() => emitDns(q('a..b'))).toThrow(RangeError);
  });
});
