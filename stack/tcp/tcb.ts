/**
 * The transmission control block: RFC 9293 / lwIP field names (snake_case,
 * as in both), so anyone who knows either can read input.ts and output.ts.
 * Plain data plus the send queue; all behaviour lives in input.ts /
 * output.ts / timers.ts / expire.ts.
 */
import type { TcpConfig } from './api';
import { initialCwnd } from './config';

/** lwIP TF_ACK_DELAY: one segment arrived whose ACK waits for the delayed-ACK timer. */
export const TF_ACK_DELAY = 0x01;
/** lwIP TF_ACK_NOW: send an ACK with the next output (a pure ACK if no data goes out). */
export const TF_ACK_NOW = 0x02;
/** lwIP TF_INFR: in fast recovery (RFC 6582 NewReno), until SND.UNA passes `recover`. */
export const TF_INFR = 0x04;
/** lwIP TF_FIN: the application closed its side; our FIN follows the send queue. */
export const TF_FIN = 0x20;

/**
 * The send queue: bytes the application wrote that are not yet acknowledged.
 * lwIP keeps them as two segment lists (`unacked`, then `unsent`); here they are
 * one run of bytes, cut into segments at output time: the first
 * `snd_nxt - start` bytes are in flight (unacked), the rest unsent.
 */
export class SendQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // consumed bytes of chunks[0]
  length = 0;

  push(data: Uint8Array): void {
    if (data.length === 0) return;
    this.chunks.push(data);
    this.length += data.length;
  }

  /** Drops n bytes from the front (they were acknowledged). */
  consume(n: number): void {
    this.length -= n;
    while (n > 0) {
      const c = this.chunks[0];
      const left = c.length - this.head;
      if (n < left) {
        this.head += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.head = 0;
    }
  }

  /** `len` bytes from `offset`: a view when they sit in one chunk, else a copy into `alloc(len)`. */
  read(offset: number, len: number, alloc: (n: number) => Uint8Array): Uint8Array {
    let off = offset + this.head;
    let i = 0;
    while (off >= this.chunks[i].length) off -= this.chunks[i++].length;
    const first = this.chunks[i];
    if (off + len <= first.length) return first.subarray(off, off + len);
    const out = alloc(len);
    let got = 0;
    while (got < len) {
      const c = this.chunks[i++];
      const n = Math.min(len - got, c.length - off);
      out.set(c.subarray(off, off + n), got);
      got += n;
      off = 0;
    }
    return out;
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
    return (this.snd_lbb - this.snd_queue.length) >>> 0;
  }
}
