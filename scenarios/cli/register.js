// Fast start-up for the `esp32sim` command: loads the project's TypeScript
// sources through a compile cache instead of ts-node.
//
// Each .ts file is transpiled once (typescript's transpileModule, the same
// transpile-only step ts-node does) and the JavaScript is kept under
// node_modules/.cache/esp32sim (or the OS temp folder), keyed by a hash of the
// source, the tsconfig and the TypeScript version. A warm start never loads
// the TypeScript compiler at all. Editing a file changes its hash, so there is
// nothing to invalidate by hand; a cache that cannot be written just means
// compiling in memory. Set ESP32SIM_TS_NODE=1 to use ts-node instead.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const ROOT = path.join(__dirname, '..', '..');
const CACHE_VERSION = '1';

function readTsconfig() {
  try {
    return fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8');
  } catch {
    return '{}';
  }
}

function compilerOptions(tsconfigText) {
  let opts = {};
  try {
    opts = JSON.parse(tsconfigText).compilerOptions || {};
  } catch {
    // tsconfig with comments: the defaults below are what the project uses.
  }
  return {
    target: opts.target || 'ES2022',
    module: 'commonjs',
    esModuleInterop: opts.esModuleInterop !== false,
    isolatedModules: true,
    resolveJsonModule: true,
    sourceMap: false,
    inlineSourceMap: true,
    inlineSources: false,
  };
}

function cacheDirs() {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'u';
  return [path.join(ROOT, 'node_modules', '.cache', 'esp32sim'), path.join(os.tmpdir(), `esp32sim-cache-${uid}`)];
}

function pickCacheDir(dirs) {
  for (const dir of dirs) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.accessSync(dir, fs.constants.W_OK);
      return dir;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

function tsVersion() {
  try {
    return require('typescript/package.json').version;
  } catch {
    return 'unknown';
  }
}

/** Installs the .ts loader. Returns false when ts-node should be used instead. */
function registerFast(opts) {
  const tsconfigText = readTsconfig();
  const salt = `${CACHE_VERSION}\0${tsVersion()}\0${tsconfigText}\0`;
  const dir = pickCacheDir(opts.cacheDir ? [opts.cacheDir] : cacheDirs());
  let ts; // the TypeScript compiler, loaded only on a cache miss
  let options;
  const compile = (source, filename) => {
    if (!ts) {
      ts = require('typescript');
      const o = compilerOptions(tsconfigText);
      options = {
        ...o,
        target: ts.ScriptTarget[Object.keys(ts.ScriptTarget).find((k) => k.toLowerCase() === String(o.target).toLowerCase())] ?? ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
      };
    }
    return ts.transpileModule(source, { compilerOptions: options, fileName: filename }).outputText;
  };
  const load = (module, filename) => {
    const source = fs.readFileSync(filename, 'utf8');
    const key = crypto.createHash('sha256').update(salt).update(filename).update('\0').update(source).digest('hex');
    const file = dir && path.join(dir, key.slice(0, 40) + '.js');
    let js;
    if (file) {
      try {
        js = fs.readFileSync(file, 'utf8');
      } catch {
        js = undefined;
      }
    }
    if (js === undefined) {
      js = compile(source, filename);
      if (file) {
        try {
          const tmp = `${file}.${process.pid}.tmp`;
          fs.writeFileSync(tmp, js);
          fs.renameSync(tmp, file); // atomic: parallel runs never read half a file
        } catch {
          // read-only install: compile in memory next time too
        }
      }
    }
    module._compile(js, filename);
  };
  require.extensions['.ts'] = load;
  // Stack traces point into the .ts sources (inline source maps).
  if (typeof process.setSourceMapsEnabled === 'function') process.setSourceMapsEnabled(true);
  return true;
}

/**
 * Makes `require('./x.ts')` work. Returns which loader is in use: 'cache' or 'ts-node'.
 * `opts.cacheDir` (tests) replaces the default cache folders.
 */
function register(opts = {}) {
  if (process.env.ESP32SIM_TS_NODE !== '1') {
    try {
      if (registerFast(opts)) return 'cache';
    } catch {
      // fall through to ts-node
    }
  }
  require('ts-node').register({ transpileOnly: true, project: path.join(ROOT, 'tsconfig.json') });
  return 'ts-node';
}

module.exports = { register, cacheDirs };
