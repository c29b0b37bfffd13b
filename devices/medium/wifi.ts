/**
 * A WiFi BSS in infrastructure mode. Stations talk only to the AP: a frame
 * from station A to station B crosses A's uplink hop (A's parameters), then the
 * AP relays it over B's downlink hop (B's parameters). Broadcasts reach the AP
 * and are relayed to every other station, each copy its own event. Frames are
 * Ethernet II (what the stacks emit and the pcap shows).
 */
import type { Simulator } from '../../sim/simulator';
import { bump, type Counters } from '../../stack/contracts';
import { BROADCAST_MAC, readMac, type MacAddr } from '../../stack/wire/types';
import type { LinkSpec } from './link';
import type { MediumAttachment, MediumPort } from '../nic';
import { DEFAULT_WIFI_LINK, HopQueue, mergeLink, type LinkParams } from './link';
import { BroadcastFilter } from './broadcast-filter';

interface Station {
  port: MediumPort;
  params: LinkParams;
  up: HopQueue;
  down: HopQueue;
  /** What becomes of a frame past each hop (one closure per station, none per frame). */
  reachedAp: (frame: Uint8Array) => void;
  landed: (frame: Uint8Array) => void;
}

export type FrameTapFn = (frame: Uint8Array, from: string) => void;

export class WifiBss implements MediumAttachment {
  private stations = new Map<MacAddr, Station>();
  /** Link parameters remembered per device id, also for stations not (yet) associated. */
  private linkOf = new Map<string, LinkParams>();
  private taps: FrameTapFn[] = [];
  readonly counters: Counters = {};

  /**
   * @param name RNG prefix: station streams are `<name>/<device>` (the lab BSS uses "medium").
   * @param ap the AP's own port (its LAN NIC).
   */
  /** Enterprise broadcast control (NetworkSpec.broadcastFilter); none on a plain AP. */
  private readonly filter: BroadcastFilter | undefined;

  constructor(
    private readonly sim: Simulator,
    readonly name: string,
    readonly ap: MediumPort,
    private defaults: LinkParams = DEFAULT_WIFI_LINK,
    opts: { broadcastFilter?: boolean } = {},
  ) {
    this.filter = opts.broadcastFilter ? new BroadcastFilter(ap.mac) : undefined;
  }

  /** Adds an associated station (its NIC should then attach to this BSS). */
  join(port: MediumPort): void {
    const params = this.params(port.device);
    const rng = this.sim.rng(`${this.name}/${port.device}`);
    const sta: Station = {
      port,
      params,
      up: new HopQueue(this.sim, rng, this.counters),
      down: new HopQueue(this.sim, rng, this.counters),
      reachedAp: (frame) => this.atAp(frame, sta),
      landed: (frame) => {
        // Still associated when the frame lands?
        if (this.stations.get(sta.port.mac) === sta) sta.port.deliver(frame);
        else bump(this.counters, 'dropNotAssociated');
      },
    };
    this.stations.set(port.mac, sta);
    this.sim.trace.emit(this.ap.device, 'medium', 'join', { bss: this.name, sta: port.device });
  }

  leave(port: MediumPort): void {
    if (this.stations.delete(port.mac)) this.sim.trace.emit(this.ap.device, 'medium', 'leave', { bss: this.name, sta: port.device });
  }

  has(mac: MacAddr): boolean {
    return this.stations.has(mac);
  }

  stationMacs(): MacAddr[] {
    return [...this.stations.keys()];
  }

  /** The link parameters of a station (defaults when never set). */
  params(device: string): LinkParams {
    let p = this.linkOf.get(device);
    if (!p) {
      p = { ...this.defaults };
      this.linkOf.set(device, p);
    }
    return p;
  }

  /** Changes a station's link while running (fields not given stay as they are). */
  setLink(device: string, spec: LinkSpec): void {
    const p = this.params(device);
    Object.assign(p, mergeLink(p, spec));
    this.sim.trace.emit(this.ap.device, 'medium', 'link', { bss: this.name, sta: device, ...spec });
  }

  /** Sees every frame put on the air once (pcap): station uplinks and AP transmissions. */
  addTap(tap: FrameTapFn): () => void {
    this.taps.push(tap);
    return () => {
      this.taps = this.taps.filter((t) => t !== tap);
    };
  }

  send(from: MediumPort, frame: Uint8Array): void {
    if (frame.length < 14) {
      bump(this.counters, 'dropRunt');
      return;
    }
    if (from.mac === this.ap.mac) {
      this.filter?.observeAp(frame);
      this.tap(frame, from.device);
      this.fromAp(frame, undefined);
      return;
    }
    const sta = this.stations.get(from.mac);
    if (!sta) {
      bump(this.counters, 'dropNotAssociated');
      return;
    }
    if (sta.params.down) {
      bump(this.counters, 'dropDown');
      return;
    }
    this.tap(frame, from.device);
    bump(this.counters, 'uplink');
    sta.up.send(sta.params, frame, sta.reachedAp);
  }

  private tap(frame: Uint8Array, from: string): void {
    for (const t of this.taps) t(frame, from);
  }

  /** A station's frame reached the AP: keep it, relay it, or both. */
  private atAp(frame: Uint8Array, src: Station): void {
    const dst = readMac(frame, 0);
    if (dst === this.ap.mac) {
      this.ap.deliver(frame);
      return;
    }
    if (dst === BROADCAST_MAC || (frame[0] & 1) === 1) {
      this.ap.deliver(frame.slice());
      const d = this.filter ? this.filter.decide(frame, src.port.mac, (mac) => this.stations.has(mac)) : 'relay';
      if (d === 'relay') this.fromAp(frame, src);
      else if (d === 'drop') bump(this.counters, 'broadcastFiltered');
      else {
        bump(this.counters, 'broadcastToUnicast');
        this.fromAp(BroadcastFilter.unicast(frame, d.unicastTo), src);
      }
      return;
    }
    if (this.stations.has(dst)) {
      this.fromAp(frame, src);
      return;
    }
    bump(this.counters, 'dropUnknownDst');
  }

  /** The AP transmits (its own frame or a relayed one) to one station or, for group addresses, to all but `except`. */
  private fromAp(frame: Uint8Array, except: Station | undefined): void {
    if ((frame[0] & 1) === 0) {
      // Unicast: the one station it is for (a lookup, so a big BSS costs nothing per frame).
      const sta = this.stations.get(readMac(frame, 0));
      if (sta && sta !== except) this.downlink(sta, frame);
      else if (!sta) bump(this.counters, 'dropUnknownDst');
      return;
    }
    // HopQueue hands the frame itself over: a group frame gets one copy per station.
    for (const sta of this.stations.values()) if (sta !== except) this.downlink(sta, frame.slice());
  }

  private downlink(sta: Station, frame: Uint8Array): void {
    bump(this.counters, 'downlink');
    sta.down.send(sta.params, frame, sta.landed);
  }
}
