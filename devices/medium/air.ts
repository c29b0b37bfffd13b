/**
 * The air itself: 802.11 frames sent straight from one radio to the others
 * (ESP-NOW action frames and their ACKs), outside any BSS and with no access
 * point in between. A frame is heard by every radio that listens on its
 * channel when its airtime ends, unless the sender's or the receiver's link
 * loses it (each drawn from that device's stream `air/<device>`), or a link is
 * down. A channel is busy while a frame is on it: senders wait for it to be
 * idle (carrier sense), so frames never collide. Link parameters per device
 * start from the lab's `network.wifi` and follow `link` changes; `rate` is the
 * frame's own PHY rate (ESP-NOW: 1 Mbps unless configured), and duplicate /
 * reorder do not apply (802.11 sequence numbers already filter duplicates).
 */
import type { Simulator } from '../../sim/simulator';
import { bump, type Counters } from '../../stack/contracts';
import { mergeLink, type LinkParams, type LinkSpec } from './link';

export interface AirRadio {
  readonly device: string;
  /** The channel it listens on now; undefined while off or asleep. */
  channel(): number | undefined;
  /** A frame reached it intact (at the end of the frame's airtime). */
  hear(frame: Uint8Array): void;
}

/** Sees every frame once, when it starts on the air. */
export type AirTap = (us: number, frame: Uint8Array, channel: number, rateKbps: number) => void;

/** 802.11b/g PHY timing (µs). */
export const SIFS_US = 10;
export const SLOT_US = 20;
export const DIFS_US = SIFS_US + 2 * SLOT_US;

/** Airtime of a frame of `bytes` (FCS included) at `rateKbps`: preamble + header + payload. */
export function airtimeUs(bytes: number, rateKbps: number, shortPreamble = false): number {
  if (rateKbps >= 6000 && rateKbps !== 11000 && rateKbps !== 5500) {
    // OFDM (ERP): 20 µs preamble/signal, 4 µs symbols of 16 service + 8·bytes + 6 tail bits, 6 µs signal extension.
    const bitsPerSymbol = (rateKbps / 1000) * 4;
    return 20 + 4 * Math.ceil((16 + 8 * bytes + 6) / bitsPerSymbol) + 6;
  }
  return (shortPreamble ? 96 : 192) + Math.ceil((bytes * 8 * 1000) / rateKbps);
}

export class Air {
  private radios: AirRadio[] = [];
  private busyUntil = new Map<number, number>();
  private links = new Map<string, LinkParams>();
  private taps: AirTap[] = [];
  readonly counters: Counters = {};

  constructor(
    private readonly sim: Simulator,
    private readonly defaults: LinkParams,
  ) {}

  join(r: AirRadio): void {
    if (!this.radios.includes(r)) this.radios.push(r);
  }

  params(device: string): LinkParams {
    let p = this.links.get(device);
    if (!p) {
      p = { ...this.defaults };
      this.links.set(device, p);
    }
    return p;
  }

  setLink(device: string, spec: LinkSpec): void {
    const p = this.params(device);
    Object.assign(p, mergeLink(p, spec));
  }

  addTap(tap: AirTap): () => void {
    this.taps.push(tap);
    return () => {
      this.taps = this.taps.filter((t) => t !== tap);
    };
  }

  /** When `channel` is free for a new frame. */
  idleAt(channel: number): number {
    return Math.max(this.sim.now, this.busyUntil.get(channel) ?? 0);
  }

  /**
   * Puts `frame` on `channel` now, for `airUs`. Returns when it ends. Each radio
   * that listens on the channel (then and when the frame ends) hears its own copy.
   */
  transmit(from: AirRadio, frame: Uint8Array, channel: number, rateKbps: number, airUs: number): number {
    const now = this.sim.now;
    const end = now + airUs;
    this.busyUntil.set(channel, Math.max(this.busyUntil.get(channel) ?? 0, end));
    for (const t of this.taps) t(now, frame, channel, rateKbps);
    bump(this.counters, 'frames');
    const pFrom = this.params(from.device);
    if (pFrom.down) {
      bump(this.counters, 'dropDown');
      return end;
    }
    const rngFrom = this.sim.rng(`air/${from.device}`);
    for (const r of this.radios) {
      if (r === from || r.channel() !== channel) continue;
      const pTo = this.params(r.device);
      if (pTo.down) {
        bump(this.counters, 'dropDown');
        continue;
      }
      if (rngFrom.chance(pFrom.loss) || this.sim.rng(`air/${r.device}`).chance(pTo.loss)) {
        bump(this.counters, 'dropLoss');
        continue;
      }
      const copy = frame.slice();
      this.sim.at(end, () => {
        if (r.channel() === channel) r.hear(copy);
        else bump(this.counters, 'dropNotListening');
      });
    }
    return end;
  }
}
