/**
 * JUnit XML as CI services read it (Jenkins' junit schema, GitLab, GitHub
 * actions' reporters): one <testsuite> per run, one <testcase> per step (plus
 * one per crash and for a timeout), `time=` in wall seconds, the virtual times
 * as <properties>, each device's console in the suite's <system-out>.
 * Failures name the step, what was expected and what came closest.
 */
import { fmtUs } from '../schema/model';
import type { RunResult } from './result';

export function escapeXml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A problem that stopped a scenario before it ran (bad YAML): a suite with one errored case. */
export interface JunitInputError {
  file: string;
  errors: string[];
}

export interface JunitOptions {
  /** ISO 8601 local date-time of the command's start, without zone (e.g. 2025-01-31T10:00:00). */
  timestamp?: string;
  hostname?: string;
  /** The scenario file as shown to the user (for classname). */
  display?: (file: string) => string;
}

const secs = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);
const CONSOLE_TAIL = 12;

function prop(name: string, value: string): string {
  return `      <property name="${escapeXml(name)}" value="${escapeXml(value)}"/>`;
}

/** Every device's console, one section each, with virtual timestamps. */
function systemOut(r: RunResult): string {
  const parts: string[] = [];
  for (const d of r.devices) {
    const script = r.scenario.scripts.find((s) => s.device === d.id)?.ref;
    parts.push(`--- ${d.id} (${d.kind}${script ? `, ${script}` : ''}): ${d.console.length} lines, script ${d.state}${d.code !== undefined ? ` (exit ${d.code})` : ''} ---`);
    for (const l of d.console) parts.push(`${fmtUs(l.t).padStart(12)} ${l.text}`);
  }
  return parts.join('\n');
}

function tailOf(r: RunResult, device: string | undefined): string {
  const d = r.devices.find((x) => x.id === device);
  if (!d || !d.console.length) return '';
  const lines = d.console.slice(-CONSOLE_TAIL).map((l) => `${fmtUs(l.t).padStart(12)} ${l.text}`);
  return `\n\nlast lines of ${d.id}:\n${lines.join('\n')}`;
}

function suiteName(r: RunResult, seeds: boolean): string {
  return seeds ? `${r.scenario.name} (seed ${r.seed})` : r.scenario.name;
}

export function junitXml(results: readonly RunResult[], inputErrors: readonly JunitInputError[] = [], o: JunitOptions = {}): string {
  const display = o.display ?? ((f: string) => f);
  const seeds = new Set(results.map((r) => r.scenario.file)).size < results.length;
  const stamp = o.timestamp ? ` timestamp="${escapeXml(o.timestamp)}"` : '';
  const host = ` hostname="${escapeXml(o.hostname ?? 'localhost')}"`;
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let wall = 0;
  results.forEach((r, id) => {
    const cases: string[] = [];
    const classname = escapeXml(display(r.scenario.file));
    let f = 0;
    let e = 0;
    for (const s of r.steps) {
      const name = escapeXml(`${s.index + 1}. ${s.label}`);
      const head = `    <testcase classname="${classname}" name="${name}" time="${secs(s.wallMs)}"`;
      if (s.status === 'passed') cases.push(`${head}/>`);
      else if (s.status === 'skipped') cases.push(`${head}>\n      <skipped message="${escapeXml(s.message)}"/>\n    </testcase>`);
      else {
        f++;
        const body = `step ${s.index + 1} (line ${s.line}): ${s.label}\n${s.message}\nvirtual time ${fmtUs(s.startUs)} to ${fmtUs(s.endUs)}${tailOf(r, s.device)}`;
        cases.push(`${head}>\n      <failure message="${escapeXml(s.message)}" type="step">${escapeXml(body)}</failure>\n    </testcase>`);
      }
    }
    if (r.crash) {
      f++;
      const msg = `the script on ${r.crash.device} crashed at ${fmtUs(r.crash.t)}`;
      cases.push(`    <testcase classname="${classname}" name="${escapeXml(`script on ${r.crash.device}`)}" time="0">\n      <failure message="${escapeXml(msg)}" type="crash">${escapeXml(r.crash.failure)}</failure>\n    </testcase>`);
    }
    const stepFailed = r.steps.some((s) => s.status === 'failed');
    if ((r.exitCode === 42 && !stepFailed) || r.exitCode === 43 || r.exitCode === 130 || (r.exitCode === 1 && !stepFailed && !r.crash) || r.exitCode === 2) {
      const kind = r.exitCode === 42 ? 'timeout' : r.exitCode === 43 ? 'wall-timeout' : r.exitCode === 130 ? 'interrupted' : r.exitCode === 2 ? 'input' : 'fail-text';
      const el = r.exitCode === 42 || r.exitCode === 1 ? 'failure' : 'error';
      if (el === 'failure') f++;
      else e++;
      cases.push(`    <testcase classname="${classname}" name="${kind}" time="${secs(r.wallMs)}">\n      <${el} message="${escapeXml(r.reason)}" type="${kind}"/>\n    </testcase>`);
    }
    if (!cases.length) cases.push(`    <testcase classname="${classname}" name="run" time="${secs(r.wallMs)}"/>`);
    tests += cases.length;
    failures += f;
    errors += e;
    wall += r.wallMs;
    const props = [
      prop('file', display(r.scenario.file)),
      prop('seed', String(r.seed)),
      prop('exit-code', String(r.exitCode)),
      prop('reason', r.reason),
      prop('virtual-time', fmtUs(r.endUs)),
      prop('virtual-timeout', fmtUs(r.timeoutUs)),
      ...r.steps.map((s) => prop(`step ${s.index + 1} virtual-time`, `${fmtUs(s.startUs)} to ${fmtUs(s.endUs)}`)),
      ...r.notices.map((n, i) => prop(`notice ${i + 1}`, `${fmtUs(n.t)} ${n.text}`)),
    ];
    const skipped = r.steps.filter((s) => s.status === 'skipped').length;
    suites.push(
      `  <testsuite name="${escapeXml(suiteName(r, seeds))}" tests="${cases.length}" failures="${f}" errors="${e}" skipped="${skipped}" time="${secs(r.wallMs)}"${stamp}${host} id="${id}">\n` +
        `    <properties>\n${props.join('\n')}\n    </properties>\n${cases.join('\n')}\n    <system-out>${escapeXml(systemOut(r))}</system-out>\n  </testsuite>`,
    );
  });
  inputErrors.forEach((ie, i) => {
    tests++;
    errors++;
    const msg = ie.errors.join('\n');
    suites.push(
      `  <testsuite name="${escapeXml(display(ie.file))}" tests="1" failures="0" errors="1" skipped="0" time="0"${stamp}${host} id="${results.length + i}">\n` +
        `    <testcase classname="${escapeXml(display(ie.file))}" name="load scenario" time="0">\n      <error message="${escapeXml(ie.errors[0] ?? 'bad input')}" type="input">${escapeXml(msg)}</error>\n    </testcase>\n  </testsuite>`,
    );
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="esp32sim" tests="${tests}" failures="${failures}" errors="${errors}" time="${secs(wall)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
