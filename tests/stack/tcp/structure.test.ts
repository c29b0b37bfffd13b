/**
 * The TCP core's shape: no import cycle among its modules (type imports
 * included), and no list of states at a call site (a state predicate from
 * states.ts instead; the machine's tags define them).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../paths';

const DIR = join(REPO_ROOT, 'stack', 'tcp');
const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
const source = (f: string) => readFileSync(join(DIR, f), 'utf8');

/** Modules of stack/tcp each file imports (`import` or `export ... from`, types too). */
function imports(f: string): string[] {
  const out: string[] = [];
  for (const m of source(f).matchAll(/(?:import|export)[^'"]*?from\s+'\.\/([^']+)'/g)) out.push(`${m[1]}.ts`);
  return out.filter((x) => files.includes(x));
}

test('stack/tcp has no import cycle', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    path.push(f);
    for (const g of imports(f)) {
      if (state.get(g) === 'open') cycles.push([...path.slice(path.indexOf(g)), g].join(' → '));
      else if (!state.has(g)) visit(g);
    }
    path.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  expect(cycles).toEqual([]);
});

test('no call site outside the machine lists states (use a predicate from states.ts)', () => {
  const lists: string[] = [];
  for (const f of files) {
    if (f === 'machine.ts') continue;
    source(f)
      .split('\n')
      .forEach((line, i) => {
        const n = line.match(/\b(?:state|st)\s*[!=]==?\s*'[A-Z-]+'/g)?.length ?? 0;
        if (n > 1) lists.push(`${f}:${i + 1}: ${line.trim()}`);
      });
  }
  expect(lists).toEqual([]);
});
