/**
 * Builds a device's transport layers (TCP + the BSD socket table) on top of its
 * NetStack, for a personality (stack/personality: ESP32 with lwIP numbers and
 * timers, or Linux for PCs and internet hosts). Shared by every board kind.
 */
import type { Simulator } from '../sim/simulator';
import type { NetStack } from './netstack';
import type { Personality } from './personality';
import { SocketLayer } from './socket';
import { TcpLayer } from './tcp';
import type { TcpLayerApi } from './tcp/api';
import { ipToString, parseIp } from './wire/types';
import type { NetDevice } from './link';

export interface Transport {
  tcp: TcpLayer;
  sockets: SocketLayer;
}

export function buildTransport(sim: Simulator, device: string, net: NetStack, personality: Personality): Transport {
  const tcp = new TcpLayer(net.ip, personality.tcp);
  const sockets = new SocketLayer({ sim, device, ip: net.ip, tcp, udp: net.udp, personality });
  return { tcp, sockets };
}

/** BoardApi.resolve over a NetStack: IP literals answer at once, names go to the resolver. */
export function resolveName(net: NetStack, host: string, cb: (ip: string | undefined) => void): void {
  if (parseIp(host) !== undefined) {
    cb(host);
    return;
  }
  net.dns.resolve(host, (r) => cb(r === undefined ? undefined : ipToString(r)));
}

/** A board's counters: every stack layer, TCP, and its main NIC's frame counts. */
export function boardCounters(net: NetStack, tcp: TcpLayerApi | undefined, nic: NetDevice): Record<string, number> {
  const out = net.counters();
  const t = tcp?.counters ?? {};
  for (const k of Object.keys(t).sort()) out[`tcp.${k}`] = t[k];
  out['nic.tx'] = nic.txFrames;
  out['nic.rx'] = nic.rxFrames;
  return out;
}
