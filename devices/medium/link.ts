/**
 * One direction of one radio/wire hop: a transmit queue (airtime at rateBps),
 * then latency + jitter, with loss / duplication / reordering drawn from the
 * station's RNG stream. Each arrival is its own sim event (ns-3 style).
 * Parameters may change while running.
 *
 * Frame ownership: a sender hands its frame over (stacks build a fresh one per
 * transmission and never touch it again; taps copy what they keep), so the
 * first copy delivered is the frame itself and only a duplicate is sliced.
 * Media that fan one frame out to several receivers give each its own copy.
 */
import type { Rng } from '../../sim/rng';
import type { Lane, Relay, Simulator } from '../../sim/simulator';
import { bump, type Counters } from '../../stack/contracts';

export interface LinkSpec {
  latencyUs?: number;
  jitterUs?: number;
  /** Probabilities 0..1, drawn from the station's RNG stream. */
  loss?: number;
  duplicate?: number;
  reorder?: number;
  /** Bit rate for airtime (serialisation delay), bits per second. */
  rateBps?: number;
  /** true = link down (frames to/from this station are lost, the station stays associated). */
  down?: boolean;
}

export interface LinkParams {
  latencyUs: number;
  jitterUs: number;
  loss: number;
  duplicate: number;
  reorder: number;
  rateBps: number;
  down: boolean;
}

/** NetworkSpec default WiFi link: 2 ms latency, 1 ms jitter, no loss, 20 Mbit/s. */
export const DEFAULT_WIFI_LINK: LinkParams = {
  latencyUs: 2000,
  jitterUs: 1000,
  loss: 0,
  duplicate: 0,
  reorder: 0,
  rateBps: 20_000_000,
  down: false,
};

/** Fills the missing fields of `spec` from `base`. */
export function mergeLink(base: LinkParams, spec: LinkSpec | undefined): LinkParams {
  const out = { ...base };
  if (!spec) return out;
  for (const k of Object.keys(spec) as (keyof LinkSpec)[]) {
    const v = spec[k];
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** 802.11 MAC/PHY overhead per frame (header, FCS, preamble as bytes), for airtime. */
const AIR_OVERHEAD_BYTES = 36;

/** Transmit queue + propagation of one hop direction. */
export class HopQueue {
  /** When the radio finishes sending what it already has queued. */
  private busyUntil = 0;
  /** Latest arrival scheduled so far (keeps FIFO order unless a reorder is drawn). */
  private lastArrival = 0;
  /** The in-order arrivals (all but reordered frames and duplicates), as one kernel lane. */
  private readonly lane: Lane;

  constructor(
    private readonly sim: Simulator,
    private readonly rng: Rng,
    private readonly counters: Counters,
  ) {
    this.lane = sim.lane();
  }

  /**
   * Sends `frame` over this hop with `p`; `deliver` runs once per copy that
   * arrives (0, 1 or 2 times), or each copy goes on over `deliver`'s second
   * hop (a Relay: no callback between the hops). Returns false when the frame was lost.
   */
  send(p: LinkParams, frame: Uint8Array, deliver: HopDelivery): boolean {
    const now = this.sim.now;
    const airUs = p.rateBps > 0 ? Math.ceil(((frame.length + AIR_OVERHEAD_BYTES) * 8 * 1_000_000) / p.rateBps) : 0;
    const start = Math.max(now, this.busyUntil);
    const txEnd = start + airUs;
    this.busyUntil = txEnd;
    if (p.down) {
      bump(this.counters, 'dropDown');
      return false;
    }
    if (this.rng.chance(p.loss)) {
      bump(this.counters, 'dropLoss');
      return false;
    }
    let arrival = txEnd + p.latencyUs + (p.jitterUs > 0 ? this.rng.int(p.jitterUs + 1) : 0);
    if (this.rng.chance(p.reorder)) {
      // Held back long enough for the next frames to overtake it.
      arrival += p.latencyUs + p.jitterUs + 1000;
      bump(this.counters, 'reordered');
      this.arrive(null, arrival, frame, deliver);
    } else {
      arrival = Math.max(arrival, this.lastArrival);
      this.lastArrival = arrival;
      this.arrive(this.lane, arrival, frame, deliver);
    }
    if (this.rng.chance(p.duplicate)) {
      bump(this.counters, 'duplicated');
      const dupAt = arrival + airUs + 1;
      this.arrive(null, dupAt, frame.slice(), deliver);
    }
    return true;
  }

  /** One copy's arrival at `at`, in order through `lane` or (null) on its own. */
  private arrive(lane: Lane | null, at: number, copy: Uint8Array, deliver: HopDelivery): void {
    if (typeof deliver !== 'function') this.sim.relay(lane, at, deliver, copy);
    else if (lane !== null) this.sim.postLane(lane, at, deliver, copy, at);
    else this.sim.post(at, deliver, copy, at);
  }
}

/** What becomes of a copy that crosses a hop: a callback (with its arrival time), or a second hop. */
export type HopDelivery = ((copy: Uint8Array, at: number) => void) | Relay<any, Uint8Array>; // eslint-disable-line @typescript-eslint/no-explicit-any
