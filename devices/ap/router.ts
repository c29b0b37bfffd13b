/**
 * The lab's access point / home router: a WiFi BSS (SSID + WPA2 passphrase),
 * a NetStack with the LAN interface (router at .1 of the subnet) and a WAN
 * interface on a wired segment to the simulated internet, IPv4 forwarding
 * between them, the DHCP server (pool from .100, reservations by MAC) and a
 * DNS server answering device ids, `<id>.lan` and configured internet names.
 */
import type { Simulator } from '../../sim/simulator';
import { DnsServer, NetStack, type IfaceHandle } from '../../stack/netstack';
import { ipToString, parseIp, type Ipv4Addr, type MacAddr } from '../../stack/wire/types';
import type { Airspace } from '../medium/airspace';
import { DEFAULT_WIFI_LINK, mergeLink } from '../medium/link';
import { deviceMac } from '../medium/mac';
import { WiredSegment } from '../medium/wired';
import { Nic } from '../nic';
import { ApRadio } from './radio';
import { DhcpService } from './services';
import type { InternetHostSpec } from '../internet/host';
import { SntpServer } from '../internet/ntp';
import { WorldClock } from '../clock';
import type { LinkSpec } from '../medium/link';

export interface NetworkSpec {
  ssid?: string; // default "esp32-lab"
  password?: string; // default "micropython"
  /**
   * e.g. "192.168.1.0/24": router at .1, DHCP pool from .100 to the last host (155 addresses in a /24;
   * a bigger LAN takes a shorter prefix: "10.0.0.0/22" pools 10.0.0.100 to 10.0.3.254, 923 addresses).
   * Reservations may lie outside it (the tutorial's 192.168.2.231).
   */
  subnet?: string;
  wifi?: LinkSpec;
  internet?: InternetHostSpec[];
  /** Stations the access point admits at once (default DEFAULT_MAX_CLIENTS); one more is refused association. */
  maxClients?: number;
  /**
   * Broadcast control of an enterprise AP (devices/medium/broadcast-filter.ts): ARP requests go to
   * the station that holds the address, DHCP client broadcasts and lone ARP probes/announcements
   * are not relayed to the other stations. Default false (a home router relays every broadcast).
   */
  broadcastFilter?: boolean;
}

/**
 * A home router's association limit. 802.11 itself allows 2007 (association IDs); consumer
 * routers stop far earlier, bounded by the WPA2 key table of their WiFi chip, typically
 * 32 to 64 stations per radio. 32 is the common low end (e.g. the Linksys WCG200 datasheet).
 */
export const DEFAULT_MAX_CLIENTS = 32;

export const ROUTER_ID = 'router';
/** ntptime's default host. */
export const DEFAULT_NTP_NAME = 'pool.ntp.org';
/** The router's WAN address; the simulated internet hosts use it as their gateway. */
export const WAN_IP = '100.64.0.1';

export interface ResolvedNetwork {
  ssid: string;
  password: string;
  subnet: Ipv4Addr;
  prefixLen: number;
  wifi: LinkSpec;
  maxClients: number;
  broadcastFilter: boolean;
}

export function resolveNetwork(spec: NetworkSpec = {}): ResolvedNetwork {
  const subnetText = spec.subnet ?? '192.168.1.0/24';
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(subnetText.trim());
  const net = m ? parseIp(m[1]) : undefined;
  const prefixLen = m ? Number(m[2]) : NaN;
  if (net === undefined || !(prefixLen >= 8 && prefixLen <= 30)) throw new Error(`bad subnet "${subnetText}" (use e.g. 192.168.1.0/24)`);
  return {
    ssid: spec.ssid ?? 'esp32-lab',
    password: spec.password ?? 'micropython',
    subnet: net,
    prefixLen,
    wifi: spec.wifi ?? {},
    maxClients: spec.maxClients ?? DEFAULT_MAX_CLIENTS,
    broadcastFilter: spec.broadcastFilter ?? false,
  };
}

export class Router {
  readonly id = ROUTER_ID;
  readonly net: NetStack;
  readonly lanNic: Nic;
  readonly wanNic: Nic;
  readonly lan: IfaceHandle;
  readonly wanIface: IfaceHandle;
  readonly radio: ApRadio;
  readonly wan: WiredSegment;
  readonly dhcp: DhcpService;
  readonly dns: DnsServer;
  readonly lanIp: Ipv4Addr;
  /** SNTP on the router's LAN address (home routers answer NTP); `pool.ntp.org` is a simulated internet server (devices/simulation adds it). */
  readonly ntp: SntpServer;
  /** Device id → MAC of every LAN device (for DNS names), and static addresses. */
  private readonly names = new Map<string, { mac: MacAddr; staticIp?: Ipv4Addr }>();

  constructor(
    private readonly sim: Simulator,
    airspace: Airspace,
    readonly network: ResolvedNetwork,
    readonly clock: WorldClock = new WorldClock(sim),
  ) {
    this.net = new NetStack(sim, { device: ROUTER_ID, hostname: ROUTER_ID });
    this.net.ip.forwarding = true;
    this.lanNic = new Nic(ROUTER_ID, deviceMac('router', ROUTER_ID), 'lan');
    this.wanNic = new Nic(ROUTER_ID, deviceMac('router', ROUTER_ID, 1), 'wan');
    this.lan = this.net.addInterface(this.lanNic, 'lan');
    this.wanIface = this.net.addInterface(this.wanNic, 'wan');
    this.lanIp = (network.subnet + 1) >>> 0;
    this.net.configure(this.lan, { ip: this.lanIp, prefixLen: network.prefixLen });
    // Everything that is not on the LAN is on-link behind the WAN port (the internet hosts answer ARP themselves).
    this.net.configure(this.wanIface, { ip: parseIp(WAN_IP)!, prefixLen: 0 });
    this.radio = new ApRadio(sim, airspace, this.lanNic, {
      ssid: network.ssid,
      password: network.password,
      channel: 6,
      maxStations: network.maxClients,
      mediumName: 'medium',
      defaults: mergeLink(DEFAULT_WIFI_LINK, network.wifi),
      broadcastFilter: network.broadcastFilter,
    });
    this.lanNic.attach(this.radio.bss);
    this.wan = new WiredSegment(sim, 'wan');
    this.wan.plug(this.wanNic, 0);
    this.wanNic.attach(this.wan);
    this.dns = new DnsServer(this.net.udp);
    this.dns.add(ROUTER_ID, this.lanIp);
    this.dns.add(`${ROUTER_ID}.lan`, this.lanIp);
    this.dns.add(DEFAULT_NTP_NAME, this.lanIp);
    this.ntp = new SntpServer(this.net.udp, clock);
    this.dhcp = new DhcpService(this.net, this.lan, {
      onLease: (l) => {
        for (const [id, d] of this.names) if (d.mac === l.mac) this.dns.addDevice(id, l.ip);
      },
    });
    this.radio.up();
  }

  /** Makes `id` and `id.lan` resolvable to whatever address the device with `mac` has. */
  registerDevice(id: string, mac: MacAddr, staticIp?: Ipv4Addr): void {
    this.names.set(id.toLowerCase(), { mac, staticIp });
    if (staticIp !== undefined) this.dns.addDevice(id.toLowerCase(), staticIp);
  }

  /** Pins a DHCP address to a MAC (e.g. the tutorial's 192.168.2.231). */
  reserve(mac: MacAddr, ip: Ipv4Addr): void {
    this.dhcp.reserve(mac, ip);
    this.sim.trace.emit(ROUTER_ID, 'dhcp', 'reservation', { ip: ipToString(ip), prefixLen: this.dhcp.prefixLen });
  }

  addInternetName(name: string, ip: Ipv4Addr): void {
    this.dns.add(name, ip);
  }

  /** What the DNS server answers for `name`. */
  lookup(name: string): Ipv4Addr | undefined {
    return this.dns.lookup(name);
  }

  counters(): Record<string, number> {
    const out = this.net.counters();
    for (const [k, v] of Object.entries(this.radio.bss.counters)) out[`medium.${k}`] = v;
    for (const [k, v] of Object.entries(this.dhcp.counters)) out[`dhcpd.${k}`] = v;
    for (const [k, v] of Object.entries(this.ntp.counters)) out[`ntpd.${k}`] = v;
    return out;
  }
}
