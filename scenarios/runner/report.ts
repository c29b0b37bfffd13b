/**
 * The machine-readable result (`--json FILE`): the verdict, every run with its
 * steps, timings (virtual µs and wall ms), notices and each device's counters,
 * and a per-scenario pass rate when seeds were swept. Stable keys, version 1.
 */
import type { RunResult } from './result';
import type { JunitInputError } from './junit';

export const RESULT_FORMAT = 'esp32sim-result';

export type Verdict = 'pass' | 'fail' | 'timeout' | 'bad-input' | 'wall-timeout' | 'interrupted';

export function verdictOf(code: number): Verdict {
  switch (code) {
    case 0:
      return 'pass';
    case 42:
      return 'timeout';
    case 2:
      return 'bad-input';
    case 43:
      return 'wall-timeout';
    case 130:
      return 'interrupted';
    default:
      return 'fail';
  }
}

export interface SeedSweep {
  scenario: string;
  file: string;
  seeds: number[];
  passed: number;
  failingSeeds: number[];
  passRate: number;
}

/** Per scenario (file), when a scenario ran with several seeds: how many passed, which failed. */
export function seedSweeps(results: readonly RunResult[], display: (f: string) => string = (f) => f): SeedSweep[] {
  const by = new Map<string, RunResult[]>();
  for (const r of results) by.set(r.scenario.file, [...(by.get(r.scenario.file) ?? []), r]);
  const out: SeedSweep[] = [];
  for (const [file, rs] of by) {
    if (rs.length < 2) continue;
    const passed = rs.filter((r) => r.exitCode === 0).length;
    out.push({
      scenario: rs[0].scenario.name,
      file: display(file),
      seeds: rs.map((r) => r.seed),
      passed,
      failingSeeds: rs.filter((r) => r.exitCode !== 0).map((r) => r.seed),
      passRate: passed / rs.length,
    });
  }
  return out;
}

export function jsonReport(exitCode: number, results: readonly RunResult[], inputErrors: readonly JunitInputError[], display: (f: string) => string = (f) => f): string {
  const runs = results.map((r) => ({
    scenario: r.scenario.name,
    file: display(r.scenario.file),
    seed: r.seed,
    exitCode: r.exitCode,
    verdict: verdictOf(r.exitCode),
    reason: r.reason,
    virtualUs: r.endUs,
    timeoutUs: r.timeoutUs,
    wallMs: Math.round(r.wallMs),
    steps: r.steps.map((s) => ({
      step: s.index + 1,
      line: s.line,
      kind: s.kind,
      ...(s.device !== undefined ? { device: s.device } : {}),
      label: s.label,
      status: s.status,
      message: s.message,
      startUs: s.startUs,
      endUs: s.endUs,
      wallMs: Math.round(s.wallMs),
    })),
    ...(r.crash ? { crash: { device: r.crash.device, atUs: r.crash.t, traceback: r.crash.failure } } : {}),
    notices: r.notices.map((n) => ({ atUs: n.t, device: n.device, text: n.text })),
    devices: r.devices.map((d) => ({ id: d.id, kind: d.kind, script: d.state, exitCode: d.code ?? null, failure: d.failure ?? null, consoleLines: d.console.length, counters: d.counters })),
  }));
  const report = {
    format: RESULT_FORMAT,
    version: 1,
    exitCode,
    verdict: verdictOf(exitCode),
    passed: results.filter((r) => r.exitCode === 0).length,
    total: results.length + inputErrors.length,
    runs,
    inputErrors: inputErrors.map((e) => ({ file: display(e.file), errors: e.errors })),
    seedSweeps: seedSweeps(results, display),
  };
  return JSON.stringify(report, null, 2) + '\n';
}
