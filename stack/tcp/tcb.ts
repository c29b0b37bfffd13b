/**
 * The transmission control block: RFC 9293 / lwIP field names (snake_case,
 * as in both), so anyone who knows either can read input.ts and output.ts.
 * Plain data plus the send queue; all behaviour lives in input.ts /
 * output.ts / timers.ts / expire.ts.
 */
import type { TcpConfig } from './api';
import { initialCwnd } from './config';
import { bytesView, copyBytes } from '../wire/types';
import { seqAdd } from './seq';

/** lwIP TF_ACK_DELAY: one segment arrived whose ACK waits for the delayed-ACK timer. */
export const TF_ACK_DELAY = 0x01;
/** lwIP TF_ACK_NOW: send an ACK with the next output (a pure ACK if no data goes out). */
export const TF_ACK_NOW = 0x02;
/** lwIP TF_INFR: in fast recovery (RFC 6582 NewReno), until SND.UNA passes `recover`. */
export const TF_INFR = 0x04;
/** lwIP TF_FIN: the application closed its side; our FIN follows the send queue. */
export const TF_FIN = 0x20;

/**
 * Longest piece copyInPieces copies at once. glibc (2.36 here) copies from 2112
 * bytes on with `rep movsb` on CPUs with FSRM, which AMD Zen runs several times
 * slower when source and destination are not aligned alike (glibc bug 30994):
 * the bulk sender's 2920-byte writes into the ring took 6% of the tcp-stack
 * bench's CPU time in memmove, 1.5% in pieces of 2048 (perf, same run length).
 */
const COPY_PIECE = 2048;

/** dst.set(src[from..from+n), at), in pieces of at most COPY_PIECE bytes. */
function copyInPieces(dst: Uint8Array, at: number, src: Uint8Array, from: number, n: number): void {
  if (n <= COPY_PIECE) return copyBytes(dst, from === 0 && n === src.length ? src : bytesView(src, from, from + n), at);
  for (let k = 0; k < n; k += COPY_PIECE) copyBytes(dst, bytesView(src, from + k, from + Math.min(n, k + COPY_PIECE)), at + k);
}

/**
 * The send queue: bytes the application wrote that are not yet acknowledged.
 * lwIP keeps them as two segment lists (`unacked`, then `unsent`); here they are
 * one run of bytes, cut into segments at output time: the first
 * `snd_nxt - start` bytes are in flight (unacked), the rest unsent.
 *
 * The bytes live in one ring per connection (a power of two, grown as the
 * queue needs, never past what the send buffer holds): a write is one copy
 * into memory the connection already has, which stays in the CPU's caches,
 * instead of a fresh piece per write. Nothing outside holds the ring's bytes
 * past a call: read() views are copied into the segment's frame at once.
 */
export class SendQueue {
  private ring = new Uint8Array(0);
  /** The ring's buffer (the ring starts at its byte 0): a view made from it costs half of a subarray. */
  private ab: ArrayBufferLike = this.ring.buffer;
  /** Ring index of the queue's first byte. */
  private head = 0;
  length = 0;

  /** Appends a copy of data[from..to). */
  push(data: Uint8Array, from = 0, to = data.length): void {
    const n = to - from;
    if (n <= 0) return;
    if (this.length + n > this.ring.length) this.grow(this.length + n);
    const ring = this.ring;
    const tail = (this.head + this.length) & (ring.length - 1);
    const first = Math.min(n, ring.length - tail);
    copyInPieces(ring, tail, data, from, first);
    if (first < n) copyInPieces(ring, 0, data, from + first, n - first);
    this.length += n;
  }

  /** Drops n bytes from the front (they were acknowledged). */
  consume(n: number): void {
    this.length -= n;
    // Empty: start again at the ring's start (fewer segments across the wrap).
    this.head = this.length === 0 ? 0 : (this.head + n) & (this.ring.length - 1);
  }

  /** `len` bytes from `offset`: a view of the ring (read before the queue changes), or a copy into `alloc(len)` across its end. */
  read(offset: number, len: number, alloc: (n: number) => Uint8Array): Uint8Array {
    const ring = this.ring;
    const start = (this.head + offset) & (ring.length - 1);
    if (start + len <= ring.length) return new Uint8Array(this.ab, start, len);
    const out = alloc(len);
    const first = ring.length - start;
    out.set(ring.subarray(start), 0);
    out.set(ring.subarray(0, len - first), first);
    return out;
  }

  private grow(need: number): void {
    let cap = Math.max(this.ring.length, 1024);
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    const ring = this.ring;
    if (this.length > 0) {
      const first = Math.min(this.length, ring.length - this.head);
      next.set(ring.subarray(this.head, this.head + first), 0);
      if (first < this.length) next.set(ring.subarray(0, this.length - first), first);
    }
    this.ring = next;
    this.ab = next.buffer;
    this.head = 0;
  }
}

/** One out-of-order segment held in `ooseq` (sorted by seq, non-overlapping starts). */
export interface OoSeg {
  seq: number;
  data: Uint8Array;
  fin: boolean;
}

export class Tcb {
  // Send sequence space.
  iss = 0;
  snd_una = 0;
  snd_nxt = 0;
  /** Highest sequence number sent (+1); ACKs up to here are acceptable after a go-back-N. */
  snd_max = 0;
  snd_wnd = 0;
  snd_wnd_max = 0;
  snd_wl1 = 0;
  snd_wl2 = 0;
  /** lwIP snd_lbb: sequence number of the next byte to be buffered (the end of `snd_queue`; our FIN's seq). */
  snd_lbb = 0;
  /** Effective send MSS (min of ours and the peer's option, 536 without one). */
  mss: number;

  // Receive sequence space.
  irs = 0;
  rcv_nxt = 0;
  /** Free receive buffer space (TCP_WND minus data delivered but not recved()). */
  rcv_wnd: number;
  /** Window announced in the last segment (lwIP rcv_ann_wnd, receiver SWS avoidance). */
  rcv_ann_wnd: number;
  rcv_ann_right_edge = 0;

  // Congestion control (RFC 5681 / 6582 NewReno).
  cwnd: number;
  ssthresh: number;
  bytes_acked = 0;
  dupacks = 0;
  /** RFC 6582 `recover`: snd_max when fast recovery began (TF_INFR). */
  recover = 0;

  // Retransmission (RFC 6298; lwIP: sa/sv/rto in slow ticks, here rto in µs).
  /** lwIP rttest: virtual time (µs) the timed segment left; -1 when nothing is being timed. */
  rttest = -1;
  /** lwIP rtseq: sequence number of the segment being timed. */
  rtseq = 0;
  /** Scaled smoothed RTT (lwIP: ticks << 3; Linux mode: µs). */
  sa = 0;
  /** Scaled RTT variance (lwIP: ticks << 2; Linux mode: µs). */
  sv: number;
  /** Linux mode: the first RTT sample has been taken (RFC 6298 §2.2). */
  rtt_sampled = false;
  /** Current retransmission timeout, µs. */
  rto: number;
  nrtx = 0;
  persist_backoff = 0;
  persist_probe = 0;
  keep_cnt_sent = 0;
  /** lwIP tmr: virtual time (µs) the last segment arrived (keepalive idle, SYN-RECEIVED timeout). */
  tmr = 0;

  /** lwIP TF_* flags (see above). */
  flags = 0;

  /** lwIP unacked + unsent, as bytes; byte 0 has sequence number `sndQueueStart`. */
  readonly snd_queue = new SendQueue();
  ooseq: OoSeg[] = [];
  /** Data delivered to the app and not yet recved(). */
  rcv_queued = 0;

  constructor(readonly cfg: TcpConfig) {
    this.mss = cfg.mss;
    this.rcv_wnd = cfg.rcvWnd;
    this.rcv_ann_wnd = cfg.rcvWnd;
    this.cwnd = initialCwnd(cfg, cfg.mss);
    this.ssthresh = Math.max(cfg.sndBuf, 2 * cfg.mss);
    this.rto = cfg.initialRtoUs;
    this.sv = cfg.slowTickUs > 0 ? Math.round(cfg.initialRtoUs / cfg.slowTickUs) : 0;
  }

  /** Sequence number of the first byte of the send queue (the oldest unacknowledged data byte). */
  get sndQueueStart(): number {
    return seqAdd(this.snd_lbb, -this.snd_queue.length);
  }
}
