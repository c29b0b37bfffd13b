/** A trivial test medium (a hub delivering copies after a fixed latency) and host builders. */
import { Nic, type MediumAttachment, type MediumPort } from '../../devices/nic';
import { Simulator } from '../../sim/simulator';
import { NetStack, type IfaceHandle } from '../../stack/netstack';
import { parseIp, type Ipv4Addr } from '../../stack/wire/types';

export class Hub implements MediumAttachment {
  private ports: MediumPort[] = [];
  /** Return false to drop a frame (a silent server, a lossy link). */
  filter: ((frame: Uint8Array, from: MediumPort) => boolean) | undefined;
  /** Every frame put on the hub, with its send time. */
  readonly log: Array<{ t: number; from: string; frame: Uint8Array }> = [];

  constructor(
    private readonly sim: Simulator,
    readonly latencyUs = 100,
  ) {}

  portCount(): number {
    return this.ports.length;
  }

  plug(nic: Nic): void {
    this.ports.push(nic);
    nic.attach(this);
  }

  send(from: MediumPort, frame: Uint8Array): void {
    this.log.push({ t: this.sim.now, from: from.device, frame });
    if (this.filter && !this.filter(frame, from)) return;
    for (const p of this.ports) {
      if (p === from) continue;
      const copy = frame.slice();
      this.sim.schedule(this.latencyUs, () => p.deliver(copy));
    }
  }
}

export function ip(text: string): Ipv4Addr {
  const v = parseIp(text);
  if (v === undefined) throw new Error(`bad ip ${text}`);
  return v;
}

export interface TestHost {
  stack: NetStack;
  nic: Nic;
  iface: IfaceHandle;
}

/** A host with one interface on `hub`; configured statically when `addr` is given ("192.168.1.10/24"). */
export function host(sim: Simulator, hub: Hub, id: string, addr?: string, gateway?: string, hostname?: string): TestHost {
  const stack = new NetStack(sim, { device: id, hostname });
  const nic = new Nic(id, 0x02_00_00_00_00_00 + hub.portCount() + 1, 'wlan0');
  hub.plug(nic);
  const iface = stack.addInterface(nic, 'wlan0');
  if (addr) {
    const [a, p] = addr.split('/');
    stack.configure(iface, { ip: ip(a), prefixLen: Number(p ?? 24), gateway: gateway ? ip(gateway) : undefined });
  }
  return { stack, nic, iface };
}

/** Runs the simulator synchronously for `us` microseconds of virtual time. */
export function runFor(sim: Simulator, us: number): void {
  sim.schedule(us, () => {}); // the kernel stops at an empty queue without advancing the clock
  sim.runSync({ for: us });
}

export function ethertype(frame: Uint8Array): number {
  return (frame[12] << 8) | frame[13];
}

/** IPv4 protocol and UDP destination port of a frame (undefined when not IPv4/UDP). */
export function udpDstPort(frame: Uint8Array): number | undefined {
  if (ethertype(frame) !== 0x0800 || frame[14 + 9] !== 17) return undefined;
  const ihl = (frame[14] & 0x0f) * 4;
  return (frame[14 + ihl + 2] << 8) | frame[14 + ihl + 3];
}
