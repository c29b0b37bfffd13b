/**
 * The runs of one `esp32sim run` (scenarios × seeds, in the order the command
 * lists them) carried out in this thread one after the other, or with
 * `--jobs N` on N worker threads at once. Each run is the same deterministic
 * run either way (its own simulation, seed and VMs: traces and captures are
 * byte-identical); a worker thread's output is held back and printed whole,
 * in the sequential order, so the timeline reads as a sequential run's, and
 * the results come back in that order for the one summary, JUnit and JSON.
 *
 * A worker thread loads the command's module (`Io.workerEntry`: the bundle
 * dist/cli.js, else this file) and serves runs over its message port until
 * it is told to stop; one that dies takes only its current run with it.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker, parentPort } from 'node:worker_threads';
import type { JunitInputError } from '../runner/junit';
import type { RunResult } from '../runner/result';
import type { Scenario } from '../schema/model';
import type { Io } from './io';
import { displayPath } from './paths';
import { runOne, type RunOneOpts } from './runone';

/** What one run is told (RunOneOpts without the abort signal: everything here crosses to a worker thread). */
export type RunSpec = Omit<RunOneOpts, 'signal'>;

/** One entry of the command's plan: a run, or a scenario that did not load (its messages, printed in turn). */
export type Planned = { kind: 'run'; scenario: Scenario; opts: RunSpec; blankAfter: boolean } | { kind: 'bad'; error: JunitInputError };

/** What became of an entry: its result, or an input error (a bad scenario, or a run whose worker thread died). */
export type Outcome = { kind: 'run'; result: RunResult; filesOk: boolean } | { kind: 'bad'; error: JunitInputError };

/** One line a run printed: to stdout (0) or stderr (1). */
type Line = [0 | 1, string];

type ToWorker = { run: { index: number; scenario: Scenario; opts: RunSpec; cmd?: string } } | { abort: true };
type FromWorker = { index: number; lines: Line[] } & ({ result: RunResult; filesOk: boolean } | { error: string });

/** How many runs go at once by default: one per core. */
export function defaultJobs(): number {
  const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, n || 1);
}

/**
 * A job thread's environment: hand-overs spin (bridge/handover.ts spinsAllowed) only where each run
 * at once has two cores, its own thread's and its running VM's. With fewer, a spinning thread takes
 * the core another needs (the labs with --jobs 2 on 2 cores ran 9% slower).
 */
export function jobThreadEnv(concurrent: number, cores: number, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return concurrent * 2 > cores ? { ...env, ESP32SIM_SPIN: '0' } : { ...env };
}

/** The plan in this thread, one run after the other (also --jobs 1): output as it happens. */
async function runHere(plan: readonly Planned[], io: Io, signal: AbortSignal, done: (o: Outcome) => void): Promise<void> {
  for (const p of plan) {
    if (signal.aborted) break;
    if (p.kind === 'bad') {
      for (const l of p.error.errors) io.err(l);
      done(p);
      continue;
    }
    const { result, filesOk } = await runOne(p.scenario, io, { ...p.opts, signal });
    done({ kind: 'run', result, filesOk });
    if (p.blankAfter) io.out('');
  }
}

/**
 * Loads the worker's side in a new thread. From the TypeScript sources (jest, ts-node) each .ts file is
 * stripped of its types as it loads (isolatedModules: file by file is enough), by esbuild (a
 * devDependency, ~100× faster than the project's own .ts loader, which is the fallback).
 */
const WORKER_CODE = `
const { workerData } = require('node:worker_threads');
if (/\\.ts$/.test(workerData.entry)) {
  let esbuild;
  try { esbuild = require(require.resolve('esbuild', { paths: [require('node:path').dirname(workerData.entry)] })); } catch {}
  if (esbuild) {
    const fs = require('node:fs');
    const options = { loader: 'ts', format: 'cjs', target: 'node20', supported: { 'dynamic-import': false }, sourcemap: 'inline', tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } } };
    require('node:module')._extensions['.ts'] = (m, f) => m._compile(esbuild.transformSync(fs.readFileSync(f, 'utf8'), { ...options, sourcefile: f }).code, f);
  } else require(workerData.tsHook).install();
}
require(workerData.entry).serveJobs();
`;

/** A worker thread serving runs, and the run it has in hand. */
interface Slot {
  worker: Worker;
  index: number | undefined;
  gone: boolean;
}

/**
 * The plan on `jobs` worker threads: every run handed to the next free thread in plan order; each
 * entry's output printed once every entry before it has been, so the output is the sequential run's.
 */
async function runInWorkers(plan: readonly Planned[], jobs: number, io: Io, signal: AbortSignal, done: (o: Outcome) => void): Promise<void> {
  const entry = io.workerEntry ?? __filename;
  const tsHook = path.join(__dirname, '..', '..', 'devices', 'runtime', 'typescript', 'ts-hook.js');
  const finished = new Map<number, { outcome: Outcome; lines: Line[] }>();
  const runs = plan.map((p, i) => (p.kind === 'run' ? i : -1)).filter((i) => i >= 0);
  let next = 0; // the next run (index into runs) to hand out
  let shown = 0; // entries printed so far
  let lastHanded = -1; // the plan index of the last run handed out
  let settle: () => void = () => {};
  const allDone = new Promise<void>((resolve) => (settle = resolve));
  const slots: Slot[] = [];

  const jobEnv = jobThreadEnv(Math.min(jobs, runs.length), defaultJobs());
  const silent = plan.some((p) => p.kind === 'run' && p.opts.silent);
  const progress = () => {
    if (!io.progress || silent) return;
    const busy = slots.filter((s) => s.index !== undefined).length;
    io.progress(`⧗ ${finished.size + countBad(plan, shown)}/${plan.length} runs done, ${busy} running on ${slots.length} threads`);
  };
  // Prints every entry that is ready, in plan order; ends when all are printed, or when stopped and nothing more runs.
  let flushing = false; // a line printed can stop the command (Ctrl-C), which flushes again: not inside this loop
  const flush = () => {
    if (flushing) return void queueMicrotask(flush);
    flushing = true;
    io.progress?.('');
    for (; shown < plan.length; shown++) {
      const p = plan[shown];
      if (p.kind === 'bad') {
        if (signal.aborted && shown > lastHanded) break; // stopped before reaching it (as one after the other)
        for (const l of p.error.errors) io.err(l);
        done(p);
        continue;
      }
      const f = finished.get(shown);
      if (!f) break;
      for (const [to, text] of f.lines) (to === 0 ? io.out : io.err)(text);
      done(f.outcome);
      if (p.blankAfter && f.outcome.kind === 'run') io.out('');
    }
    flushing = false;
    const running = slots.some((s) => s.index !== undefined);
    if (shown >= plan.length || (signal.aborted && !running)) settle();
    else progress();
  };
  const handOut = (slot: Slot) => {
    slot.index = undefined;
    if (signal.aborted || slot.gone || next >= runs.length) return;
    const index = runs[next++];
    const p = plan[index] as Extract<Planned, { kind: 'run' }>;
    slot.index = index;
    lastHanded = index;
    slot.worker.postMessage({ run: { index, scenario: p.scenario, opts: p.opts, cmd: io.cmd } } satisfies ToWorker);
  };
  const lost = (slot: Slot, why: string) => {
    if (slot.gone) return;
    slot.gone = true;
    const index = slot.index;
    slot.index = undefined;
    if (index !== undefined) {
      const p = plan[index] as Extract<Planned, { kind: 'run' }>;
      const file = p.scenario.file;
      const msg = `esp32sim: ${displayPath(file)}: the run was lost: its worker thread stopped (${why}); run it alone to see more`;
      finished.set(index, { outcome: { kind: 'bad', error: { file, errors: [msg] } }, lines: [[1, msg]] });
    }
    // Another thread takes over the rest of the plan.
    if (!signal.aborted && next < runs.length) slots.push(start());
    flush();
  };
  const start = (): Slot => {
    const worker = new Worker(WORKER_CODE, { eval: true, workerData: { entry, tsHook }, execArgv: [], env: jobEnv });
    const slot: Slot = { worker, index: undefined, gone: false };
    worker.on('message', (m: FromWorker) => {
      if ('error' in m) {
        const file = (plan[m.index] as Extract<Planned, { kind: 'run' }>).scenario.file;
        const msg = `esp32sim: ${displayPath(file)}: internal error in the run: ${m.error} (please report it)`;
        finished.set(m.index, { outcome: { kind: 'bad', error: { file, errors: [msg] } }, lines: [...m.lines, [1, msg]] });
      } else finished.set(m.index, { outcome: { kind: 'run', result: m.result, filesOk: m.filesOk }, lines: m.lines });
      handOut(slot);
      flush();
    });
    worker.on('error', (e: Error) => lost(slot, String(e?.message ?? e)));
    worker.on('exit', (code: number) => lost(slot, `exit ${code}`));
    handOut(slot);
    return slot;
  };
  const onAbort = () => {
    for (const s of slots) if (!s.gone) s.worker.postMessage({ abort: true } satisfies ToWorker);
    flush();
  };
  signal.addEventListener('abort', onAbort);
  try {
    for (let i = 0; i < Math.min(jobs, runs.length); i++) slots.push(start());
    flush();
    await allDone;
  } finally {
    signal.removeEventListener('abort', onAbort);
    io.progress?.('');
    for (const s of slots) {
      s.gone = true;
      void s.worker.terminate();
    }
  }
}

/** Bad entries among the first `n` (for the progress line). */
function countBad(plan: readonly Planned[], n: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (plan[i].kind === 'bad') c++;
  return c;
}

/**
 * Carries out the plan with up to `jobs` runs at once and reports each entry's outcome in plan order.
 * One run, `jobs` 1, or an Io that brings its own simulation or wall clock (tests, library use): here.
 */
export async function runPlan(plan: readonly Planned[], jobs: number, io: Io, signal: AbortSignal): Promise<Outcome[]> {
  const out: Outcome[] = [];
  const done = (o: Outcome) => out.push(o);
  const runs = plan.filter((p) => p.kind === 'run').length;
  if (jobs <= 1 || runs <= 1 || io.createSimulation !== undefined || io.wallMs !== undefined) await runHere(plan, io, signal, done);
  else await runInWorkers(plan, jobs, io, signal, done);
  return out;
}

/** The worker thread's side: runs what the parent sends, one at a time, and sends back its output and result. */
export function serveJobs(): void {
  const port = parentPort;
  if (!port) throw new Error('serveJobs runs in a worker thread');
  const abort = new AbortController();
  port.on('message', (m: ToWorker) => {
    if ('abort' in m) {
      abort.abort();
      return;
    }
    const { index, scenario, opts, cmd } = m.run;
    const lines: Line[] = [];
    const io: Io = { out: (l) => lines.push([0, l]), err: (l) => lines.push([1, l]), color: opts.color, cmd };
    runOne(scenario, io, { ...opts, signal: abort.signal }).then(
      ({ result, filesOk }) => port.postMessage({ index, lines, result, filesOk } satisfies FromWorker),
      (e: unknown) => port.postMessage({ index, lines, error: String((e as Error)?.message ?? e) } satisfies FromWorker),
    );
  });
}
