/**
 * One IPv4 interface of a device: a NIC, its address/prefix/gateway and its
 * ARP cache. An ESP32 has two (STA, soft-AP), a router two (LAN, WAN).
 */
import type { NetDevice } from '../link';
import type { ArpCache } from '../arp/cache';
import { inSubnet, prefixToMask, type Ipv4Addr } from '../wire/types';

export interface IfaceConfig {
  ip: Ipv4Addr;
  prefixLen: number;
  gateway?: Ipv4Addr;
}

export class Ipv4Interface {
  ip: Ipv4Addr = 0;
  prefixLen = 0;
  /** 0 = no gateway on this interface. */
  gateway: Ipv4Addr = 0;
  /** Set by Ipv4Layer.addInterface. */
  arp!: ArpCache;

  constructor(
    readonly index: number,
    readonly name: string,
    readonly nic: NetDevice,
  ) {}

  get mask(): Ipv4Addr {
    return prefixToMask(this.prefixLen);
  }

  /** Subnet-directed broadcast (e.g. 192.168.1.255), 0 when unconfigured. */
  get broadcast(): Ipv4Addr {
    return this.ip === 0 ? 0 : (this.ip | ~this.mask) >>> 0;
  }

  /** Configured and attached to a medium. */
  get up(): boolean {
    return this.ip !== 0 && this.nic.attached;
  }

  /** True when `dst` is on this interface's subnet (the subnet broadcast included). */
  onLink(dst: Ipv4Addr): boolean {
    return this.ip !== 0 && inSubnet(dst, this.ip, this.prefixLen);
  }
}
