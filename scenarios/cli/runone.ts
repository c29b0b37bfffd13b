/**
 * One run of one scenario as the user sees it: the header, the interleaved
 * timeline as it happens, the progress line on a terminal, the summary line,
 * then its files (pcap, trace, serial logs).
 */
import { runScenario, type LiveRunOptions, type RunResult } from '../runner/runner';
import type { Scenario } from '../schema/model';
import { fmtUs } from '../schema/model';
import { SerialLog, writeRunArtefacts, type ArtefactOpts } from './artefacts';
import type { Io } from './io';
import { displayPath } from './paths';
import { Timeline } from './timeline';

export interface RunOneOpts extends ArtefactOpts {
  seed?: number;
  timeoutUs?: number;
  watchdogMs?: number;
  wallTimeoutMs?: number;
  failText?: string[];
  timeoutFails?: boolean;
  packets?: boolean;
  quiet?: boolean;
  /** Print nothing at all (--json -). */
  silent?: boolean;
  color: boolean;
  noHeader?: boolean;
  /** Several runs in this command: files get `tag` in their names. */
  many: boolean;
  tag: string;
  /** Shown before the summary line (a seed sweep: "seed 4"). */
  prefix?: string;
  signal?: AbortSignal;
  /** A live run (runner/live.ts): paced, no steps, external inputs. */
  live?: LiveRunOptions;
  /** Where the timeline's lines go instead of io.out (a live terminal draws them above the typed line). */
  write?: (line: string) => void;
}

export async function runOne(s: Scenario, io: Io, o: RunOneOpts): Promise<{ result: RunResult; filesOk: boolean }> {
  const write = o.silent ? () => {} : (o.write ?? io.out);
  const tl = new Timeline({ color: o.color, quiet: o.quiet, packets: o.packets, write });
  const ips: Record<string, string> = {};
  for (const d of s.devices) if (d.ip) ips[d.id] = d.ip;
  // Internet hosts that log (brokers, web servers) get a column of the timeline like devices.
  const loggers = (s.network.internet ?? []).filter((h) => h.service === 'mqtt' || h.service === 'http').map((h) => h.name);
  tl.devices([...s.devices.map((d) => d.id), ...loggers], ips);
  if (!o.quiet && !o.silent && !o.noHeader) tl.header(s.name, displayPath(s.file));
  const wall = io.wallMs ?? (() => performance.now());
  let lastProgress = -Infinity;
  const log = new SerialLog();
  const r = await runScenario(s, {
    createSimulation: io.createSimulation,
    seed: o.seed,
    timeoutUs: o.timeoutUs,
    watchdogMs: o.watchdogMs,
    wallTimeoutMs: o.wallTimeoutMs,
    failText: o.failText,
    timeoutFails: o.timeoutFails,
    recordTrace: Boolean(o.trace),
    pcap: Boolean(o.pcap),
    pcapFormat: o.pcap && /\.pcapng$/i.test(o.pcap) ? 'pcapng' : 'auto',
    frames: Boolean(o.packets) && !o.quiet && !o.silent,
    signal: o.signal,
    wallMs: wall,
    ...(o.live ? { live: o.live } : {}),
    onEvent: (ev) => {
      if (ev.type === 'console') log.add(ev.device, ev.text, ev.partial);
      if (lastProgress > -Infinity) io.progress?.('');
      tl.event(ev);
    },
    onProgress:
      io.progress && !o.silent && !o.live
        ? (now, end) => {
            const w = wall();
            if (w - lastProgress < 100) return; // at most ten updates a wall second
            lastProgress = w;
            io.progress?.(`⧗ ${s.name}: ${fmtUs(Math.floor(now / 100_000) * 100_000)} of ${fmtUs(end)} virtual`);
          }
        : undefined,
  });
  if (lastProgress > -Infinity) io.progress?.('');
  tl.summary(r, r.wallMs, o.prefix);
  const filesOk = writeRunArtefacts(io, o, r, log, o.tag, o.many);
  return { result: r, filesOk };
}
