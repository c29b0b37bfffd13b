/** UDP layer of one device (implemented in stack/udp, consumed by the socket layer and DHCP/DNS). */
import type { IpSendResult } from '../contracts';
import type { Ipv4Addr } from '../wire/types';

export interface UdpDatagram {
  src: Ipv4Addr;
  srcPort: number;
  dst: Ipv4Addr;
  dstPort: number;
  data: Uint8Array;
  /** Interface it arrived on (multi-interface devices). */
  ifIndex?: number;
}

export interface UdpSendOptions {
  src?: Ipv4Addr;
  /** Send out of this interface (broadcasts, DHCP). */
  ifIndex?: number;
  /** Link-layer destination, bypassing ARP (DHCP server answering an unconfigured client). */
  dstMac?: number;
}

export interface UdpLayerApi {
  /** Binds a port (0 = pick an ephemeral one); answers the port or 'in-use'. */
  bind(port: number, handler: (d: UdpDatagram) => void, opts?: { reuseAddr?: boolean }): number | 'in-use';
  unbind(port: number, handler?: (d: UdpDatagram) => void): void;
  sendto(srcPort: number, dst: Ipv4Addr, dstPort: number, data: Uint8Array, opts?: UdpSendOptions): IpSendResult;
  readonly counters: Record<string, number>;
}
