/**
 * A simulated host beyond the router: a small NetStack on the router's WAN
 * segment (its own address /32, the router's WAN address as gateway, so every
 * reply goes back through the router), with one built-in service and a log
 * (a console the timeline shows under the host's name).
 */
import type { Simulator } from '../../sim/simulator';
import { NetStack } from '../../stack/netstack';
import { parseIp, type Ipv4Addr } from '../../stack/wire/types';
import { WAN_IP, type Router } from '../ap/router';
import { deviceMac } from '../medium/mac';
import { Nic } from '../nic';
import { NetNode } from '../node';
import { startService, type Service, type ServiceRecord } from './services';
import { POOL_NTP } from './ntp';
import type { WorldClock } from '../clock';
import { Console } from '../console';
import type { InternetHostSpec } from './spec';
import { LINUX_PERSONALITY } from '../../stack/personality';

export type { InternetHostSpec, InternetService } from './spec';

/** Default one-way WAN latency to an internet host. */
export const DEFAULT_WAN_LATENCY_US = 20_000;

export class InternetHost extends NetNode {
  readonly ip: Ipv4Addr;
  readonly nic: Nic;
  protected get mainNic(): Nic {
    return this.nic;
  }
  readonly service: Service;
  /** What the service logs (connections, requests, published messages). */
  readonly log: Console;

  constructor(
    sim: Simulator,
    router: Router,
    readonly spec: InternetHostSpec,
    readonly clock: WorldClock = router.clock,
    record: ServiceRecord = {},
  ) {
    super(sim, spec.name, new NetStack(sim, { device: spec.name, hostname: spec.name }), LINUX_PERSONALITY);
    const ip = parseIp(spec.ip);
    if (ip === undefined) throw new Error(`internet host "${spec.name}": bad ip "${spec.ip}"`);
    this.ip = ip;
    this.nic = new Nic(spec.name, deviceMac('internet', spec.name), 'eth0');
    const iface = this.net.addInterface(this.nic, 'eth0');
    this.net.configure(iface, { ip, prefixLen: 32, gateway: parseIp(WAN_IP)! });
    router.wan.plug(this.nic, spec.latencyUs ?? DEFAULT_WAN_LATENCY_US);
    this.nic.attach(router.wan);
    router.addInternetName(spec.name, ip);
    this.log = new Console(sim, spec.name);
    this.service = startService(this, spec, { ntp: POOL_NTP, ...record });
  }
}
