/**
 * The transmission control block: RFC 9293 / lwIP field names, so anyone who
 * knows either can read input.ts and output.ts. Plain data plus two small
 * buffers; all behaviour lives in input.ts / output.ts / timers.ts.
 */
import type { TcpConfig } from './api';
import { initialCwnd } from './config';

/**
 * The send buffer: bytes the application wrote that are not yet acknowledged
 * (lwIP's `unacked` + `unsent`, kept as bytes and cut into segments at output
 * time). Byte 0 is sequence number `Tcb.sndBufSeq`.
 */
export class SendBuffer {
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

  /** `len` bytes from `offset`: a view when they sit in one chunk, else a copy. */
  read(offset: number, len: number): Uint8Array {
    let off = offset + this.head;
    let i = 0;
    while (off >= this.chunks[i].length) off -= this.chunks[i++].length;
    const first = this.chunks[i];
    if (off + len <= first.length) return first.subarray(off, off + len);
    const out = new Uint8Array(len);
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
  /** Sequence number of the first byte in `unsent/unacked` (the send buffer). */
  sndBufSeq = 0;
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
  /** NewReno: snd_max when fast recovery began (TF_INFR while inRecovery). */
  recover = 0;
  inRecovery = false;

  // Retransmission (RFC 6298; lwIP: sa/sv/rto in slow ticks, here rto in µs).
  /** Sequence number being timed (0 = none; lwIP rttest). */
  rttest = 0;
  rttSeq = 0;
  rttStartUs = 0;
  /** Scaled smoothed RTT (lwIP: ticks << 3; Linux mode: µs). */
  sa = 0;
  /** Scaled RTT variance (lwIP: ticks << 2; Linux mode: µs). */
  sv: number;
  rttSampled = false;
  /** Current retransmission timeout, µs. */
  rto: number;
  nrtx = 0;
  persist_backoff = 0;
  persist_probe = 0;
  keep_cnt_sent = 0;
  /** Virtual time of the last segment received (keepalive idle, lwIP tmr). */
  lastRxUs = 0;

  // Flags (lwIP TF_*).
  ackNow = false;
  ackDelayed = false;
  /** FIN queued after the send buffer (TF_FIN). */
  finQueued = false;
  /** The peer's FIN has been received (in order). */
  finRcvd = false;

  readonly unsent_unacked = new SendBuffer();
  ooseq: OoSeg[] = [];
  /** Data delivered to the app and not yet recved(). */
  rcvQueued = 0;

  constructor(readonly cfg: TcpConfig) {
    this.mss = cfg.mss;
    this.rcv_wnd = cfg.rcvWnd;
    this.rcv_ann_wnd = cfg.rcvWnd;
    this.cwnd = initialCwnd(cfg, cfg.mss);
    this.ssthresh = Math.max(cfg.sndBuf, 2 * cfg.mss);
    this.rto = cfg.initialRtoUs;
    this.sv = cfg.slowTickUs > 0 ? Math.round(cfg.initialRtoUs / cfg.slowTickUs) : 0;
  }

  /** lwIP's `unacked != NULL || unsent != NULL` as byte counts. */
  get unacked(): number {
    return (this.snd_max - this.snd_una) >>> 0;
  }

  get unsent(): number {
    return this.unsent_unacked.length - ((this.snd_nxt - this.sndBufSeq) | 0);
  }

  /** Sequence number of our FIN (valid when finQueued). */
  get finSeq(): number {
    return (this.sndBufSeq + this.unsent_unacked.length) >>> 0;
  }
}
