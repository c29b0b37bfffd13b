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
  /** A frame for this port has crossed the sender's hop: this port's latency, then delivery. */
  arrive: (frame: Uint8Array) => void;
}

function deliverTo(port: MediumPort, frame: Uint8Array): void {
  port.deliver(frame);
}

export class WiredSegment implements MediumAttachment {
  private ports = new Map<MacAddr, WiredPort>();
  readonly counters: Counters = {};
  /** The last sender's port and the last unicast destination's (a flow's frames: no map lookups). */
  private lastFrom: MediumPort | undefined;
  private lastSrc: WiredPort | undefined;
  private lastDstMac = -1;
  private lastDst: WiredPort | undefined;

  constructor(
    private readonly sim: Simulator,
    readonly name: string,
  ) {}

  /** Plugs a NIC in; `latencyUs` is its one-way delay to the segment. */
  plug(port: MediumPort, latencyUs: number): void {
    const sim = this.sim;
    const lane = sim.lane();
    const p: WiredPort = {
      port,
      params: { latencyUs, jitterUs: 0, loss: 0, duplicate: 0, reorder: 0, rateBps: 1_000_000_000, down: false },
      queue: new HopQueue(sim, sim.rng(`${this.name}/${port.device}`), this.counters),
      // Receiver's latency added on delivery (one closure per port, none per frame).
      arrive: (frame) => {
        if (p.params.latencyUs > 0) sim.postLane(lane, sim.now + p.params.latencyUs, deliverTo, p.port, frame);
        else p.port.deliver(frame);
      },
    };
    this.ports.set(port.mac, p);
    this.lastFrom = this.lastSrc = this.lastDst = undefined;
    this.lastDstMac = -1;
  }

  send(from: MediumPort, frame: Uint8Array): void {
    let src = this.lastSrc;
    if (from !== this.lastFrom || src === undefined) {
      src = this.ports.get(from.mac);
      this.lastFrom = from;
      this.lastSrc = src;
    }
    if (!src || frame.length < 14) {
      bump(this.counters, 'drop');
      return;
    }
    // Sender's latency on its own queue, then the receiver's port (see `arrive`).
    if ((frame[0] & 1) === 0) {
      const mac = readMac(frame, 0);
      let p = this.lastDst;
      if (mac !== this.lastDstMac || p === undefined) {
        p = this.ports.get(mac);
        this.lastDstMac = mac;
        this.lastDst = p;
      }
      if (p && p !== src) src.queue.send(src.params, frame, p.arrive);
      else bump(this.counters, 'dropUnknownDst');
      return;
    }
    let sent = false;
    for (const p of this.ports.values()) {
      if (p === src) continue;
      sent = true;
      // HopQueue hands the frame itself over: a group frame gets one copy per port.
      src.queue.send(src.params, frame.slice(), p.arrive);
    }
    if (!sent) bump(this.counters, 'dropUnknownDst');
  }
}
