/** Shared helpers for the lab tests: run a bundled lab on the real Simulation, replay it, compare. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runScenario, type RunResult } from '../../scenarios/runner/runner';
import { formatError, loadScenario, parseScenario, type Scenario } from '../../scenarios/schema/index';
import { createSimulation as createDefaultSimulation } from '../../devices/simulation/simulation';
import { compareTraces, parseTrace, traceText } from '../../scenarios/runner/tracefile';

export { LABS } from '../paths';
import { LABS } from '../paths';

export function lab(id: string): Scenario {
  const p = loadScenario(path.join(LABS, id));
  if (!p.ok) throw new Error(p.errors.map(formatError).join('\n'));
  return p.scenario;
}

export function labWith(id: string, edit: (yaml: string) => string, scripts: Record<string, string> = {}): Scenario {
  const base = lab(id);
  const p = parseScenario(edit(base.text), base.file, {
    readScript: (abs) => scripts[path.basename(abs)] ?? (existsSync(abs) ? readFileSync(abs, 'utf8') : undefined),
  });
  if (!p.ok) throw new Error(p.errors.map(formatError).join('\n'));
  return p.scenario;
}

export function run(s: Scenario, recordTrace = false): Promise<RunResult> {
  return runScenario(s, { createSimulation: createDefaultSimulation, recordTrace });
}

/** Explains a failed lab run in the assertion message. */
export function explain(r: RunResult): string {
  const steps = r.steps.map((s) => `${s.status.padEnd(7)} ${s.index + 1}. ${s.label} ${s.message}`).join('\n');
  return `exit ${r.exitCode}: ${r.reason}\n${steps}\n${r.crash ? r.crash.failure : ''}`;
}

/** Runs a lab recording its trace, replays it from the trace file text, and compares. */
export async function runAndReplay(id: string, opts: { pcap?: boolean } = {}): Promise<{ first: RunResult; diff: ReturnType<typeof compareTraces> }> {
  const first = await runScenario(lab(id), { createSimulation: createDefaultSimulation, recordTrace: true, pcap: opts.pcap });
  const t = parseTrace(traceText(first));
  if (!t.ok) throw new Error(t.error);
  // Only what the trace holds: its scenario and the content of its scripts.
  const again = parseScenario(t.header.scenario, t.header.file, { files: t.header.files });
  if (!again.ok) throw new Error('recorded scenario does not parse');
  const second = await runScenario(again.scenario, { createSimulation: createDefaultSimulation, recordTrace: true, seed: t.header.seed, timeoutUs: t.header.timeoutUs });
  return { first, diff: compareTraces(t.records, second.trace) };
}
