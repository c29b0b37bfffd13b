/** The TCP/UDP implementations the socket tests run over: the real cores, configured by the personality. */
import type { Simulator } from '../../../sim/simulator';
import { TcpLayer } from '../../../stack/tcp/index';
import { UdpLayer } from '../../../stack/udp/udp';
import type { FakeLan, StackFactory } from './harness';

export function stacks(_sim: Simulator, _lan: FakeLan): StackFactory {
  return {
    tcp: (ip, p) => new TcpLayer(ip, p.tcp),
    udp: (ip) => new UdpLayer(ip),
  };
}
