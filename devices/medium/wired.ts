/**
 * A wired segment (the router's WAN side): every port has a one-way latency to
 * the segment; a frame from A to B takes A's latency + B's latency plus
 * serialisation at 1 Gbit/s, FIFO per port. Unicast goes to the port with that
 * MAC, group addresses to every other port. Lossless.
 */
import { Relay, type Simulator } from '../../sim/simulator';
import { bump, type Counters } from '../../stack/contracts';
import { readMac, type MacAddr } from '../../stack/wire/types';
import type { MediumAttachment, MediumPort } from '../nic';
import { HopQueue, type LinkParams } from './link';

interface WiredPort {
  port: MediumPort;
  params: LinkParams;
  queue: HopQueue;
  /** A frame for this port, past the sender's hop: this port's latency, then delivery (one Relay per port, nothing per frame). */
  arrive: Relay<MediumPort, Uint8Array>;
  /** The unicast destination this port sent to last, and its port (a flow's frames: no map lookup). */
  lastDstMac: MacAddr;
  lastDst: WiredPort | undefined;
}

function deliverTo(port: MediumPort, frame: Uint8Array): void {
  port.deliver(frame);
}

export class WiredSegment implements MediumAttachment {
  private ports = new Map<MacAddr, WiredPort>();
  readonly counters: Counters = {};
  /** The last two senders and their ports (both ends of a flow take turns: no map lookups). */
  private fromA: MediumPort | undefined;
  private srcA: WiredPort | undefined;
  private fromB: MediumPort | undefined;
  private srcB: WiredPort | undefined;

  constructor(
    private readonly sim: Simulator,
    readonly name: string,
  ) {}

  /** Plugs a NIC in; `latencyUs` is its one-way delay to the segment. */
  plug(port: MediumPort, latencyUs: number): void {
    const sim = this.sim;
    // A port's parameters are fixed once plugged (the relay holds its latency).
    const p: WiredPort = {
      port,
      params: { latencyUs, jitterUs: 0, loss: 0, duplicate: 0, reorder: 0, rateBps: 1_000_000_000, down: false },
      queue: new HopQueue(sim, sim.rng(`${this.name}/${port.device}`), this.counters),
      arrive: new Relay(sim.lane(), latencyUs, deliverTo, port),
      lastDstMac: -1,
      lastDst: undefined,
    };
    this.ports.set(port.mac, p);
    // A port plugged again under a MAC already cached must not be reached through the old one.
    this.fromA = this.srcA = this.fromB = this.srcB = undefined;
    for (const q of this.ports.values()) {
      q.lastDstMac = -1;
      q.lastDst = undefined;
    }
  }

  /** The port `from` is plugged in as (undefined when it is not). */
  private portOf(from: MediumPort): WiredPort | undefined {
    if (from === this.fromA && this.srcA !== undefined) return this.srcA;
    if (from === this.fromB && this.srcB !== undefined) return this.srcB;
    // The older entry makes room.
    this.fromB = this.fromA;
    this.srcB = this.srcA;
    this.fromA = from;
    return (this.srcA = this.ports.get(from.mac));
  }

  send(from: MediumPort, frame: Uint8Array): void {
    const src = this.portOf(from);
    if (!src || frame.length < 14) {
      bump(this.counters, 'drop');
      return;
    }
    // Sender's latency on its own queue, then the receiver's port (see `arrive`).
    if ((frame[0] & 1) === 0) {
      const mac = readMac(frame, 0);
      let p = src.lastDst;
      if (mac !== src.lastDstMac || p === undefined) {
        p = this.ports.get(mac);
        src.lastDstMac = mac;
        src.lastDst = p;
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
