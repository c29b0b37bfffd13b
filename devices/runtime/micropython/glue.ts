/**
 * The package's own emscripten glue (micropython.mjs, an ES module) as a
 * classic script for the sealed node:vm realm of each VM (worker.cjs): Node 20
 * runs vm.SourceTextModule only behind a flag, so the module syntax is
 * rewritten (import.meta.url ×4, two exports; the counts are checked) and
 * nothing else. Inside the realm the glue's Node branches never run (there is
 * no `process`), and its dynamic import() would reject anyway (the script has
 * no importModuleDynamically callback). Read once per process; the worker
 * compiles it once per thread.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const PKG = '@micropython/micropython-webassembly-pyscript';

/** Process-wide cache of an immutable input (the rewritten glue text). */
const cached: { source?: string } = {};

function replaceExactly(text: string, from: string, to: string, count: number): string {
  const parts = text.split(from);
  if (parts.length - 1 !== count) throw new Error(`${PKG}/micropython.mjs: expected ${count} × ${JSON.stringify(from)}, found ${parts.length - 1} (is it version 1.27.0?)`);
  return parts.join(to);
}

/** The glue as a script that defines `globalThis.__mpGlue` (an async function returning the module factory). */
export function glueSource(): string {
  if (cached.source === undefined) {
    const file = path.join(path.dirname(require.resolve(`${PKG}/package.json`)), 'micropython.mjs');
    let t = fs.readFileSync(file, 'utf8');
    t = replaceExactly(t, 'import.meta.url', '"file:///mpvm/micropython.mjs"', 4);
    t = replaceExactly(t, 'export default _createMicroPythonModule;', '', 1);
    t = replaceExactly(t, 'export async function loadMicroPython', 'async function loadMicroPython', 1);
    if (/\bimport\.meta\b/.test(t)) throw new Error(`${PKG}/micropython.mjs: import.meta left after the rewrite`);
    cached.source = `globalThis.__mpGlue = async function () {\n${t}\n;return _createMicroPythonModule;\n};\n`;
  }
  return cached.source;
}
