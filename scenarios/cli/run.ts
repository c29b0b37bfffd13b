/**
 * `esp32sim run`: every option checked before anything runs (values, output
 * paths), the targets expanded into scenarios, each run once per seed, then
 * JUnit / JSON for the whole command and a summary when there were several.
 * The runs go one after the other or, with --jobs, several at once on worker
 * threads (jobs.ts), with the same output and results in the same order.
 * Ctrl-C stops the current runs; the summary of what ran is still printed.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { junitXml, type JunitInputError } from '../runner/junit';
import { jsonReport } from '../runner/report';
import { EXIT_BAD_INPUT, EXIT_INTERRUPTED, type RunResult } from '../runner/result';
import { parseShard, shardOf } from '../runner/shard';
import { bareScenarioYaml, expandTargets } from '../runner/targets';
import { MAX_SCRIPT_BYTES, readInputFile } from '../schema/files';
import { loadScenario, parseScenario, type ParseResult } from '../schema/index';
import { formatError } from '../schema/model';
import { writeOut } from './artefacts';
import type { Io } from './io';
import { checkOutputDir, checkOutputFile, parseDurationOpt, parseJobs, parseSeed, parseSeeds, parseWallOpt } from './options';
import { defaultJobs, runPlan, type Planned } from './jobs';
import { displayPath } from './paths';
import { printSummary } from './summary';
import { Timeline } from './timeline';
import { runLive, wantsLive, type LiveOpts } from './live-run';

/** --junit and --json for the whole command; false when one could not be written. */
function writeReports(io: Io, o: RunOpts, code: number, results: RunResult[], inputErrors: JunitInputError[], started: Date): boolean {
  let ok = true;
  if (o.junit) {
    const xml = junitXml(results, inputErrors, { timestamp: isoLocal(started), hostname: os.hostname(), display: displayPath });
    if (writeOut(io, 'JUnit report', o.junit, xml)) io.err(`JUnit report written to ${o.junit}`);
    else ok = false;
  }
  if (o.json !== undefined) {
    const text = jsonReport(code, results, inputErrors, displayPath);
    if (o.json === '-') io.out(text.trimEnd());
    else if (writeOut(io, 'JSON result', o.json, text)) io.err(`JSON result written to ${o.json}`);
    else ok = false;
  }
  return ok;
}

export interface RunOpts extends LiveOpts {
  pc?: string[];
  input?: string[];
  expectText?: string[];
  failText?: string[];
  seed?: string;
  seeds?: string;
  timeout?: string;
  watchdog?: string;
  wallTimeout?: string;
  pcap?: string;
  trace?: string;
  junit?: string;
  json?: string;
  serialLog?: string;
  packets?: boolean;
  quiet?: boolean;
  shard?: string;
  jobs?: string;
  color?: boolean;
}

interface Job {
  key: string;
  bare: boolean;
  load: () => ParseResult;
}

/** The worst exit code of several runs: bad input, then failures, then the limits. */
export function worst(codes: readonly number[]): number {
  for (const c of [2, 1, 43, 42, 130]) if (codes.includes(c)) return c;
  return 0;
}

function bad(io: Io, msg: string): number {
  io.err(`esp32sim: ${msg}`);
  return EXIT_BAD_INPUT;
}

/** Local date-time without zone, as JUnit's timestamp wants it. */
function isoLocal(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export async function cmdRun(targets: string[], o: RunOpts, io: Io): Promise<number> {
  // 1. Option values.
  let seeds: (number | undefined)[] = [undefined];
  if (o.seed !== undefined && o.seeds !== undefined) return bad(io, '--seed and --seeds together: give one (--seeds 1-50 runs each seed)');
  if (o.seed !== undefined) {
    const r = parseSeed(o.seed);
    if (!r.ok) return bad(io, r.error);
    seeds = [r.value];
  }
  if (o.seeds !== undefined) {
    const r = parseSeeds(o.seeds);
    if (!r.ok) return bad(io, r.error);
    seeds = r.value;
  }
  const durations: { timeoutUs?: number; watchdogMs?: number; wallTimeoutMs?: number } = {};
  if (o.timeout !== undefined) {
    const r = parseDurationOpt('--timeout', o.timeout);
    if (!r.ok) return bad(io, r.error);
    durations.timeoutUs = r.value;
  }
  for (const [key, opt, text] of [['watchdogMs', '--watchdog', o.watchdog], ['wallTimeoutMs', '--wall-timeout', o.wallTimeout]] as const) {
    if (text === undefined) continue;
    const r = parseWallOpt(opt, text);
    if (!r.ok) return bad(io, r.error);
    durations[key] = r.value;
  }
  for (const t of [...(o.expectText ?? []), ...(o.failText ?? [])]) if (t === '') return bad(io, '--expect-text / --fail-text: the text is empty');
  let parallel = defaultJobs();
  if (o.jobs !== undefined) {
    const r = parseJobs(o.jobs);
    if (!r.ok) return bad(io, r.error);
    parallel = r.value;
  }
  // 2. Targets.
  const expanded = expandTargets(targets);
  const missing = expanded.filter((t) => t.kind === 'missing');
  for (const m of missing) io.err(`esp32sim: ${m.file}: ${m.kind === 'missing' ? m.why : ''}`);
  for (const t of expanded) if (t.kind === 'skip') io.err(`(skipping ${t.file}: ${t.why})`);
  if (missing.length) return EXIT_BAD_INPUT;
  const pys = expanded.filter((t) => t.kind === 'py');
  const pcs = o.pc ?? [];
  if (pcs.length && !pys.length) return bad(io, '--pc adds PCs to a bare .py run: give an ESP32 .py script too');
  if (o.input?.length && !pys.length) return bad(io, '--input types into the PC of a bare .py run; a scenario gives its PCs stdin: lines (or write-serial steps)');
  if (o.input?.length && !pcs.length) return bad(io, '--input types into a PC\'s input(): add the PC script with --pc client.py');
  if (o.expectText?.length && expanded.some((t) => t.kind === 'yaml')) return bad(io, '--expect-text applies to a bare .py run; a scenario checks what is printed with wait-serial steps');
  for (const p of pcs) {
    const r = readInputFile(p, MAX_SCRIPT_BYTES);
    if (!r.ok) return bad(io, `--pc ${p}: ${r.why}`);
    if (!/\.py$/i.test(p)) return bad(io, `--pc ${p}: a PC script is a Python .py file`);
  }
  // 3. Output paths, before a possibly long run.
  for (const [opt, f] of [['--pcap', o.pcap], ['--trace', o.trace], ['--junit', o.junit], ['--json', o.json === '-' ? undefined : o.json]] as const) {
    if (f === undefined) continue;
    const why = checkOutputFile(opt, f);
    if (why) return bad(io, why);
  }
  if (o.serialLog !== undefined) {
    const why = checkOutputDir('--serial-log', o.serialLog);
    if (why) return bad(io, why);
  }
  // 4. Jobs.
  const cwd = process.cwd();
  let jobs: Job[] = expanded
    .filter((t) => t.kind === 'py' || t.kind === 'yaml')
    .map((t) =>
      t.kind === 'py'
        ? { key: path.resolve(t.file), bare: true, load: () => parseScenario(bareScenarioYaml(t.file, pcs, { input: o.input, expectText: o.expectText, cwd }), t.file, { dir: cwd }) }
        : { key: path.resolve(t.file), bare: false, load: () => loadScenario(t.file) },
    );
  if (o.shard !== undefined) {
    const sh = parseShard(o.shard);
    if (!sh) return bad(io, `--shard ${o.shard}: expected i/n with 1 <= i <= n (e.g. --shard 1/2)`);
    const keep = new Set(shardOf(jobs.map((j) => j.key), sh.index, sh.count));
    jobs = jobs.filter((j) => keep.has(j.key)).sort((a, b) => (a.key < b.key ? -1 : 1));
    jobs = jobs.filter((j, i) => jobs.findIndex((k) => k.key === j.key) === i);
    io.err(`shard ${sh.index}/${sh.count}: ${jobs.length} scenario(s)`);
  }
  // 5. Runs.
  const color = o.color ?? io.color;
  if (wantsLive(o)) {
    if (jobs.length !== 1 || seeds.length !== 1) return bad(io, '--live runs one scenario once: give one lab (no --seeds, no folder of labs)');
    const p = jobs[0].load();
    if (!p.ok) {
      for (const e of p.errors) io.err(formatError(e));
      return EXIT_BAD_INPUT;
    }
    if (o.json === '-') return bad(io, '--json -: in a live session the terminal is the console; write the JSON to a file (--json result.json)');
    const base = path.basename(p.scenario.dir) + (jobs[0].bare ? '-' + path.basename(p.scenario.file, '.py') : '');
    const started = new Date();
    const live = await runLive(p.scenario, o, io, { ...durations, seed: seeds[0], failText: o.failText, packets: o.packets, quiet: o.quiet, color, many: false, tag: base, pcap: o.pcap, trace: o.trace, serialLog: o.serialLog });
    if (!live.result) return live.exitCode;
    const filesOk = writeReports(io, o, live.exitCode, [live.result], [], started) && live.filesOk;
    return !filesOk && live.exitCode === 0 ? EXIT_BAD_INPUT : live.exitCode;
  }
  const silent = o.json === '-';
  const quiet = Boolean(o.quiet) || seeds.length > 1;
  const many = jobs.length * seeds.length > 1;
  const abort = new AbortController();
  const unsubscribe = io.onInterrupt?.(() => {
    io.err('\nCtrl-C: stopping the run (press Ctrl-C again to quit at once)');
    abort.abort();
  });
  const codes: number[] = [];
  const results: RunResult[] = [];
  const inputErrors: JunitInputError[] = [];
  let filesOk = true;
  const started = new Date();
  // Every scenario is read before the first run; each one's messages still come in its turn.
  const plan: Planned[] = [];
  for (const job of jobs) {
    const p = job.load();
    if (!p.ok) {
      plan.push({ kind: 'bad', error: { file: p.errors[0]?.file ?? job.key, errors: p.errors.map(formatError) } });
      continue;
    }
    const base = path.basename(p.scenario.dir) + (job.bare ? '-' + path.basename(p.scenario.file, '.py') : '');
    for (const seed of seeds) {
      const tag = seeds.length > 1 ? `${base}-seed${seed}` : base;
      plan.push({
        kind: 'run',
        scenario: p.scenario,
        blankAfter: many && !quiet && !silent,
        opts: {
          ...durations,
          seed,
          failText: o.failText,
          timeoutFails: job.bare,
          packets: o.packets,
          quiet,
          silent,
          color,
          many,
          tag,
          prefix: seeds.length > 1 ? `seed ${seed}` : undefined,
          pcap: o.pcap,
          trace: o.trace,
          serialLog: o.serialLog,
        },
      });
    }
  }
  try {
    for (const r of await runPlan(plan, parallel, io, abort.signal)) {
      if (r.kind === 'bad') {
        inputErrors.push(r.error);
        codes.push(EXIT_BAD_INPUT);
        continue;
      }
      filesOk = r.filesOk && filesOk;
      results.push(r.result);
      codes.push(r.result.exitCode);
    }
  } finally {
    unsubscribe?.();
  }
  const interrupted = abort.signal.aborted;
  const code = interrupted ? EXIT_INTERRUPTED : worst(codes);
  // 6. Reports for the whole command.
  filesOk = writeReports(io, o, code, results, inputErrors, started) && filesOk;
  if ((many || interrupted) && !silent) printSummary(io, new Timeline({ color, write: io.out }).c, quiet && !interrupted && seeds.length === 1, results, inputErrors, interrupted);
  if (!filesOk) return code === 0 ? EXIT_BAD_INPUT : code;
  return code;
}
