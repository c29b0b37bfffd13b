// V8 code cache for the command's start-up. Starting `esp32sim` loads ~300
// CommonJS files (dist/ and the dependencies); compiling them is a third of the
// time before the first timeline line. V8 can hand back the bytecode it made
// for a script and take it again next time; this keeps it per file, keyed by a
// hash of the file's path, size, inode and modification time (hashing the
// content of the 2.6 MB bundle, dist/cli.js, would cost ~20 ms a start; the
// build rewrites the files it changes), under node_modules/.cache/esp32sim/
// (the OS temp folder when that is not writable). The build fills it
// (scenarios/cli/build.js), so the first run after `npm install` in a clone
// starts warm; an installed package fills it on its first run.
//
// Node >= 22.1 does this itself (module.enableCompileCache), and is used when
// present. It never changes what runs: V8 rejects data that does not fit the
// source or its own version and flags, and the file is then compiled as usual.
// ESP32SIM_COMPILE_CACHE=0 turns it off; =<dir> puts it in <dir>.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const vm = require('node:vm');
const Module = require('node:module');

const PKG_ROOT = path.resolve(__dirname, '..', '..');

/** Where the cache goes: the nearest node_modules/.cache, else the temp folder. */
function cacheDirs() {
  const env = process.env.ESP32SIM_COMPILE_CACHE;
  if (env && env !== '0' && env !== '1') return [env];
  const parts = PKG_ROOT.split(path.sep);
  const nm = parts.lastIndexOf('node_modules');
  const modules = nm >= 0 ? parts.slice(0, nm + 1).join(path.sep) : path.join(PKG_ROOT, 'node_modules');
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'u';
  const v = `v8-${process.versions.v8}`;
  return [path.join(modules, '.cache', 'esp32sim', v), path.join(os.tmpdir(), `esp32sim-cache-${uid}`, v)];
}

function writableDir(dirs) {
  for (const dir of dirs) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.accessSync(dir, fs.constants.W_OK);
      return dir;
    } catch {
      // next
    }
  }
  return undefined;
}

/** The `require` Node gives a module (lib/internal/modules/helpers.js makeRequireFunction). */
function makeRequire(mod) {
  const require = (id) => mod.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

function hookCommonJs(dir) {
  const compile = Module.prototype._compile;
  const made = [];
  const ours = (f) => f.startsWith(PKG_ROOT + path.sep) || f.includes(`${path.sep}node_modules${path.sep}`);
  Module.prototype._compile = function (content, filename) {
    if (!ours(filename) || !/\.c?js$/.test(filename)) return compile.call(this, content, filename);
    let id;
    try {
      const st = fs.statSync(filename);
      id = `${st.size}\0${st.ino}\0${st.mtimeMs}\0${content.length}`;
    } catch {
      return compile.call(this, content, filename);
    }
    const key = crypto.createHash('sha1').update(filename).update('\0').update(id).digest('hex');
    const file = path.join(dir, `${key}.bin`);
    let cachedData;
    try {
      cachedData = fs.readFileSync(file);
    } catch {
      cachedData = undefined;
    }
    const source = content.startsWith('#!') ? '//' + content.slice(2) : content;
    const script = new vm.Script(Module.wrap(source), {
      filename,
      cachedData,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (!cachedData || script.cachedDataRejected) made.push({ script, file });
    const fn = script.runInThisContext({ displayErrors: true });
    return fn.call(this.exports, this.exports, makeRequire(this), this, filename, path.dirname(filename));
  };
  // At exit the scripts hold the bytecode of every function that ran, not only their top level.
  process.on('exit', () => {
    for (const { script, file } of made) {
      try {
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, file); // parallel runs never read half a file
      } catch {
        // read-only or full: compile again next time
      }
    }
  });
}

/** Turns the cache on for this process; returns where it is kept ('' when off). */
function enable() {
  if (process.env.ESP32SIM_COMPILE_CACHE === '0') return '';
  const dir = writableDir(cacheDirs());
  if (!dir) return '';
  if (typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache(dir);
    return dir;
  }
  if (!vm.constants || !vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER) return '';
  hookCommonJs(dir);
  return dir;
}

module.exports = { enable, cacheDirs };
