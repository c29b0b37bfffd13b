/**
 * Two complete devices (sockets, TCP, IPv4, ARP, Ethernet, NIC) on a wired
 * segment, with every frame either NIC sends captured for frame checkers
 * (tests/stack/frames.ts).
 */
import { WiredSegment } from '../../../devices/medium/wired';
import { Nic } from '../../../devices/nic';
import { Simulator } from '../../../sim/simulator';
import { NetStack } from '../../../stack/netstack';
import type { Personality } from '../../../stack/personality';
import { buildTransport, type Transport } from '../../../stack/transport';
import { parseIp } from '../../../stack/wire/types';

export interface WiredHost extends Transport {
  ip: string;
  nic: Nic;
  /** Frames this host sent, in order. */
  sent: Uint8Array[];
}

function host(sim: Simulator, seg: WiredSegment, id: string, mac: number, ip: string, p: Personality): WiredHost {
  const net = new NetStack(sim, { device: id });
  const nic = new Nic(id, mac, 'eth0');
  seg.plug(nic, 100);
  nic.attach(seg);
  net.configure(net.addInterface(nic, 'eth0'), { ip: parseIp(ip)!, prefixLen: 24 });
  const sent: Uint8Array[] = [];
  nic.addTap((f, dir) => {
    if (dir === 'tx') sent.push(f.slice());
  });
  return { ...buildTransport(sim, id, net, p), ip, nic, sent };
}

/** Device `a` (10.0.0.1) and `b` (10.0.0.2), 100 µs from the segment each. */
export function wiredPair(pa: Personality, pb: Personality, seed = 1): { sim: Simulator; a: WiredHost; b: WiredHost } {
  const sim = new Simulator(seed);
  sim.trace.keep = false;
  const seg = new WiredSegment(sim, 'lan');
  return { sim, a: host(sim, seg, 'a', 0x02_00_00_00_00_01, '10.0.0.1', pa), b: host(sim, seg, 'b', 0x02_00_00_00_00_02, '10.0.0.2', pb) };
}
