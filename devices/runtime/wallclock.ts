/**
 * The wall-clock safety nets of one simulation. They never decide what a
 * script computes, only whether a run that stopped making progress ends:
 *
 * - the watchdog: a script may compute at most `watchdogMs` of wall time
 *   between two kernel calls (default 30 s, generous on any machine);
 * - the wall limit: the whole simulation may take at most `limitMs` of wall
 *   time (all run() calls together), which also ends a script that keeps
 *   making cheap kernel calls without moving virtual time on.
 *
 * Wall time is charged to the device whose script was running, so the message
 * names it.
 */
const now = (): number => performance.now(); // wall-clock-ok: the safety nets are wall-clock by definition

export interface WallHit {
  /** The device that was running when the limit was reached (the one that used the most wall time). */
  device: string | undefined;
  wallMs: number;
}

/** Why a script was stopped by a wall-clock safety net (the same words for every runtime). */
export function watchdogMessage(clock: WallClock): string {
  return `Watchdog: script ran ${(clock.watchdogMs / 1000).toFixed(1)} s of wall time without a kernel call (runaway loop?)`;
}

export function wallLimitMessage(clock: WallClock): string {
  return `Wall-clock limit: the simulation used its ${(clock.limitMs / 1000).toFixed(1)} s of wall time while this script ran`;
}

export class WallClock {
  private spent = 0;
  private since: number | undefined;
  private readonly byDevice = new Map<string, number>();
  private current: { device: string; since: number } | undefined;
  hit: WallHit | undefined;

  constructor(
    readonly watchdogMs: number,
    readonly limitMs: number,
  ) {}

  /** Wall time used so far inside run(). */
  usedMs(): number {
    return this.spent + (this.since === undefined ? 0 : now() - this.since);
  }

  remainingMs(): number {
    return Math.max(0, this.limitMs - this.usedMs());
  }

  /** A script gets at most this long before its next kernel call. */
  budgetMs(): number {
    return Math.min(this.watchdogMs, this.remainingMs());
  }

  /** True when the budget that ran out was the whole run's, not the per-call watchdog. */
  limitReached(): boolean {
    return this.remainingMs() <= 0;
  }

  beginRun(): void {
    this.since = now();
  }

  endRun(): void {
    if (this.since !== undefined) this.spent += now() - this.since;
    this.since = undefined;
  }

  /** Checks the whole-run limit; on the first miss records who used the time. */
  expired(): boolean {
    if (this.hit) return true;
    if (this.remainingMs() > 0) return false;
    this.hit = { device: this.hog(), wallMs: Math.round(this.usedMs()) };
    return true;
  }

  /** Marks `device`'s script as running (until leave()). */
  enter(device: string): void {
    this.current = { device, since: now() };
  }

  leave(): void {
    const c = this.current;
    if (!c) return;
    this.byDevice.set(c.device, (this.byDevice.get(c.device) ?? 0) + now() - c.since);
    this.current = undefined;
  }

  /** Records that the limit was reached while `device` was running. */
  reached(device: string): void {
    this.hit ??= { device, wallMs: Math.round(this.usedMs()) };
  }

  private hog(): string | undefined {
    if (this.current) return this.current.device;
    let best: string | undefined;
    let most = -1;
    for (const [d, ms] of this.byDevice) if (ms > most) [best, most] = [d, ms];
    return best;
  }

  close(): void {
    this.current = undefined;
  }
}
