/**
 * `esp32sim replay TRACE`: re-runs exactly what the trace holds (its scenario
 * and the content of its scripts; nothing read from disk) and compares record
 * by record. `--against DIR` takes the scripts from a folder instead, to see
 * what an edit changes. TypeScript device scripts in a trace run in this
 * process with full access, so they replay only with --allow-typescript.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT_BAD_INPUT, runScenario } from '../runner/runner';
import { compareTraces, parseTrace } from '../runner/tracefile';
import { recordedInputs, ReplayInputs } from '../runner/live';
import { MAX_SCRIPT_BYTES, MAX_TRACE_BYTES, readInputFile } from '../schema/files';
import { parseScenario, sha256 } from '../schema/index';
import { formatError } from '../schema/model';
import type { Io } from './io';
import { Timeline } from './timeline';

export interface ReplayOpts {
  color?: boolean;
  against?: string;
  allowTypescript?: boolean;
}

function bad(io: Io, msg: string): number {
  io.err(`esp32sim: ${msg}`);
  return EXIT_BAD_INPUT;
}

/** A trace's script name as a path inside a folder of ours: no absolute path, no climbing out. */
function safeInside(dir: string, ref: string): string {
  const parts = ref.split(/[\\/]+/).filter((p) => p && p !== '.' && p !== '..');
  return path.join(dir, ...(parts.length ? parts : ['script']));
}

export async function cmdReplay(file: string, o: ReplayOpts, io: Io): Promise<number> {
  const read = readInputFile(file, MAX_TRACE_BYTES);
  if (!read.ok) return bad(io, `${file}: ${read.why}`);
  const t = parseTrace(read.text);
  if (!t.ok) return bad(io, `${file}:${t.line}: ${t.error}`);
  const h = t.header;
  const files: Record<string, string> = { ...h.files };
  if (o.against !== undefined) {
    for (const s of h.scripts) {
      const r = readInputFile(path.join(o.against, s.ref), MAX_SCRIPT_BYTES);
      if (!r.ok) return bad(io, `--against ${o.against}: ${s.ref} (${s.device}'s script): ${r.why}`);
      files[s.ref] = r.text;
      if (sha256(r.text) !== s.sha256) io.err(`note: ${path.join(o.against, s.ref)} differs from the recorded ${s.ref} (${s.device})`);
    }
  }
  // Which scripts are TypeScript is decided by the scenario as parsed (a .ts name), never by
  // what the header claims; their modules are written to a fresh folder, nothing else is read.
  const p = parseScenario(h.scenario, `${file} [${h.file}]`, { files });
  if (!p.ok) {
    for (const e of p.errors) io.err(formatError(e));
    return EXIT_BAD_INPUT;
  }
  const ts = p.scenario.scripts.filter((s) => s.language === 'typescript' || h.scripts.some((x) => x.ref === s.ref && x.language === 'typescript'));
  if (ts.length && !o.allowTypescript) {
    return bad(
      io,
      `${file}: this trace contains TypeScript device scripts (${ts.map((s) => `${s.ref} on ${s.device}`).join(', ')}). ` +
        'They would run in this process with full access to your files and network. Replay it only if you trust where the trace came from, with --allow-typescript',
    );
  }
  let tmp: string | undefined;
  if (ts.length) {
    io.err(`warning: running the TypeScript device scripts of ${file} (${ts.map((s) => s.ref).join(', ')}) with full access to this machine`);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'esp32sim-replay-'));
  }
  try {
    for (const d of p.scenario.devices) {
      if (!d.script || d.script.language !== 'typescript') continue;
      const ref = p.scenario.scripts.find((s) => s.device === d.id)?.ref ?? d.script.filename;
      const mp = safeInside(tmp!, ref);
      mkdirSync(path.dirname(mp), { recursive: true });
      writeFileSync(mp, d.script.source);
      d.script.modulePath = mp;
    }
    const tl = new Timeline({ color: o.color ?? io.color, quiet: true, write: io.out });
    // A live session: the same host links, and every recorded input applied again at its virtual time.
    const live = h.live ? { ...h.live, inputs: new ReplayInputs(recordedInputs(t.records)) } : undefined;
    const r = await runScenario(p.scenario, { createSimulation: io.createSimulation, seed: h.seed, timeoutUs: h.timeoutUs, recordTrace: true, wallMs: io.wallMs, ...(live ? { live } : {}) });
    const d = compareTraces(t.records, r.trace);
    const what = `${h.live ? 'live session of ' : ''}${h.name} (seed ${h.seed}, ${h.file}${o.against !== undefined ? `, scripts from ${o.against}` : ''})`;
    if (d.identical) {
      io.out(`${tl.c.green('✔ identical')}: the replay of ${what} matches the recording, all ${d.count} records`);
      return 0;
    }
    io.out(`${tl.c.red('✘ diverged')}: the replay of ${what} differs from the recording`);
    io.out(`first difference at record ${d.index + 1} (line ${d.index + 2} of ${file}), after:`);
    for (const c of d.context) io.out(`  ${tl.c.dim(c)}`);
    io.out(tl.c.red(`- recorded: ${d.recorded ?? '(end of trace)'}`));
    io.out(tl.c.green(`+ replayed: ${d.replayed ?? '(end of trace)'}`));
    return 1;
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
