/**
 * The files a run leaves behind: pcap, trace, per-device serial logs (one run
 * each, suffixed when there are several runs), JUnit and JSON (once for the
 * whole command). Every path was checked before the run (options.ts); a write
 * that still fails (disk full) is reported in one line, never a stack trace.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RunResult } from '../runner/result';
import { traceText } from '../runner/tracefile';
import type { Io } from './io';

export interface ArtefactOpts {
  pcap?: string;
  trace?: string;
  serialLog?: string;
}

/** `echo.pcap` → `echo-led-udp-seed4.pcap` when a command makes several runs. */
export function suffixed(file: string, tag: string, many: boolean): string {
  if (!many) return file;
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}-${tag}${ext}`;
}

/** Writes a file; on failure says so on stderr and returns false. */
export function writeOut(io: Io, what: string, file: string, data: string | Uint8Array): boolean {
  try {
    writeFileSync(file, data);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(`esp32sim: cannot write the ${what} to ${file}: ${code === 'ENOSPC' ? 'the disk is full' : code === 'EACCES' ? 'permission denied' : (code ?? (e as Error).message)}`);
    return false;
  }
}

/** Collects each device's console lines while a run goes (from the timeline's console events). */
export class SerialLog {
  private readonly lines = new Map<string, string[]>();

  add(device: string, text: string, partial = false): void {
    const l = this.lines.get(device) ?? [];
    l.push(partial ? text : text + '\n');
    this.lines.set(device, l);
  }

  /** Writes DIR/<device>.log for every device of the run (also those that printed nothing). */
  write(io: Io, dir: string, devices: readonly string[]): boolean {
    let ok = true;
    for (const d of devices) ok = writeOut(io, `serial log of ${d}`, path.join(dir, `${d}.log`), (this.lines.get(d) ?? []).join('')) && ok;
    return ok;
  }
}

/** Writes one run's pcap, trace and serial logs; returns false if any write failed. */
export function writeRunArtefacts(io: Io, o: ArtefactOpts, r: RunResult, log: SerialLog, tag: string, many: boolean): boolean {
  let ok = true;
  if (o.pcap && r.pcap) {
    const f = suffixed(o.pcap, tag, many);
    // A run with 802.11 frames (ESP-NOW) writes pcapng whatever the name: one classic pcap holds one link type.
    const ng = r.pcapFormat === 'pcapng' && !/\.pcapng$/i.test(f) ? ' as pcapng (it has 802.11 frames beside the Ethernet ones)' : '';
    if (writeOut(io, 'pcap', f, r.pcap)) io.err(`pcap written to ${f}${ng} (open it in Wireshark, or: tshark -r ${f})`);
    else ok = false;
  }
  if (o.trace) {
    const f = suffixed(o.trace, tag, many);
    if (writeOut(io, 'trace', f, traceText(r))) io.err(`trace written to ${f} (check it with: ${io.cmd ?? 'npx esp32sim'} replay ${f})`);
    else ok = false;
  }
  if (o.serialLog) {
    const dir = many ? path.join(o.serialLog, tag) : o.serialLog;
    try {
      mkdirSync(dir, { recursive: true });
    } catch {
      // reported by the write below
    }
    if (log.write(io, dir, r.scenario.devices.map((d) => d.id))) io.err(`serial logs written to ${dir}${path.sep}<device>.log`);
    else ok = false;
  }
  return ok;
}
