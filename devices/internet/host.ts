/**
 * A simulated host beyond the router: a small NetStack on the router's WAN
 * segment (its own address /32, the router's WAN address as gateway, so every
 * reply goes back through the router), with one built-in service.
 */
import type { Simulator } from '../../sim/simulator';
import { NetStack } from '../../stack/netstack';
import { parseIp, type Ipv4Addr } from '../../stack/wire/types';
import type { InternetHostSpec } from '../api';
import { WAN_IP, type Router } from '../ap/router';
import { deviceMac } from '../medium/mac';
import { Nic } from '../nic';
import { buildTransport, type Transport } from '../esp32/transport';
import { startService, type Service } from './services';

/** Default one-way WAN latency to an internet host. */
export const DEFAULT_WAN_LATENCY_US = 20_000;

export class InternetHost {
  readonly id: string;
  readonly ip: Ipv4Addr;
  readonly net: NetStack;
  readonly nic: Nic;
  readonly transport: Transport;
  readonly service: Service;

  constructor(
    readonly sim: Simulator,
    router: Router,
    readonly spec: InternetHostSpec,
  ) {
    const ip = parseIp(spec.ip);
    if (ip === undefined) throw new Error(`internet host "${spec.name}": bad ip "${spec.ip}"`);
    this.ip = ip;
    this.id = spec.name;
    this.net = new NetStack(sim, { device: spec.name, hostname: spec.name });
    this.nic = new Nic(spec.name, deviceMac('internet', spec.name), 'eth0');
    const iface = this.net.addInterface(this.nic, 'eth0');
    this.net.configure(iface, { ip, prefixLen: 32, gateway: parseIp(WAN_IP)! });
    router.wan.plug(this.nic, spec.latencyUs ?? DEFAULT_WAN_LATENCY_US);
    this.nic.attach(router.wan);
    router.addInternetName(spec.name, ip);
    this.transport = buildTransport(sim, spec.name, this.net, 'linux');
    this.service = startService(this, spec);
  }
}
