/**
 * A board's UART console (text with virtual timestamps, also traced on the
 * 'console' layer) and its stdin (lines typed by the scenario or a test).
 *
 * Output costs linear time and bounded memory, however much a script prints:
 * every completed line is handed to the listeners (timeline, serial log,
 * trace) as it is printed, and the console itself keeps only a tail (the last
 * TAIL_CHARS characters of text and TAIL_LINES lines). Offsets are absolute
 * (characters or lines since power-on), so a reader that keeps its place never
 * rescans. A line longer than LINE_MAX is delivered in LINE_MAX pieces.
 */
import type { Simulator } from '../sim/simulator';
import type { ConsoleApi, ConsoleLine, StdinApi } from './contracts';

export const LINE_MAX = 64 * 1024;
export const TAIL_CHARS = 1024 * 1024;
export const TAIL_LINES = 10_000;

export class Console implements ConsoleApi {
  /** The unfinished last line, as pieces (joined when its newline arrives). */
  private partial: string[] = [];
  private partialLen = 0;
  /** Kept text as chunks; starts[i] is the absolute offset of chunks[i]. */
  private chunks: string[] = [];
  private starts: number[] = [];
  private keptLines: ConsoleLine[] = [];
  private firstLine = 0;
  private total = 0;
  private listeners: ((line: ConsoleLine) => void)[] = [];

  constructor(
    private readonly sim: Simulator,
    private readonly device: string,
  ) {}

  write(text: string): void {
    if (!text) return;
    this.keep(text);
    // A line is stamped when it is complete (its newline printed), so a prompt
    // that waits for typed input shows up at the moment the user pressed Enter
    // and the interleaved timeline stays in time order.
    let from = 0;
    for (let nl = text.indexOf('\n', from); nl >= 0; nl = text.indexOf('\n', from)) {
      this.addPartial(text.slice(from, nl));
      const line = this.partial.length === 1 ? this.partial[0] : this.partial.join('');
      this.partial = [];
      this.partialLen = 0;
      this.push(line.endsWith('\r') ? line.slice(0, -1) : line);
      from = nl + 1;
    }
    if (from < text.length) this.addPartial(text.slice(from));
  }

  private addPartial(piece: string): void {
    if (!piece) return;
    this.partial.push(piece);
    this.partialLen += piece.length;
    while (this.partialLen >= LINE_MAX) {
      const joined = this.partial.join('');
      this.push(joined.slice(0, LINE_MAX));
      const rest = joined.slice(LINE_MAX);
      this.partial = rest ? [rest] : [];
      this.partialLen = rest.length;
    }
  }

  private keep(text: string): void {
    this.chunks.push(text);
    this.starts.push(this.total);
    this.total += text.length;
    if (this.total - this.starts[0] > 2 * TAIL_CHARS) this.trim();
    else if (this.chunks.length > 4096) this.merge(0);
  }

  /** Drops text older than the last TAIL_CHARS characters. */
  private trim(): void {
    const from = this.total - TAIL_CHARS;
    const i = this.chunkAt(from);
    const head = this.chunks[i].slice(from - this.starts[i]);
    this.chunks = [head, ...this.chunks.slice(i + 1)];
    this.starts = [from, ...this.starts.slice(i + 1)];
    this.merge(0);
  }

  /** Joins chunks i.. into one. */
  private merge(i: number): void {
    if (this.chunks.length - i < 2) return;
    const joined = this.chunks.slice(i).join('');
    this.chunks.length = i;
    this.starts.length = i + 1;
    this.chunks.push(joined);
  }

  /** Index of the chunk holding absolute offset `at` (the first when `at` is older than the tail). */
  private chunkAt(at: number): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private push(text: string): void {
    const line = { t: this.sim.now, text };
    this.keptLines.push(line);
    if (this.keptLines.length > 2 * TAIL_LINES) {
      const drop = this.keptLines.length - TAIL_LINES;
      this.keptLines = this.keptLines.slice(drop);
      this.firstLine += drop;
    }
    this.sim.trace.emit(this.device, 'console', 'line', { text });
    for (const l of this.listeners) l(line);
  }

  /** The completed lines still kept (the last TAIL_LINES at least; all of them for ordinary runs). */
  get lines(): readonly ConsoleLine[] {
    return this.keptLines;
  }

  /** Completed lines since power-on (an absolute count: `lines` starts at lineCount - lines.length). */
  get lineCount(): number {
    return this.firstLine + this.keptLines.length;
  }

  /** Characters printed since power-on. */
  get written(): number {
    return this.total;
  }

  /** The kept text (everything, unless more than TAIL_CHARS were printed). */
  text(): string {
    this.merge(0);
    return this.chunks[0] ?? '';
  }

  /** Text printed from absolute offset `from` on (as far back as the tail reaches); costs what it returns. */
  textSince(from: number): string {
    if (from >= this.total || !this.chunks.length) return '';
    const i = this.chunkAt(from);
    this.merge(i);
    return this.chunks[i].slice(Math.max(0, from - this.starts[i]));
  }

  /** Absolute offset of the first kept character. */
  get textStart(): number {
    return this.starts[0] ?? this.total;
  }

  /** Called for every completed line (CLI timelines, wait-serial). */
  onLine(fn: (line: ConsoleLine) => void): () => void {
    this.listeners.push(fn);
    return () => {
      this.listeners = this.listeners.filter((x) => x !== fn);
    };
  }
}

export class Stdin implements StdinApi {
  private queued: string[] = [];
  private waiting: ((line: string) => void)[] = [];
  /** One-shot watchers of a line arriving with no reader waiting (select.poll on sys.stdin). */
  private watchers: (() => void)[] = [];

  constructor(
    private readonly sim: Simulator,
    private readonly device: string,
  ) {}

  readLine(cb: (line: string) => void): void {
    const line = this.queued.shift();
    if (line !== undefined) cb(line);
    else this.waiting.push(cb);
  }

  push(line: string): void {
    this.sim.trace.emit(this.device, 'input', 'stdin', { line });
    const cb = this.waiting.shift();
    if (cb) return cb(line);
    this.queued.push(line);
    const ws = this.watchers;
    this.watchers = [];
    for (const w of ws) w();
  }

  /** Lines typed ahead and not read yet. */
  pending(): number {
    return this.queued.length;
  }

  /** Calls `fn` once when a line is queued; the returned function forgets it. */
  whenReadable(fn: () => void): () => void {
    this.watchers.push(fn);
    return () => {
      this.watchers = this.watchers.filter((w) => w !== fn);
    };
  }

  /** Forgets waiting readers (script killed / board reset); typed-ahead lines stay. */
  dropWaiters(): void {
    this.waiting = [];
    this.watchers = [];
  }
}
