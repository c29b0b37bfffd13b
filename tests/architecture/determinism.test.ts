/**
 * Principle 2 as a test: simulated code never reads wall time or global
 * randomness. A line may opt out only with a `wall-clock-ok: <reason>` comment
 * (the MicroPython watchdog, which is wall-clock by definition).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import { REPO_ROOT as ROOT } from '../paths';
const DIRS = ['sim', 'stack', 'devices'];
const FORBIDDEN: [RegExp, string][] = [
  [/\bDate\.now\s*\(/, 'Date.now'],
  [/\bnew Date\s*\(/, 'new Date'],
  [/\bMath\.random\s*\(/, 'Math.random'],
  [/(^|[^.\w])setTimeout\s*\(/, 'setTimeout'],
  [/(^|[^.\w])setInterval\s*\(/, 'setInterval'],
  [/(^|[^.\w])setImmediate\s*\(/, 'setImmediate'],
  [/\bperformance\.now\s*\(/, 'performance.now'],
  [/\bprocess\.hrtime\b/, 'process.hrtime'],
];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|mjs|js|py)$/.test(name)) out.push(p);
  }
  return out;
}

test('simulated code never uses wall time or Math.random', () => {
  const offences: string[] = [];
  for (const d of DIRS) {
    for (const file of sources(join(ROOT, d))) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (line.includes('wall-clock-ok')) return;
          const code = line.replace(/\/\/.*$/, '');
          for (const [re, what] of FORBIDDEN) {
            if (re.test(code)) offences.push(`${relative(ROOT, file)}:${i + 1}: ${what}`);
          }
        });
    }
  }
  expect(offences).toEqual([]);
});
