/**
 * A board's UART console (text with virtual timestamps, also traced on the
 * 'console' layer) and its stdin (lines typed by the scenario or a test).
 */
import type { Simulator } from '../sim/simulator';
import type { ConsoleApi, ConsoleLine, StdinApi } from './contracts';

export class Console implements ConsoleApi {
  readonly lines: ConsoleLine[] = [];
  private partial = '';
  private all = '';
  private listeners: ((line: ConsoleLine) => void)[] = [];

  constructor(
    private readonly sim: Simulator,
    private readonly device: string,
  ) {}

  write(text: string): void {
    if (!text) return;
    this.all += text;
    // A line is stamped when it is complete (its newline printed), so a prompt
    // that waits for typed input shows up at the moment the user pressed Enter
    // and the interleaved timeline stays in time order.
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) this.push(p.endsWith('\r') ? p.slice(0, -1) : p, this.sim.now);
  }

  private push(text: string, t: number): void {
    const line = { t, text };
    this.lines.push(line);
    this.sim.trace.emit(this.device, 'console', 'line', { text });
    for (const l of this.listeners) l(line);
  }

  text(): string {
    return this.all;
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
    if (cb) cb(line);
    else this.queued.push(line);
  }

  /** Forgets waiting readers (script killed / board reset); typed-ahead lines stay. */
  dropWaiters(): void {
    this.waiting = [];
  }
}
