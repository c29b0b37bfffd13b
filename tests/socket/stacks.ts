/** Which TCP/UDP implementations the socket tests run over. */
import type { Simulator } from '../../sim/simulator';
import { UdpLayer } from '../../stack/udp/udp';
import { FakeTcp, FakeTcpNet } from './fake-tcp';
import type { FakeLan, StackFactory } from './harness';

export function stacks(sim: Simulator, lan: FakeLan): StackFactory {
  const net = new FakeTcpNet(sim, lan.latencyUs);
  return {
    tcp: (ip) => new FakeTcp(ip, net),
    udp: (ip) => new UdpLayer(ip),
  };
}
