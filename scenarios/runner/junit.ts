/**
 * JUnit XML: one <testsuite> per scenario, one <testcase> per step (plus one per
 * script that crashed), failures with messages. Times are virtual seconds.
 */
import type { RunResult } from './runner';

export function escapeXml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A problem that stopped a scenario before it ran (bad YAML): a suite with one failed case. */
export interface JunitInputError {
  file: string;
  errors: string[];
}

const secs = (us: number) => (us / 1e6).toFixed(6);

export function junitXml(results: readonly RunResult[], inputErrors: readonly JunitInputError[] = []): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const r of results) {
    const cases: string[] = [];
    const classname = escapeXml(r.scenario.file);
    let f = 0;
    for (const s of r.steps) {
      const name = escapeXml(`${s.index + 1}. ${s.label}`);
      const head = `    <testcase classname="${classname}" name="${name}" time="${secs(s.endUs - s.startUs)}"`;
      if (s.status === 'passed') cases.push(`${head}/>`);
      else if (s.status === 'skipped') cases.push(`${head}>\n      <skipped message="${escapeXml(s.message)}"/>\n    </testcase>`);
      else {
        f++;
        cases.push(`${head}>\n      <failure message="${escapeXml(s.message)}" type="step">line ${s.line}: ${escapeXml(s.message)}</failure>\n    </testcase>`);
      }
    }
    if (r.crash) {
      f++;
      const msg = `the script on ${r.crash.device} crashed`;
      cases.push(`    <testcase classname="${classname}" name="${escapeXml(`script on ${r.crash.device}`)}" time="0">\n      <failure message="${escapeXml(msg)}" type="crash">${escapeXml(r.crash.failure)}</failure>\n    </testcase>`);
    }
    if (r.exitCode === 42 && !r.steps.some((s) => s.status === 'failed')) {
      f++;
      cases.push(`    <testcase classname="${classname}" name="timeout" time="${secs(r.endUs)}">\n      <failure message="${escapeXml(r.reason)}" type="timeout"/>\n    </testcase>`);
    }
    if (!cases.length) cases.push(`    <testcase classname="${classname}" name="run" time="${secs(r.endUs)}"/>`);
    tests += cases.length;
    failures += f;
    suites.push(
      `  <testsuite name="${escapeXml(r.scenario.name)}" tests="${cases.length}" failures="${f}" errors="0" skipped="${r.steps.filter((s) => s.status === 'skipped').length}" time="${secs(r.endUs)}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  for (const e of inputErrors) {
    tests++;
    failures++;
    const msg = e.errors.join('\n');
    suites.push(
      `  <testsuite name="${escapeXml(e.file)}" tests="1" failures="1" errors="0" skipped="0" time="0">\n    <testcase classname="${escapeXml(e.file)}" name="load scenario" time="0">\n      <failure message="${escapeXml(e.errors[0] ?? 'bad input')}" type="input">${escapeXml(msg)}</failure>\n    </testcase>\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="esp32sim" tests="${tests}" failures="${failures}">\n${suites.join('\n')}\n</testsuites>\n`;
}
