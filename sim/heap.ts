/**
 * Binary min-heap of timed events ordered by (time, seq). Equal-time events
 * pop in insertion order (ns-3 style), which is what makes runs reproducible.
 * Each entry knows its position, so a cancelled event leaves the heap at once
 * (remove) instead of lingering until its time: the order of the others is
 * unchanged, since it depends only on (time, seq).
 */
import { objectArray } from './arrays';

export interface HeapEntry {
  time: number;
  seq: number;
  /** Index in the heap while in it, -1 once out (kept by EventHeap). */
  pos?: number;
}

export class EventHeap<T extends HeapEntry> {
  private items: T[] = objectArray();

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    this.up(item, a.length - 1);
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) this.down(last, 0);
    top.pos = -1;
    return top;
  }

  /** Pops the top and puts `item` in its place in one sift (a lane's next event taking over its slot). */
  replaceTop(item: T): void {
    const a = this.items;
    a[0].pos = -1;
    this.down(item, 0);
  }

  /** Takes `item` out wherever it is; false when it is not in the heap. */
  remove(item: T): boolean {
    const a = this.items;
    const i = item.pos ?? -1;
    if (i < 0 || a[i] !== item) return false;
    const last = a.pop()!;
    item.pos = -1;
    if (last === item) return true;
    // The last entry fills the hole, then moves whichever way restores the order.
    if (i > 0 && before(last, a[(i - 1) >> 1])) this.up(last, i);
    else this.down(last, i);
    return true;
  }

  /** Sifts `item` up from hole `i` by moving parents down into it (no swaps, no allocation). */
  private up(item: T, i: number): void {
    const a = this.items;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p];
      if (!before(item, parent)) break;
      a[i] = parent;
      parent.pos = i;
      i = p;
    }
    a[i] = item;
    item.pos = i;
  }

  private down(item: T, i: number): void {
    const a = this.items;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(a[r], a[l]) ? r : l;
      const child = a[c];
      if (!before(child, item)) break;
      a[i] = child;
      child.pos = i;
      i = c;
    }
    a[i] = item;
    item.pos = i;
  }
}

function before(a: HeapEntry, b: HeapEntry): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
