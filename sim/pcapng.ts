/**
 * pcapng writer (the format Wireshark saves by default): one section, one
 * interface description per link type, Enhanced Packet Blocks stamped with
 * virtual time in microseconds. Little-endian, every block padded to 32 bits.
 * Used when a capture holds 802.11 frames beside Ethernet ones (capture.ts):
 * classic pcap has a single link type per file.
 */
import { writeFileSync } from 'node:fs';

/** Link types (tcpdump.org linktypes). */
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_IEEE802_11_RADIOTAP = 127;

const SNAPLEN = 65535;
const BT_SHB = 0x0a0d0d0a;
const BT_IDB = 0x00000001;
const BT_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_END = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;

const pad4 = (n: number): number => (n + 3) & ~3;

/** Encodes options (code, bytes) followed by opt_endofopt. */
function options(opts: [number, Uint8Array][]): Uint8Array {
  if (!opts.length) return new Uint8Array(0);
  const len = opts.reduce((n, [, v]) => n + 4 + pad4(v.length), 4);
  const out = new Uint8Array(len);
  const dv = new DataView(out.buffer);
  let at = 0;
  for (const [code, v] of opts) {
    dv.setUint16(at, code, true);
    dv.setUint16(at + 2, v.length, true);
    out.set(v, at + 4);
    at += 4 + pad4(v.length);
  }
  dv.setUint16(at, OPT_END, true);
  dv.setUint16(at + 2, 0, true);
  return out;
}

/** A block: type, total length, body (padded), options, total length again. */
function block(type: number, body: Uint8Array, opts: Uint8Array = new Uint8Array(0)): Uint8Array {
  const total = 12 + pad4(body.length) + opts.length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, type, true);
  dv.setUint32(4, total, true);
  out.set(body, 8);
  out.set(opts, 8 + pad4(body.length));
  dv.setUint32(total - 4, total, true);
  return out;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

export interface PcapngInterface {
  linkType: number;
  name: string;
  description?: string;
}

export class PcapngWriter {
  private chunks: Uint8Array[] = [];
  private readonly ifaces: PcapngInterface[] = [];
  packets = 0;

  constructor(application = 'esp32sim') {
    const body = new Uint8Array(16);
    const dv = new DataView(body.buffer);
    dv.setUint32(0, BYTE_ORDER_MAGIC, true);
    dv.setUint16(4, 1, true); // major
    dv.setUint16(6, 0, true); // minor
    dv.setInt32(8, -1, true); // section length: not given (64-bit -1)
    dv.setInt32(12, -1, true);
    this.chunks.push(block(BT_SHB, body, options([[SHB_USERAPPL, text(application)]])));
  }

  /** Declares an interface (before its first packet); returns its id. */
  addInterface(iface: PcapngInterface): number {
    const body = new Uint8Array(8);
    const dv = new DataView(body.buffer);
    dv.setUint16(0, iface.linkType, true);
    dv.setUint16(2, 0, true);
    dv.setUint32(4, SNAPLEN, true);
    const opts: [number, Uint8Array][] = [[IF_NAME, text(iface.name)]];
    if (iface.description) opts.push([IF_DESCRIPTION, text(iface.description)]);
    opts.push([IF_TSRESOL, Uint8Array.of(6)]); // microseconds (the default, said explicitly)
    this.chunks.push(block(BT_IDB, body, options(opts)));
    this.ifaces.push(iface);
    return this.ifaces.length - 1;
  }

  /** Records one packet on interface `id` at virtual time `us` (optionally with a comment). */
  add(id: number, us: number, frame: Uint8Array, comment?: string): void {
    if (id < 0 || id >= this.ifaces.length) throw new RangeError(`pcapng: no interface ${id}`);
    const caplen = Math.min(frame.length, SNAPLEN);
    const body = new Uint8Array(20 + caplen);
    const dv = new DataView(body.buffer);
    const t = BigInt(Math.floor(us));
    dv.setUint32(0, id, true);
    dv.setUint32(4, Number(t >> 32n), true);
    dv.setUint32(8, Number(t & 0xffffffffn), true);
    dv.setUint32(12, caplen, true);
    dv.setUint32(16, frame.length, true);
    body.set(frame.subarray(0, caplen), 20);
    this.chunks.push(block(BT_EPB, body, comment ? options([[OPT_COMMENT, text(comment)]]) : undefined));
    this.packets++;
  }

  bytes(): Uint8Array {
    return Buffer.concat(this.chunks);
  }

  writeFile(path: string): void {
    writeFileSync(path, this.bytes());
  }
}
