/** The TCP/UDP implementations the socket tests run over: the real cores, configured per personality. */
import type { Simulator } from '../../../sim/simulator';
import { ESP32_TCP, LINUX_TCP, TcpLayer } from '../../../stack/tcp/index';
import { UdpLayer } from '../../../stack/udp/udp';
import type { FakeLan, StackFactory } from './harness';

export function stacks(_sim: Simulator, _lan: FakeLan): StackFactory {
  return {
    tcp: (ip, p) => new TcpLayer(ip, p.name === 'esp32' ? ESP32_TCP : LINUX_TCP),
    udp: (ip) => new UdpLayer(ip),
  };
}
