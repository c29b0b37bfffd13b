/**
 * Garbage collection while a script runs is safe: programs that keep objects
 * only in C frames (sorted/min/max keys, map/filter, join over generators,
 * __repr__/__hash__/__eq__ hooks, exceptions in flight, coroutines, deep
 * recursion, exec/import) print exactly the same with a collection forced at
 * every kernel call (the test hook gcEveryCall) as without. `_k.call(x)` in
 * these programs is a kernel call that answers x: each one is a safe point.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runPy } from './helpers';

const CORPUS = path.join(__dirname, 'gc-corpus');
const PRELUDE = [
  'import sys, _kern',
  'class _K:',
  '    @staticmethod',
  '    def call(x=0):',
  "        _kern.call('time.ticks_us')",
  '        return x',
  "sys.modules['_k'] = _K",
  '',
].join('\n');

async function output(source: string, gcEveryCall: boolean): Promise<string> {
  const r = await runPy(PRELUDE + source, { gcEveryCall, heapBytes: 512 * 1024, forUs: 3_600_000_000 });
  return `${r.out()}\n[${r.proc.state} ${r.proc.exitCode}]`;
}

describe('collections in the middle of a script change nothing', () => {
  for (const file of readdirSync(CORPUS).filter((f) => f.endsWith('.py')).sort()) {
    test(file, async () => {
      const source = readFileSync(path.join(CORPUS, file), 'utf8');
      const plain = await output(source, false);
      const collected = await output(source, true);
      expect(plain).not.toMatch(/VM error|Watchdog/);
      expect(collected).toBe(plain);
    }, 60_000);
  }
});
