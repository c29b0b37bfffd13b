/**
 * One device's protocol stack below TCP: interfaces (NIC + address), ARP,
 * IPv4, ICMP, UDP, the DHCP client per interface and the DNS resolver.
 * Devices add TCP themselves (`new TcpLayer(stack.ip, cfg)`), so this file
 * never imports stack/tcp. The DhcpServer and DnsServer run on a NetStack too.
 */
import type { NetDevice } from './link';
import type { Simulator } from '../sim/simulator';
import type { Counters } from './contracts';
import { DhcpClient, type DhcpClientEvent } from './dhcp/client';
import { DnsResolver } from './dns/resolver';
import { IcmpLayer } from './icmp/icmp';
import type { Ipv4Interface } from './ipv4/iface';
import { Ipv4Layer } from './ipv4/layer';
import { UdpLayer } from './udp/udp';
import type { Ipv4Addr, MacAddr } from './wire/types';

export { DhcpServer, type DhcpServerConfig, type DhcpReservation, type DhcpLease } from './dhcp/server';
export { DnsServer } from './dns/server';
export type { DhcpClientEvent } from './dhcp/client';

/** An interface as the owner sees it (index, name, nic, ip, prefixLen, gateway, arp). */
export type IfaceHandle = Ipv4Interface;

export interface StaticConfig {
  ip: Ipv4Addr;
  prefixLen: number;
  gateway?: Ipv4Addr;
  /** DNS servers for the resolver. */
  dns?: Ipv4Addr[];
}

/** ARP view over all interfaces. */
export class ArpLayer {
  constructor(
    private readonly ipLayer: Ipv4Layer,
    readonly counters: Counters,
  ) {}

  /** The MAC cached for `ip` on any interface. */
  lookup(ip: Ipv4Addr): MacAddr | undefined {
    for (const i of this.ipLayer.interfaces) {
      const m = i.arp.lookup(ip);
      if (m !== undefined) return m;
    }
    return undefined;
  }

  cache(iface: IfaceHandle) {
    return iface.arp;
  }
}

export class NetStack {
  readonly device: string;
  /** DHCP option 12; ESP-IDF's default is "espressif". */
  hostname: string;
  readonly ip: Ipv4Layer;
  readonly arp: ArpLayer;
  readonly icmp: IcmpLayer;
  readonly udp: UdpLayer;
  readonly dns: DnsResolver;
  private dhcpClients = new Map<number, DhcpClient>();

  constructor(
    readonly sim: Simulator,
    opts: { device: string; hostname?: string },
  ) {
    this.device = opts.device;
    this.hostname = opts.hostname ?? 'espressif';
    this.ip = new Ipv4Layer(sim, opts.device);
    this.arp = new ArpLayer(this.ip, this.ip.arpCounters);
    this.icmp = new IcmpLayer(this.ip);
    this.udp = new UdpLayer(this.ip);
    this.dns = new DnsResolver(this.udp, sim, opts.device);
  }

  addInterface(nic: NetDevice, name: string): IfaceHandle {
    return this.ip.addInterface(nic, name);
  }

  get interfaces(): readonly IfaceHandle[] {
    return this.ip.interfaces;
  }

  configure(iface: IfaceHandle, cfg: StaticConfig): void {
    this.ip.configure(iface, cfg);
    if (cfg.dns) this.dns.servers = cfg.dns.filter((d) => d !== 0);
  }

  unconfigure(iface: IfaceHandle): void {
    this.ip.unconfigure(iface);
  }

  /** Starts (or restarts) the DHCP client on `iface`; the address is configured on `bound` and removed on `lost`. */
  startDhcp(iface: IfaceHandle, onEvent?: (e: DhcpClientEvent) => void): DhcpClient {
    this.stopDhcp(iface);
    const client = new DhcpClient({
      sim: this.sim,
      udp: this.udp,
      device: this.device,
      iface,
      hostname: () => this.hostname,
      onEvent: (e) => {
        if (e.type === 'bound') this.configure(iface, { ip: e.ip, prefixLen: e.prefixLen, gateway: e.router, dns: e.dns });
        else this.unconfigure(iface);
        onEvent?.(e);
      },
    });
    this.dhcpClients.set(iface.index, client);
    client.start();
    return client;
  }

  /** Stops the DHCP client (the address stays until unconfigure()). */
  stopDhcp(iface: IfaceHandle): void {
    const c = this.dhcpClients.get(iface.index);
    if (!c) return;
    c.stop();
    this.dhcpClients.delete(iface.index);
  }

  dhcpClient(iface: IfaceHandle): DhcpClient | undefined {
    return this.dhcpClients.get(iface.index);
  }

  /** Every layer's counters as "layer.key" → value (zero counters are absent). */
  counters(): Record<string, number> {
    const out: Record<string, number> = {};
    const add = (layer: string, c: Counters) => {
      for (const k of Object.keys(c).sort()) out[`${layer}.${k}`] = c[k];
    };
    add('eth', this.ip.ethCounters);
    add('arp', this.ip.arpCounters);
    add('ipv4', this.ip.counters);
    add('icmp', this.icmp.counters);
    add('udp', this.udp.counters);
    add('dns', this.dns.counters);
    const dhcp: Counters = {};
    for (const c of this.dhcpClients.values()) for (const [k, v] of Object.entries(c.counters)) dhcp[k] = (dhcp[k] ?? 0) + v;
    add('dhcp', dhcp);
    return out;
  }
}
