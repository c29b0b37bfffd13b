#!/usr/bin/env node
// Builds the npm package into dist/: the TypeScript sources reachable from the
// package entry (scenarios/index.ts) and the command (scenarios/cli/main.ts)
// compiled to CommonJS with .d.ts types, laid out as the source tree
// (dist/scenarios/index.js, dist/devices/..., ...), plus the files the
// compiled code reads beside itself: the MicroPython worker and its Python
// modules, and the page of `esp32sim ui` (scenarios/ui/page/, TypeScript
// type-checked, then bundled with esbuild into dist/scenarios/ui/page/ with
// xterm.js and the styles: the page needs nothing from the network). The
// command (bin.js) loads one file instead of ~400: dist/cli.js, the command
// and everything it uses (the dependencies too) bundled by esbuild from the
// compiled files, each module still evaluated on first use.
//
// Run by npm's `prepare` lifecycle (npm install / npm ci in a clone, npm pack,
// npm publish) and by `npm run build`. The build is skipped when dist/ was
// built from exactly the current inputs (a hash of every source file, the
// tsconfig, this script and the TypeScript version, kept in dist/.build-hash),
// so `npm pack` right after `npm install` costs nothing. Type errors fail it.
//   node scenarios/cli/build.js [--force]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'dist');
const STAMP = path.join(OUT, '.build-hash');
/** Source folders: everything the build can read from (less the labs and examples, which it never reads). */
const SOURCE_DIRS = ['sim', 'stack', 'devices', 'scenarios'];
const NOT_INPUTS = ['scenarios/labs', 'scenarios/examples'].map((d) => path.join(ROOT, d));
const ENTRIES = ['scenarios/index.ts', 'scenarios/cli/main.ts', 'scenarios/cli/start.ts'];
/** The command in one file (bin.js falls back to dist/scenarios/cli/start.js without it). */
const BUNDLE = path.join(OUT, 'cli.js');
/**
 * Files copied as they are next to the compiled code that finds them by __dirname. (The
 * bundled labs are not copied: the package ships scenarios/labs/ itself, see runner/targets.ts.)
 */
const ASSETS = [
  'devices/runtime/micropython/worker.cjs',
  'devices/runtime/micropython/sandbox',
  'devices/runtime/micropython/py',
  'devices/runtime/typescript/worker.js',
  'devices/runtime/typescript/ts-hook.js',
];

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!NOT_INPUTS.includes(p)) walk(p, out);
    } else if (e.isFile()) out.push(p);
  }
  return out;
}

function tsVersion() {
  return require('typescript/package.json').version;
}

/** Versions of what the page's bundle is made of (missing: the page is not built, see bundlePage). */
function pageToolVersions() {
  return ['esbuild', '@xterm/xterm'].map((p) => {
    try {
      return `${p}@${require(`${p}/package.json`).version}`;
    } catch {
      return `${p}@none`;
    }
  });
}

/** Hash of every input of the build (file names and contents). */
function inputHash() {
  const h = require('node:crypto').createHash('sha256');
  const files = [path.join(ROOT, 'tsconfig.json'), __filename];
  for (const d of SOURCE_DIRS) files.push(...walk(path.join(ROOT, d)).sort());
  for (const f of files) h.update(path.relative(ROOT, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  h.update(tsVersion());
  for (const v of pageToolVersions()) h.update('\0').update(v);
  return h.digest('hex');
}

function isFresh(hash) {
  try {
    return fs.readFileSync(STAMP, 'utf8').trim() === hash;
  } catch {
    return false;
  }
}

function compile() {
  const ts = require('typescript');
  const configFile = path.join(ROOT, 'tsconfig.json');
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, undefined, configFile);
  const options = {
    ...parsed.options,
    noEmit: false,
    outDir: OUT,
    rootDir: ROOT,
    declaration: true,
    sourceMap: false,
    declarationMap: false,
    removeComments: false,
    types: ['node'],
  };
  const program = ts.createProgram({ rootNames: ENTRIES.map((e) => path.join(ROOT, e)), options });
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (diagnostics.length) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
    process.stderr.write(ts.formatDiagnostics(diagnostics, host));
    throw new Error(`build: ${diagnostics.length} TypeScript error(s)`);
  }
  const outside = program
    .getSourceFiles()
    .map((f) => path.relative(ROOT, f.fileName))
    .filter((f) => !f.startsWith('node_modules') && !f.startsWith('..') && !SOURCE_DIRS.includes(f.split(path.sep)[0]));
  if (outside.length) throw new Error(`build: the package would include ${outside.join(', ')}`);
}

const PAGE_SRC = path.join(ROOT, 'scenarios', 'ui', 'page');
const PAGE_OUT = path.join(OUT, 'scenarios', 'ui', 'page');

/** TypeScript diagnostics of a tsconfig project, formatted; empty when it type-checks. */
function typeCheck(configFile) {
  const ts = require('typescript');
  const read = ts.readConfigFile(configFile, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(configFile), undefined, configFile);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: { ...parsed.options, noEmit: true } });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
  return diagnostics.length ? ts.formatDiagnostics(diagnostics, host) : '';
}

/**
 * The page of `esp32sim ui`: type-checked (its own tsconfig: the DOM), bundled with esbuild
 * (xterm.js and the CSS included) into dist/scenarios/ui/page/{index.html,app.js,app.css}.
 * Without esbuild (an install without dev dependencies) the rest is built and `esp32sim ui` says so.
 */
function bundlePage(outDir = PAGE_OUT) {
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    process.stderr.write('esp32sim: esbuild is not installed: the page of `esp32sim ui` is not built (npm install with dev dependencies builds it)\n');
    return;
  }
  const errors = typeCheck(path.join(PAGE_SRC, 'tsconfig.json'));
  if (errors) {
    process.stderr.write(errors);
    throw new Error('build: the page (scenarios/ui/page) has TypeScript errors');
  }
  fs.mkdirSync(outDir, { recursive: true });
  esbuild.buildSync({
    entryPoints: [path.join(PAGE_SRC, 'main.ts')],
    outfile: path.join(outDir, 'app.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    logLevel: 'error',
    legalComments: 'eof',
  });
  fs.copyFileSync(path.join(PAGE_SRC, 'index.html'), path.join(outDir, 'index.html'));
}

function copyAssets() {
  for (const a of ASSETS) fs.cpSync(path.join(ROOT, a), path.join(OUT, a), { recursive: true });
}

/**
 * The MicroPython VM the package ships: the VM package's micropython.wasm patched for a real GC and a
 * fixed heap (devices/runtime/micropython/wasm.ts; made once, then kept in node_modules/.cache).
 */
function shipPatchedWasm() {
  const dir = path.join(OUT, 'devices', 'runtime', 'micropython');
  const wasm = require(path.join(dir, 'wasm.js'));
  fs.copyFileSync(wasm.patchedWasmFile(), path.join(dir, wasm.PATCHED_NAME));
}

/**
 * dist/cli.js: the compiled command (scenarios/cli/start.js) and what it requires, dependencies
 * included, in one CommonJS file: loading it costs one read and one compile (or code-cache hit)
 * instead of ~400 module lookups. Each module keeps finding its files beside its place in dist/
 * (`__dirname` is rewritten to that folder), so the worker scripts, Python modules and the VM's
 * wasm stay where the library's compiled files find them. `typescript` (an optional peer) stays
 * outside, required only when a scenario has TypeScript. Measured on the echo lab: a start takes ~25%
 * less CPU than loading the same compiled files one by one, ~12% less than a bundle of our own code only.
 */
async function bundleCliNow() {
  const esbuild = require('esbuild');
  const dirnameOf = {
    name: 'module-dirname',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        let contents = fs.readFileSync(args.path, 'utf8');
        if (args.path.startsWith(OUT + path.sep) && /\b__(dirname|filename)\b/.test(contents)) {
          const dir = JSON.stringify(path.relative(OUT, path.dirname(args.path)).split(path.sep).join('/'));
          const file = JSON.stringify(path.relative(OUT, args.path).split(path.sep).join('/'));
          contents = contents
            .replace(/\b__dirname\b/g, `require("node:path").join(__dirname, ${dir})`)
            .replace(/\b__filename\b/g, `require("node:path").join(__dirname, ${file})`);
        }
        return { contents, loader: 'js' };
      });
    },
  };
  // zod's core requires every one of its ~50 message locales when it loads (z.locales); the
  // command uses English only (zod's default, set by zod itself from locales/en), so the bundle
  // takes that one: ~300 KB less to load and to keep in the code cache.
  const zodEnglishOnly = {
    name: 'zod-english-only',
    setup(b) {
      b.onResolve({ filter: /^\.\.\/locales\/index\.c?js$/ }, (args) => {
        if (!/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)) return undefined;
        return { path: path.join(path.dirname(args.importer), '..', 'locales', 'index.cjs'), namespace: 'zod-locales' };
      });
      b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
        contents: `"use strict";\nexports.en = require(${JSON.stringify(path.join(path.dirname(args.path), 'en.cjs'))}).default;\n`,
        loader: 'js',
        resolveDir: path.dirname(args.path),
      }));
    },
  };
  // The VM threads bin.js starts before it loads the bundle (worker-start.js) must be the ones the
  // bundle's VM code takes: the bundle requires that file from dist/ instead of holding a copy.
  const earlyThreads = {
    name: 'early-vm-threads',
    setup(b) {
      b.onResolve({ filter: /[\\/]worker-start(\.js)?$/ }, (args) => {
        const file = path.join(args.resolveDir, args.path.endsWith('.js') ? args.path : `${args.path}.js`);
        if (file !== path.join(OUT, 'devices', 'runtime', 'micropython', 'worker-start.js')) return undefined;
        return { path: `./${path.relative(OUT, file).split(path.sep).join('/')}`, external: true };
      });
    },
  };
  const r = await esbuild.build({
    entryPoints: [path.join(OUT, 'scenarios', 'cli', 'start.js')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['typescript'],
    plugins: [dirnameOf, zodEnglishOnly, earlyThreads],
    // Whitespace and syntax minified, the names left as they are (stack traces keep them): the
    // package's tarball stays small. Not keepNames with minified names: it names every function and
    // class as it is defined (Object.defineProperty on each), ~10 ms of a start's CPU spent evaluating
    // the bundle's modules before the echo lab's first line.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'silent',
    legalComments: 'eof',
  });
  const problems = r.warnings.map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`);
  if (problems.length) throw new Error(`build: bundling the command:\n  ${problems.join('\n  ')}`);
}

/** bundleCliNow() in a child process (esbuild's plugins need its asynchronous API; build() is synchronous). */
function bundleCli() {
  const r = require('node:child_process').spawnSync(process.execPath, [__filename, '--bundle-cli'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error((r.stderr || r.error?.message || `build: bundling the command failed (exit ${r.status})`).trim());
}

/** Every relative require() in the compiled code names a file that is in dist/. */
function checkRequires() {
  const missing = [];
  for (const f of walk(OUT).filter((f) => f.endsWith('.js'))) {
    const re = /require\((["'])(\.{1,2}\/[^"']*)\1\)/g;
    const text = fs.readFileSync(f, 'utf8');
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const base = path.resolve(path.dirname(f), m[2]);
      if (![base, `${base}.js`, path.join(base, 'index.js')].some((p) => fs.existsSync(p) && fs.statSync(p).isFile())) {
        missing.push(`${path.relative(ROOT, f)}: ${m[2]}`);
      }
    }
  }
  if (missing.length) throw new Error(`build: compiled code requires files that were not built:\n  ${missing.join('\n  ')}`);
}

/**
 * Fills the command's V8 code cache (./compile-cache.js) by running the command once in a child
 * process (the echo lab, output thrown away): the cache then holds the bytecode of every function a
 * run uses, so the first `esp32sim` run after `npm install` compiles nothing. The same run keeps the
 * snapshots of its booted VMs (devices/runtime/micropython/disk-snapshot.ts; the old build's are
 * dropped first), so that first run restores its VMs instead of booting them. The library is loaded
 * too. Best effort: never fails the build.
 */
function primeCompileCache() {
  const cache = path.join(ROOT, 'node_modules', '.cache', 'esp32sim');
  // Old builds' code-cache entries (the patched MicroPython VM beside them stays: it depends on the VM package only).
  for (const e of fs.existsSync(cache) ? fs.readdirSync(cache) : []) {
    if (e.startsWith('v8-') || e === 'vm-snapshots') fs.rmSync(path.join(cache, e), { recursive: true, force: true });
  }
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.ESP32SIM_COMPILE_CACHE;
  delete env.ESP32SIM_VM_SNAPSHOT;
  const run = (args) => require('node:child_process').spawnSync(process.execPath, args, { stdio: 'ignore', timeout: 60_000, env, cwd: ROOT });
  run([path.join(__dirname, 'bin.js'), 'run', path.join(ROOT, 'scenarios', 'labs', 'echo'), '--quiet']);
  const lib = ['scenarios/index.js', 'devices/simulation/simulation.js'];
  run(['-e', `require(${JSON.stringify(require.resolve('./compile-cache'))}).enable();` + lib.map((f) => `require(${JSON.stringify(path.join(OUT, f))});`).join('')]);
}

/** Builds dist/ unless it is up to date (or `force`); true when it built. */
function build({ force = false } = {}) {
  const hash = inputHash();
  if (!force && isFresh(hash)) {
    const now = new Date();
    fs.utimesSync(STAMP, now, now); // sources touched but unchanged: not stale for isStale()
    return false;
  }
  fs.rmSync(OUT, { recursive: true, force: true });
  compile();
  bundlePage();
  copyAssets();
  checkRequires();
  bundleCli();
  shipPatchedWasm();
  fs.writeFileSync(STAMP, hash + '\n');
  primeCompileCache();
  return true;
}

/**
 * Cheap check for a source checkout (file times only, no hashing): is any source
 * file newer than the last build, or is there no build? Resolves to the answer:
 * the ~300 stats run on libuv's threads, side by side (one by one they took 20-30 ms
 * on a file system with slow calls), while bin.js goes on loading the command. With
 * callbacks, not fs.promises: the main thread's share is ~12 ms of CPU instead of ~20
 * (a promise and its reactions per call). A file or folder that cannot be read counts
 * as a change (the build then looks at the contents).
 */
function isStale() {
  return new Promise((resolve) => {
    let pending = 0;
    let answered = false;
    const answer = (stale) => {
      if (answered) return;
      if (stale) {
        answered = true;
        resolve(true);
      } else if (--pending === 0) {
        answered = true;
        resolve(false);
      }
    };
    const visit = (p, built, isDir) => {
      pending++;
      if (!isDir) {
        fs.stat(p, (err, st) => answer(!!err || st.mtimeMs > built));
        return;
      }
      fs.readdir(p, { withFileTypes: true }, (err, entries) => {
        if (err) return answer(true);
        for (const e of entries) {
          const q = path.join(p, e.name);
          if (e.isDirectory()) {
            if (!NOT_INPUTS.includes(q)) visit(q, built, true);
          } else visit(q, built, false);
        }
        answer(false);
      });
    };
    fs.stat(STAMP, (err, st) => {
      if (err) return resolve(true);
      pending++;
      for (const d of SOURCE_DIRS) visit(path.join(ROOT, d), st.mtimeMs, true);
      visit(path.join(ROOT, 'tsconfig.json'), st.mtimeMs, false);
      answer(false);
    });
  });
}

module.exports = { build, isStale, bundlePage };

if (require.main === module && process.argv[2] === '--bundle-cli') {
  bundleCliNow().then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`${(e && e.message) || e}\n`);
      process.exit(1);
    },
  );
} else if (require.main === module) {
  const args = process.argv.slice(2);
  try {
    const t0 = process.hrtime.bigint();
    const built = build({ force: args.includes('--force') });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    process.stderr.write(built ? `esp32sim: built dist/ in ${(ms / 1000).toFixed(1)} s\n` : 'esp32sim: dist/ is up to date\n');
  } catch (e) {
    process.stderr.write(`${e && e.message ? e.message : e}\n`);
    process.exit(1);
  }
}
