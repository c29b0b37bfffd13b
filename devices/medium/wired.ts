/**
 * A wired segment (the router's WAN side): every port has a one-way latency to
 * the segment; a frame from A to B takes A's latency + B's latency plus
 * serialisation at 1 Gbit/s, FIFO per port. Unicast goes to the port with that
 * MAC, group addresses to every other port. Lossless.
 */
import type { Simulator } from '../../sim/simulator';
import { bump, type Counters } from '../../stack/contracts';
import { readMac, type MacAddr } from '../../stack/wire/types';
import type { MediumAttachment, MediumPort } from '../nic';
import { HopQueue, type LinkParams } from './link';

interface WiredPort {
  port: MediumPort;
  params: LinkParams;
  queue: HopQueue;
}

export class WiredSegment implements MediumAttachment {
  private ports = new Map<MacAddr, WiredPort>();
  readonly counters: Counters = {};

  constructor(
    private readonly sim: Simulator,
    readonly name: string,
  ) {}

  /** Plugs a NIC in; `latencyUs` is its one-way delay to the segment. */
  plug(port: MediumPort, latencyUs: number): void {
    this.ports.set(port.mac, {
      port,
      params: { latencyUs, jitterUs: 0, loss: 0, duplicate: 0, reorder: 0, rateBps: 1_000_000_000, down: false },
      queue: new HopQueue(this.sim, this.sim.rng(`${this.name}/${port.device}`), this.counters),
    });
  }

  send(from: MediumPort, frame: Uint8Array): void {
    const src = this.ports.get(from.mac);
    if (!src || frame.length < 14) {
      bump(this.counters, 'drop');
      return;
    }
    const dst = readMac(frame, 0);
    const group = (frame[0] & 1) === 1;
    let sent = false;
    for (const p of this.ports.values()) {
      if (p === src || (!group && p.port.mac !== dst)) continue;
      sent = true;
      // Sender's latency on its own queue, receiver's latency added on delivery.
      // HopQueue hands the frame itself over: a group frame gets one copy per port.
      src.queue.send(src.params, group ? frame.slice() : frame, (copy) => {
        if (p.params.latencyUs > 0) this.sim.schedule(p.params.latencyUs, () => p.port.deliver(copy));
        else p.port.deliver(copy);
      });
    }
    if (!sent) bump(this.counters, 'dropUnknownDst');
  }
}
