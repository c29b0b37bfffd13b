/**
 * The closing summary of a command that made several runs: one line per run
 * (or per failing run with --quiet), a pass rate and the failing seeds per
 * swept scenario, and the totals. Also printed after Ctrl-C, for what ran.
 */
import type { JunitInputError } from '../runner/junit';
import { seedSweeps } from '../runner/report';
import type { RunResult } from '../runner/result';
import { plural } from '../schema/words';
import type { Io } from './io';
import { displayPath } from './paths';
import { printable, type Colors } from './timeline';

function mark(c: Colors, code: number): string {
  if (code === 0) return c.green('✔ pass      ');
  if (code === 42) return c.yellow('⧗ timeout   ');
  if (code === 43) return c.yellow('⧗ wall limit');
  if (code === 130) return c.yellow('■ stopped   ');
  return c.red('✘ fail      ');
}

export function printSummary(io: Io, c: Colors, quiet: boolean, results: readonly RunResult[], inputErrors: readonly JunitInputError[], interrupted: boolean): void {
  const total = results.length + inputErrors.length;
  const sweeps = seedSweeps(results, displayPath);
  const noun = sweeps.length ? 'run' : 'scenario';
  if (!quiet) io.out(c.bold(`Summary of ${plural(total, noun)}${interrupted ? ' (interrupted with Ctrl-C: the runs so far)' : ''}`));
  if (!sweeps.length) {
    for (const r of results) {
      if (quiet && r.exitCode === 0) continue; // quiet: each already has its one line
      io.out(`  ${mark(c, r.exitCode)} ${r.scenario.name} ${c.dim(displayPath(r.scenario.file))}${r.exitCode ? `\n                 ${printable(r.reason).text}` : ''}`);
    }
  }
  for (const s of sweeps) {
    const pct = Math.round(s.passRate * 1000) / 10;
    const line = `  ${s.scenario} ${c.dim(s.file)}: ${s.passed}/${s.seeds.length} seeds passed (${pct}%)`;
    io.out(s.failingSeeds.length ? c.red(line) : c.green(line));
    if (s.failingSeeds.length) io.out(`      failing seeds: ${s.failingSeeds.join(', ')} (see one with --seed ${s.failingSeeds[0]})`);
  }
  for (const e of inputErrors) io.out(`  ${c.red('✘ bad input ')} ${c.dim(displayPath(e.file))}\n                 ${e.errors[0] ?? ''}`);
  const passed = results.filter((r) => r.exitCode === 0).length;
  const line = `${passed}/${total} ${noun}s passed`;
  io.out(passed === total && !interrupted ? c.green(c.bold(line)) : c.red(c.bold(line)));
}
