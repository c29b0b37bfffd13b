/**
 * The layers point one way: scenarios → devices → stack → sim. A file may
 * import from its own layer or any layer below it, never above. Inside
 * devices/, the library API (devices/simulation/) sits on top: nothing else in
 * devices/ imports it. Also: no source file grows past 500 lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../paths';

const LAYERS = ['sim', 'stack', 'devices', 'scenarios'];
const MAX_LINES = 500;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|mjs|js)$/.test(name)) out.push(p);
  }
  return out;
}

/** Relative module specifiers a file imports (import/export from, import(), require()). */
function imports(text: string): string[] {
  const out: string[] = [];
  const re = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|^import\s+)(['"])(\.{1,2}(?:\/[^'"]*)?)\1/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[2]);
  return out;
}

function layerOf(file: string): number {
  return LAYERS.indexOf(relative(REPO_ROOT, file).split('/')[0]);
}

const files = LAYERS.flatMap((l) => sources(join(REPO_ROOT, l)));

test('no layer imports a layer above it', () => {
  const offences: string[] = [];
  for (const file of files) {
    const own = layerOf(file);
    for (const spec of imports(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), spec);
      const to = layerOf(target);
      if (to > own) offences.push(`${relative(REPO_ROOT, file)} imports ${relative(REPO_ROOT, target)} (${LAYERS[own]} → ${LAYERS[to]})`);
      const inDevices = relative(join(REPO_ROOT, 'devices'), file);
      const targetInApi = relative(join(REPO_ROOT, 'devices', 'simulation'), target);
      if (own === 2 && !inDevices.startsWith('simulation') && !targetInApi.startsWith('..')) {
        offences.push(`${relative(REPO_ROOT, file)} imports the library API ${relative(REPO_ROOT, target)}`);
      }
    }
  }
  expect(offences).toEqual([]);
});

test('the direction test sees an upward import', () => {
  // A check of the check: a line like the ones the stack once had must be caught.
  expect(imports("import type { Nic } from '../../devices/nic';")).toEqual(['../../devices/nic']);
  expect(layerOf(resolve(REPO_ROOT, 'stack/ipv4', '../../devices/nic'))).toBeGreaterThan(layerOf(join(REPO_ROOT, 'stack/ipv4/layer.ts')));
});

test(`no source file is longer than ${MAX_LINES} lines`, () => {
  const long = files
    .map((f) => ({ f: relative(REPO_ROOT, f), n: readFileSync(f, 'utf8').split('\n').length }))
    .filter((x) => x.n > MAX_LINES)
    .map((x) => `${x.f}: ${x.n} lines`);
  expect(long).toEqual([]);
});
