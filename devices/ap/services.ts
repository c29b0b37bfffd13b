/**
 * The DHCP service of the lab router and the ESP32 soft-AP, over the stack's
 * DhcpServer.
 */
import { DhcpServer, type DhcpLease, type DhcpReservation, type IfaceHandle, type NetStack } from '../../stack/netstack';
import type { Ipv4Addr, MacAddr } from '../../stack/wire/types';

export interface DhcpServiceConfig {
  poolStart?: Ipv4Addr;
  poolSize?: number;
  dns?: Ipv4Addr;
  leaseS?: number;
  /** Told about every ACKed lease (the router adds DNS names). */
  onLease?: (l: DhcpLease) => void;
}

/**
 * The DHCP server of an interface. Reservations can be added at any time: the
 * stack's server fixes its (possibly widened) prefix when it is built, so the
 * service rebuilds it, keeping nothing but the reservations (labs add devices
 * before the run starts).
 */
export class DhcpService {
  private server: DhcpServer;
  private readonly reservations: DhcpReservation[] = [];

  constructor(
    private readonly net: NetStack,
    private readonly iface: IfaceHandle,
    private readonly cfg: DhcpServiceConfig = {},
  ) {
    this.server = this.build();
  }

  private build(): DhcpServer {
    const server = new DhcpServer(this.net, this.iface, {
      poolStart: this.cfg.poolStart,
      poolSize: this.cfg.poolSize,
      dns: this.cfg.dns !== undefined ? [this.cfg.dns] : undefined,
      leaseS: this.cfg.leaseS,
      reservations: [...this.reservations],
    });
    server.onLease = this.cfg.onLease;
    return server;
  }

  get prefixLen(): number {
    return this.server.prefixLen;
  }

  reserve(mac: MacAddr, ip: Ipv4Addr): void {
    this.reservations.push({ mac, ip });
    this.server.stop();
    this.server = this.build();
  }

  /** Current lease of a MAC. */
  addressOf(mac: MacAddr): Ipv4Addr | undefined {
    return this.server.leaseTable().find((l) => l.mac === mac)?.ip;
  }

  leases(): DhcpLease[] {
    return this.server.leaseTable();
  }

  stop(): void {
    this.server.stop();
  }

  get counters(): Record<string, number> {
    return this.server.counters;
  }
}

