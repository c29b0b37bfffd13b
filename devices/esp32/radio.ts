/**
 * An ESP32's 802.11 MAC for frames sent outside a BSS (ESP-NOW): one transmit
 * queue served in order; before each attempt the radio waits DIFS plus a random
 * backoff (contention window 31, doubling per retry up to 1023, drawn from
 * `mac/<device>`) and for the channel to be idle. A unicast frame is answered
 * by the receiver's ACK a SIFS after it ends; without an ACK in time the frame
 * is sent again with the Retry bit, up to RETRIES more times, and then counts
 * as failed (ESP_NOW_SEND_FAIL). A group frame needs no ACK. The receiver ACKs
 * every unicast to one of its addresses (its MAC does it, whether or not the
 * application listens) and drops retransmissions it already has.
 */
import type { Simulator, TimerId } from '../../sim/simulator';
import { ACK_LEN, emitAck, emitAction, isGroup, parseDot11 } from '../../stack/wire/dot11';
import { BROADCAST_MAC, type MacAddr } from '../../stack/wire/types';
import { airtimeUs, DIFS_US, SIFS_US, SLOT_US, type Air, type AirRadio } from '../medium/air';

/** Retransmissions of an unacknowledged unicast (ESP-IDF: "this can occur up to 5 times", esp-idf#9383). */
export const RETRIES = 5;
const CW_MIN = 31;
const CW_MAX = 1023;
/** The rate ACKs go at for a DSSS frame (the basic rate). */
const ACK_RATE_KBPS = 1000;

export interface RadioHost {
  readonly sim: Simulator;
  readonly id: string;
  readonly air: Air;
  /** The channel the radio is on now; undefined while off (no interface active, asleep, powered down). */
  channel(): number | undefined;
  /** This board's addresses that receive now (the station MAC, and the soft-AP's when it is active). */
  addresses(): MacAddr[];
  /** A frame for this board's ESP-NOW arrived intact (body after the 802.11 header). */
  received(src: MacAddr, dst: MacAddr, body: Uint8Array): void;
}

interface TxJob {
  dst: MacAddr;
  src: MacAddr;
  body: Uint8Array;
  rateKbps: number;
  seq: number;
  done: (delivered: boolean) => void;
}

export class Esp32Radio implements AirRadio {
  private queue: TxJob[] = [];
  private sending = false;
  private seq = 0;
  /** The unicast waiting for its ACK. */
  private awaiting: { job: TxJob; timer: TimerId } | undefined;
  /** Last sequence number heard per sender (duplicate filter). */
  private lastSeq = new Map<MacAddr, number>();
  /** Bumped by reset(): events of an earlier power cycle do nothing. */
  private gen = 0;
  txFrames = 0;
  retries = 0;

  constructor(private readonly host: RadioHost) {
    host.air.join(this);
  }

  get device(): string {
    return this.host.id;
  }

  channel(): number | undefined {
    return this.host.channel();
  }

  /** Queues a frame body for `dst`; `done(true)` once it was ACKed (or sent, for a group address). */
  send(dst: MacAddr, src: MacAddr, body: Uint8Array, rateKbps: number, done: (delivered: boolean) => void): void {
    this.seq = (this.seq + 1) & 0xfff;
    this.queue.push({ dst, src, body, rateKbps, seq: this.seq, done });
    this.next();
  }

  get busy(): boolean {
    return this.sending || this.queue.length > 0;
  }

  private next(): void {
    if (this.sending) return;
    const job = this.queue.shift();
    if (!job) return;
    this.sending = true;
    this.attempt(job, 0);
  }

  private finish(job: TxJob, delivered: boolean): void {
    this.sending = false;
    job.done(delivered);
    this.next();
  }

  private attempt(job: TxJob, n: number): void {
    const ch = this.host.channel();
    if (ch === undefined) return this.finish(job, false);
    const sim = this.host.sim;
    const cw = Math.min(CW_MAX, ((CW_MIN + 1) << n) - 1);
    const backoff = DIFS_US + sim.rng(`mac/${this.host.id}`).int(cw + 1) * SLOT_US;
    const start = Math.max(sim.now + backoff, this.host.air.idleAt(ch));
    const gen = this.gen;
    sim.at(start, () => {
      if (gen !== this.gen) return;
      const chNow = this.host.channel();
      if (chNow === undefined) return this.finish(job, false);
      const group = isGroup(job.dst);
      const ackUs = airtimeUs(ACK_LEN, ACK_RATE_KBPS);
      const frame = emitAction({ retry: n > 0, durationUs: group ? 0 : SIFS_US + ackUs, dst: job.dst, src: job.src, bssid: BROADCAST_MAC, seq: job.seq, body: job.body });
      this.txFrames++;
      if (n > 0) this.retries++;
      const end = this.host.air.transmit(this, frame, chNow, job.rateKbps, airtimeUs(frame.length, job.rateKbps));
      if (group) {
        sim.at(end, () => (gen === this.gen ? this.finish(job, true) : undefined));
        return;
      }
      const timer = sim.at(end + SIFS_US + ackUs + SLOT_US, () => {
        if (gen !== this.gen) return;
        this.awaiting = undefined;
        if (n < RETRIES) this.attempt(job, n + 1);
        else this.finish(job, false);
      });
      this.awaiting = { job, timer };
    });
  }

  hear(frame: Uint8Array): void {
    const r = parseDot11(frame);
    if (!r.ok) return;
    const f = r.value;
    if (f.kind === 'ack') {
      const w = this.awaiting;
      if (w && f.ra === w.job.src) {
        this.awaiting = undefined;
        this.host.sim.cancel(w.timer);
        this.finish(w.job, true);
      }
      return;
    }
    const mine = this.host.addresses();
    const group = isGroup(f.dst);
    if (!group && !mine.includes(f.dst)) return;
    if (!group) this.ack(f.src);
    if (!group && f.retry && this.lastSeq.get(f.src) === f.seq) return; // a retransmission of what we have
    if (!group) this.lastSeq.set(f.src, f.seq);
    this.host.received(f.src, f.dst, f.body);
  }

  /** The MAC answers a unicast a SIFS after it ended, without waiting for the channel. */
  private ack(ra: MacAddr): void {
    const sim = this.host.sim;
    sim.schedule(SIFS_US, () => {
      const ch = this.host.channel();
      if (ch === undefined) return;
      const ack = emitAck({ durationUs: 0, ra });
      this.host.air.transmit(this, ack, ch, ACK_RATE_KBPS, airtimeUs(ack.length, ACK_RATE_KBPS));
    });
  }

  /** Power off / reset: what was queued is lost. */
  reset(): void {
    this.gen++;
    if (this.awaiting) this.host.sim.cancel(this.awaiting.timer);
    this.awaiting = undefined;
    this.queue = [];
    this.sending = false;
    this.lastSeq.clear();
  }
}
