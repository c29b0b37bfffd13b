/**
 * Classic libpcap writer (LINKTYPE_ETHERNET = 1), microsecond resolution,
 * stamped with virtual time. Attach it to any NIC tap.
 */
import { writeFileSync } from 'node:fs';

export const LINKTYPE_ETHERNET = 1;
const SNAPLEN = 65535;

export class PcapWriter {
  private chunks: Uint8Array[] = [];
  packets = 0;

  constructor() {
    const h = new DataView(new ArrayBuffer(24));
    h.setUint32(0, 0xa1b2c3d4, true); // magic, little-endian file
    h.setUint16(4, 2, true);
    h.setUint16(6, 4, true);
    h.setInt32(8, 0, true); // thiszone
    h.setUint32(12, 0, true); // sigfigs
    h.setUint32(16, SNAPLEN, true);
    h.setUint32(20, LINKTYPE_ETHERNET, true);
    this.chunks.push(new Uint8Array(h.buffer));
  }

  /** Records one frame seen at virtual time `us`. */
  add(us: number, frame: Uint8Array): void {
    const caplen = Math.min(frame.length, SNAPLEN);
    const rec = new Uint8Array(16 + caplen);
    const v = new DataView(rec.buffer);
    v.setUint32(0, Math.floor(us / 1_000_000), true);
    v.setUint32(4, us % 1_000_000, true);
    v.setUint32(8, caplen, true);
    v.setUint32(12, frame.length, true);
    rec.set(frame.subarray(0, caplen), 16);
    this.chunks.push(rec);
    this.packets++;
  }

  bytes(): Uint8Array {
    return Buffer.concat(this.chunks);
  }

  writeFile(path: string): void {
    writeFileSync(path, this.bytes());
  }
}
