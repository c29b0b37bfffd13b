/**
 * An SNTP server (RFC 4330 server side, NTPv4 packet format of RFC 5905) on
 * UDP port 123, answering from the simulated world's clock. The lab router
 * runs one on its LAN address (and answers `pool.ntp.org` with that address
 * unless the scenario puts an internet host there); an internet host with
 * `service: ntp` runs one too. Malformed or non-client packets are dropped and
 * counted, never answered.
 */
import type { UdpDatagram, UdpLayerApi } from '../../stack/udp/api';
import type { WorldClock } from '../clock';

export const NTP_PORT = 123;
export const NTP_PACKET_LEN = 48;
/** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
export const NTP_UNIX_DELTA_S = 2_208_988_800;
const MODE_CLIENT = 3;
const MODE_SERVER = 4;
/** How a server presents itself: its stratum, reference id and distance to the reference (RFC 5905 section 7.3). */
export interface NtpIdentity {
  stratum: number;
  /** Stratum 1: four ASCII characters of the reference clock ("GPS"); stratum 2+: the upstream server's IPv4 address. */
  refId: number;
  /** Round-trip delay to the reference, µs. */
  rootDelayUs: number;
  /** Dispersion to the reference, µs. */
  rootDispersionUs: number;
}

/** The lab router: stratum 1, reference "GPS" (a primary server, as the tests have always seen it). */
export const ROUTER_NTP: NtpIdentity = { stratum: 1, refId: 0x47505300, rootDelayUs: 0, rootDispersionUs: 244 };
/** A public pool server: stratum 2, synchronised to a stratum 1 upstream about 10 ms away. */
export const POOL_NTP: NtpIdentity = { stratum: 2, refId: 0xc6336401 /* 198.51.100.1 */, rootDelayUs: 10_250, rootDispersionUs: 1_650 };
/** 2^-20 s (about a microsecond), the precision we advertise. */
const PRECISION = -20;

/** NTP short format (16.16 seconds) of a µs value. */
function short(us: number): number {
  return Math.min(0xffffffff, Math.round((us / 1e6) * 65536)) >>> 0;
}

/** Writes an NTP 64-bit timestamp (seconds since 1900 and a binary fraction) for Unix µs. */
export function writeNtpTime(buf: Uint8Array, off: number, unixUs: number): void {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const us = Math.max(0, Math.round(unixUs));
  const secs = Math.floor(us / 1_000_000);
  const frac = Math.floor(((us - secs * 1_000_000) * 2 ** 32) / 1_000_000);
  dv.setUint32(off, (secs + NTP_UNIX_DELTA_S) >>> 0);
  dv.setUint32(off + 4, frac >>> 0);
}

/** Unix µs of an NTP 64-bit timestamp (era 0, which lasts until 2036). */
export function readNtpTime(buf: Uint8Array, off: number): number {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const secs = dv.getUint32(off) - NTP_UNIX_DELTA_S;
  return secs * 1_000_000 + Math.round((dv.getUint32(off + 4) * 1_000_000) / 2 ** 32);
}

/** The server's answer to a client request, or undefined when the request must be dropped. */
export function sntpReply(req: Uint8Array, unixUs: number, id: NtpIdentity = ROUTER_NTP): Uint8Array | undefined {
  if (req.length < NTP_PACKET_LEN) return undefined;
  const vn = (req[0] >> 3) & 7;
  if ((req[0] & 7) !== MODE_CLIENT || vn < 1 || vn > 4) return undefined;
  const out = new Uint8Array(NTP_PACKET_LEN);
  const dv = new DataView(out.buffer);
  out[0] = (0 << 6) | (vn << 3) | MODE_SERVER;
  out[1] = id.stratum;
  out[2] = Math.min(17, Math.max(4, req[2] || 6));
  out[3] = PRECISION & 0xff;
  dv.setUint32(4, short(id.rootDelayUs));
  dv.setUint32(8, short(id.rootDispersionUs));
  dv.setUint32(12, id.refId >>> 0);
  writeNtpTime(out, 16, Math.floor(unixUs / 1_000_000) * 1_000_000 - 16_000_000); // last set from the reference
  out.set(req.subarray(40, 48), 24); // originate = the client's transmit time
  writeNtpTime(out, 32, unixUs);
  writeNtpTime(out, 40, unixUs);
  return out;
}

export class SntpServer {
  readonly counters: Record<string, number> = { requests: 0, answered: 0, dropped: 0 };
  private readonly handler = (d: UdpDatagram) => this.receive(d);
  readonly started: boolean;

  constructor(
    private readonly udp: UdpLayerApi,
    private readonly clock: WorldClock,
    private readonly id: NtpIdentity = ROUTER_NTP,
  ) {
    this.started = udp.bind(NTP_PORT, this.handler) !== 'in-use';
  }

  stop(): void {
    if (this.started) this.udp.unbind(NTP_PORT, this.handler);
  }

  private receive(d: UdpDatagram): void {
    this.counters.requests++;
    const reply = sntpReply(d.data, this.clock.unixUs(), this.id);
    if (!reply) {
      this.counters.dropped++;
      return;
    }
    this.counters.answered++;
    this.udp.sendto(NTP_PORT, d.src, d.srcPort, reply, { src: d.dst === 0xffffffff ? undefined : d.dst });
  }
}
