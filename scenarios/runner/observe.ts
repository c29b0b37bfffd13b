/**
 * Watches a running simulation for the runner: console lines and frames in
 * virtual-time order for the timeline, script exits and crashes, and serial
 * matches for wait-serial / expect-serial (a per-device cursor, so waiting for
 * the same text twice waits for its second appearance).
 */
import type { DeviceHandle, ScriptState, SimulationApi } from '../../devices/simulation/api';
import { deviceMac } from '../../devices/medium/mac';
import { ipToString } from '../../stack/wire/types';

export type TimelineEvent =
  | { type: 'console'; t: number; device: string; text: string; /** An unfinished line (no newline yet) shown at the end of the run. */ partial?: boolean }
  | { type: 'frame'; t: number; frame: Uint8Array; nameOf?: (ip: number) => string | undefined; /** An 802.11 frame outside a BSS (ESP-NOW, its ACKs): on this channel, MACs named by device. */ radio?: { channel: number; nameOfMac: (mac: number) => string | undefined } }
  | { type: 'exit'; t: number; device: string; state: ScriptState; code: number | undefined; failure: string | undefined }
  | { type: 'step'; t: number; index: number; label: string; ok: boolean; message: string; line: number; status?: 'passed' | 'failed' | 'skipped' }
  | { type: 'notice'; t: number; device: string; text: string };

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
  /** Logs of service hosts that are not devices (internet hosts): their lines join the timeline. */
  private logs: { id: string; console: DeviceHandle['console']; seen: number }[] = [];
  private readonly ipNames = new Map<string, string>();
  private pending: TimelineEvent[] = [];
  /** Devices whose failure is expected (stopped by a step, or an expect-exit with a non-zero code). */
  readonly excused = new Set<string>();
  /** First unexpected crash seen, if any. */
  crash: { device: string; failure: string; t: number } | undefined;
  /** Texts that fail the run as soon as any device prints them (--fail-text), and the first hit. */
  failTexts: readonly string[] = [];
  failHit: { device: string; text: string; line: string; t: number } | undefined;
  private failScanned = new Map<string, number>();

  constructor(
    private readonly api: SimulationApi,
    private readonly emit: (ev: TimelineEvent) => void,
  ) {
    for (const h of api.devices()) this.devs.set(h.id, { h, linesSeen: 0, state: h.scriptState(), cursor: 0, partialShown: false });
    for (const svc of api.services?.() ?? []) if (!this.devs.has(svc.id)) this.logs.push({ id: svc.id, console: svc.log, seen: 0 });
  }

  private collectLogs(): void {
    for (const l of this.logs) {
      const con = l.console;
      const lines = con.lines;
      const first = con.lineCount - lines.length;
      for (l.seen = Math.max(l.seen, first); l.seen < con.lineCount; l.seen++) {
        const line = lines[l.seen - first];
        this.pending.push({ type: 'console', t: line.t, device: l.id, text: line.text });
      }
    }
  }

  frame(t: number, frame: Uint8Array): void {
    // Device names by address: an address names its device from the moment the device holds it
    // and keeps that name (through a reboot) until another device takes it; 0.0.0.0 (a DHCP
    // client, an ARP probe) names nobody.
    for (const w of this.devs.values()) {
      const ip = w.h.ip();
      if (ip !== '0.0.0.0') this.ipNames.set(ip, w.h.id);
    }
    const names = new Map(this.ipNames);
    this.pending.push({ type: 'frame', t, frame, nameOf: (ip) => (ip === 0 ? undefined : names.get(ipToString(ip))) });
  }

  /** An 802.11 frame between radios (ESP-NOW): station MACs name their ESP32s. */
  radioFrame(t: number, frame: Uint8Array, channel: number): void {
    const macs = new Map<number, string>();
    for (const w of this.devs.values()) if (w.h.kind === 'esp32') macs.set(deviceMac('esp32', w.h.id), w.h.id);
    this.pending.push({ type: 'frame', t, frame, radio: { channel, nameOfMac: (m) => macs.get(m) } });
  }

  notice(t: number, device: string, text: string): void {
    this.pending.push({ type: 'notice', t, device, text });
  }

  /** Has any device printed a fail text since the last look? (Scans only new console text.) */
  checkFailText(): boolean {
    if (this.failHit || !this.failTexts.length) return this.failHit !== undefined;
    const longest = Math.max(...this.failTexts.map((f) => f.length));
    for (const w of this.devs.values()) {
      const con = w.h.console;
      const scanned = this.failScanned.get(w.h.id) ?? 0;
      if (con.written === scanned) continue;
      this.failScanned.set(w.h.id, con.written);
      const from = Math.max(0, scanned - longest + 1);
      const text = con.textSince(from);
      for (const f of this.failTexts) {
        const at = text.indexOf(f);
        if (at < 0) continue;
        const start = text.lastIndexOf('\n', at) + 1;
        const end = text.indexOf('\n', at);
        this.failHit = { device: w.h.id, text: f, line: text.slice(start, end < 0 ? undefined : end).replace(/\r$/, ''), t: this.api.sim.now };
        return true;
      }
    }
    return false;
  }

  /** After a reset step: wait-serial looks only at what the device prints from now on. */
  skipConsole(device: string): void {
    const w = this.devs.get(device);
    if (w) w.cursor = w.h.console.written;
  }

  /** The non-empty lines a device printed after its wait-serial cursor (the last 64 KiB of them at most). */
  private linesSince(w: DevWatch): string[] {
    const con = w.h.console;
    const text = con.textSince(Math.max(w.cursor, con.written - 64 * 1024));
    return text
      .split('\n')
      .map((l) => l.replace(/\r$/, ''))
      .filter((l) => l.trim() !== '');
  }

  /**
   * The line the device printed (after its wait-serial cursor) that comes closest to `text`,
   * for a failed wait: the fewest edits to find `text` inside the line.
   */
  closestLine(device: string, text: string): string | undefined {
    const w = this.devs.get(device);
    if (!w) return undefined;
    let best: string | undefined;
    let bestD = Infinity;
    for (const l of this.linesSince(w).slice(-300)) {
      const d = infixDistance(text.slice(0, 200), l.slice(0, 400));
      if (d < bestD) {
        bestD = d;
        best = l;
      }
    }
    // Unrelated lines are no help: show one only when it shares at least half of the text.
    return best !== undefined && bestD <= Math.ceil(text.length / 2) ? best : undefined;
  }

  /** The last non-empty line the device printed after its cursor. */
  lastLine(device: string): string | undefined {
    const w = this.devs.get(device);
    return w ? this.linesSince(w).at(-1) : undefined;
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
          this.crash = { device: w.h.id, failure: w.h.failure() ?? 'crashed', t: this.api.sim.now };
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
    this.collectLogs();
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

/** Edits needed to find `needle` somewhere inside `hay` (free skips at both ends of `hay`). */
export function infixDistance(needle: string, hay: string): number {
  let prev = new Array<number>(hay.length + 1).fill(0);
  for (let i = 1; i <= needle.length; i++) {
    const cur = new Array<number>(hay.length + 1);
    cur[0] = i;
    for (let j = 1; j <= hay.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (needle[i - 1] === hay[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return Math.min(...prev);
}
