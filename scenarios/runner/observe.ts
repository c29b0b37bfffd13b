/**
 * Watches a running simulation for the runner: console lines and frames in
 * virtual-time order for the timeline, script exits and crashes, and serial
 * matches for wait-serial / expect-serial (a per-device cursor, so waiting for
 * the same text twice waits for its second appearance).
 */
import type { DeviceHandle, ScriptState, SimulationApi } from '../../devices/simulation/api';
import { ipToString } from '../../stack/wire/types';

export type TimelineEvent =
  | { type: 'console'; t: number; device: string; text: string; /** An unfinished line (no newline yet) shown at the end of the run. */ partial?: boolean }
  | { type: 'frame'; t: number; frame: Uint8Array; nameOf?: (ip: number) => string | undefined }
  | { type: 'exit'; t: number; device: string; state: ScriptState; code: number | undefined; failure: string | undefined }
  | { type: 'step'; t: number; index: number; label: string; ok: boolean; message: string; line: number };

export const isRunningState = (s: ScriptState): boolean => s === 'running' || s === 'not-started';

interface DevWatch {
  h: DeviceHandle;
  linesSeen: number;
  state: ScriptState;
  cursor: number;
  /** Newlines counted in the console text up to `scanned` (so only new text is scanned). */
  newlines: number;
  scanned: number;
  /** Text of an unfinished last line already shown by a final flush. */
  partialShown: boolean;
}

export class Observer {
  private devs = new Map<string, DevWatch>();
  private pending: TimelineEvent[] = [];
  /** Devices whose failure is expected (stopped by a step, or an expect-exit with a non-zero code). */
  readonly excused = new Set<string>();
  /** First unexpected crash seen, if any. */
  crash: { device: string; failure: string } | undefined;

  constructor(
    private readonly api: SimulationApi,
    private readonly emit: (ev: TimelineEvent) => void,
  ) {
    for (const h of api.devices()) this.devs.set(h.id, { h, linesSeen: 0, state: h.scriptState(), cursor: 0, newlines: 0, scanned: 0, partialShown: false });
  }

  frame(t: number, frame: Uint8Array): void {
    // Device names by their address at the time of the frame (DHCP addresses come and go).
    const names = new Map<string, string>();
    for (const w of this.devs.values()) names.set(w.h.ip(), w.h.id);
    this.pending.push({ type: 'frame', t, frame, nameOf: (ip) => names.get(ipToString(ip)) });
  }

  /** Cheap check after every event: script state changes. Returns true when an unexpected crash happened. */
  check(): boolean {
    for (const w of this.devs.values()) {
      const s = w.h.scriptState();
      if (s === w.state) continue;
      w.state = s;
      if (!isRunningState(s) && s !== 'none') {
        this.collectConsole(w);
        const ev: TimelineEvent = { type: 'exit', t: this.api.sim.now, device: w.h.id, state: s, code: w.h.exitCode(), failure: w.h.failure() };
        this.pending.push(ev);
        if (s === 'crashed' && !this.excused.has(w.h.id) && !this.crash) {
          this.crash = { device: w.h.id, failure: w.h.failure() ?? 'crashed' };
        }
      }
    }
    return this.crash !== undefined;
  }

  private collectConsole(w: DevWatch, final = false): void {
    const con = w.h.console;
    const text = con.text();
    for (let i = text.indexOf('\n', w.scanned); i >= 0; i = text.indexOf('\n', i + 1)) w.newlines++;
    w.scanned = text.length;
    const lines = con.lines;
    // Only lines whose "\n" has been printed are final. A console may or may not
    // list its unfinished last line (a prompt waiting for input): count newlines.
    const complete = Math.min(lines.length, w.newlines);
    for (; w.linesSeen < complete; w.linesSeen++) {
      const l = lines[w.linesSeen];
      this.pending.push({ type: 'console', t: l.t, device: w.h.id, text: l.text });
    }
    if (final && !w.partialShown && !text.endsWith('\n') && text.length) {
      // The run is over: show what is left on the unfinished line (e.g. a prompt).
      const tail = text.slice(text.lastIndexOf('\n') + 1).replace(/\r$/, '');
      if (tail) this.pending.push({ type: 'console', t: this.api.sim.now, device: w.h.id, text: tail, partial: true });
      w.partialShown = true;
    }
  }

  /** Emits everything observed so far in virtual-time order (stable for equal times). */
  flush(final = false): void {
    for (const w of this.devs.values()) this.collectConsole(w, final);
    const evs = this.pending;
    this.pending = [];
    evs.map((e, i) => [e, i] as const)
      .sort((a, b) => a[0].t - b[0].t || a[1] - b[1])
      .forEach(([e]) => this.emit(e));
  }

  /** Is `text` in the device's console output after its cursor? Advances the cursor past it when `consume`. */
  findSerial(device: string, text: string, consume: boolean): boolean {
    const w = this.devs.get(device);
    if (!w) return false;
    const all = w.h.console.text();
    const at = all.indexOf(text, w.cursor);
    if (at < 0) return false;
    if (consume) w.cursor = at + text.length;
    return true;
  }

  /** A cheap predicate for wait-serial that only searches when the console changed. */
  serialWaiter(device: string, text: string): () => boolean {
    const w = this.devs.get(device);
    let sig = -1;
    let met = false;
    return () => {
      if (!w) return false;
      if (met) return true;
      const s = w.h.console.text().length;
      if (s === sig) return false;
      sig = s;
      met = this.findSerial(device, text, true);
      return met;
    };
  }
}
