/**
 * The counters the TCP data path bumps on every segment (segments and data
 * bytes each way), as fields of one class: every layer's have one shape, so
 * the increments stay monomorphic. A layer's `counters` record (what reports
 * and tests read) gets its keys in the order that layer first counted them,
 * which differs from device to device (a sender counts txSegments first, a
 * receiver rxSegments): bumped in place, the record made these sites
 * polymorphic, and V8 called its store IC from optimized code (about 1% of the
 * tcp-stack bench in perf). Each count is -1 until it is first counted; the
 * first count also puts its key in the record, where it was before, and
 * flush() copies the values there (TcpLayer.counters does, on every read).
 */
import type { Counters } from '../contracts';

export class HotCounts {
  txSegments = -1;
  rxSegments = -1;
  txData = -1;
  rxData = -1;

  constructor(private readonly record: Counters) {}

  /** The record with these counts in it. */
  flush(): Counters {
    const r = this.record;
    if (this.txSegments >= 0) r.txSegments = this.txSegments;
    if (this.rxSegments >= 0) r.rxSegments = this.rxSegments;
    if (this.txData >= 0) r.txData = this.txData;
    if (this.rxData >= 0) r.rxData = this.rxData;
    return r;
  }

  txSegment(): void {
    if (this.txSegments < 0) this.txSegments = this.first('txSegments');
    this.txSegments++;
  }

  rxSegment(): void {
    if (this.rxSegments < 0) this.rxSegments = this.first('rxSegments');
    this.rxSegments++;
  }

  sent(bytes: number): void {
    if (this.txData < 0) this.txData = this.first('txData');
    this.txData += bytes;
  }

  received(bytes: number): void {
    if (this.rxData < 0) this.rxData = this.first('rxData');
    this.rxData += bytes;
  }

  /** A count's first time: its key takes its place in the record. */
  private first(key: string): number {
    this.record[key] = 0;
    return 0;
  }
}
