/**
 * The counters the TCP data path bumps on every segment (segments and data
 * bytes each way), as HotCounts (stack/contracts.ts): every layer's have one
 * shape, so the increments stay monomorphic, and the layer's `counters`
 * record (what reports and tests read) keeps its keys in the order that layer
 * first counted them, with the values bumps in place would have left.
 */
import { HotCount, type Counters } from '../contracts';

export class HotCounts {
  private readonly txSegments: HotCount;
  private readonly rxSegments: HotCount;
  private readonly txData: HotCount;
  private readonly rxData: HotCount;

  constructor(private readonly record: Counters) {
    this.txSegments = new HotCount(record, 'txSegments');
    this.rxSegments = new HotCount(record, 'rxSegments');
    this.txData = new HotCount(record, 'txData');
    this.rxData = new HotCount(record, 'rxData');
  }

  /** The record with these counts in it. */
  flush(): Counters {
    this.txSegments.flush();
    this.rxSegments.flush();
    this.txData.flush();
    this.rxData.flush();
    return this.record;
  }

  txSegment(): void {
    this.txSegments.add();
  }

  rxSegment(): void {
    this.rxSegments.add();
  }

  sent(bytes: number): void {
    this.txData.add(bytes);
  }

  received(bytes: number): void {
    this.rxData.add(bytes);
  }
}
