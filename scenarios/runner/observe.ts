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
    for (const h of api.devices()) this.devs.set(h.id, { h, linesSeen: 0, state: h.scriptState(), cursor: 0, partialShown: false });
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
    const lines = con.lines;
    const first = con.lineCount - lines.length;
    for (w.linesSeen = Math.max(w.linesSeen, first); w.linesSeen < con.lineCount; w.linesSeen++) {
      const l = lines[w.linesSeen - first];
      this.pending.push({ type: 'console', t: l.t, device: w.h.id, text: l.text });
    }
    if (final && !w.partialShown && con.written) {
      // The run is over: show what is left on the unfinished line (e.g. a prompt).
      const end = con.textSince(Math.max(0, con.written - 4096));
      const tail = end.slice(end.lastIndexOf('\n') + 1).replace(/\r$/, '');
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
    const con = w.h.console;
    const from = Math.max(w.cursor, con.written - con.text().length);
    const at = con.textSince(from).indexOf(text);
    if (at < 0) return false;
    if (consume) w.cursor = from + at + text.length;
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
      const s = w.h.console.written;
      if (s === sig) return false;
      sig = s;
      met = this.findSerial(device, text, true);
      return met;
    };
  }
}
