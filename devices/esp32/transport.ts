/**
 * Builds a device's transport layers (TCP + the BSD socket table) on top of its
 * NetStack, for a personality: 'esp32' (lwIP numbers and timers) or 'linux'
 * (PCs and internet hosts). Shared by every board kind.
 */
import type { Simulator } from '../../sim/simulator';
import type { NetStack } from '../../stack/netstack';
import { ESP32_PERSONALITY, LINUX_PERSONALITY } from '../../stack/personality';
import { SocketLayer } from '../../stack/socket';
import { ESP32_TCP, LINUX_TCP, TcpLayer } from '../../stack/tcp';

export type PersonalityKind = 'esp32' | 'linux';

export interface Transport {
  tcp: TcpLayer;
  sockets: SocketLayer;
}

export function buildTransport(sim: Simulator, device: string, net: NetStack, kind: PersonalityKind): Transport {
  const tcp = new TcpLayer(net.ip, kind === 'esp32' ? ESP32_TCP : LINUX_TCP);
  const sockets = new SocketLayer({
    sim,
    device,
    ip: net.ip,
    tcp,
    udp: net.udp,
    personality: kind === 'esp32' ? ESP32_PERSONALITY : LINUX_PERSONALITY,
  });
  return { tcp, sockets };
}
