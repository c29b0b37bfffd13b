#!/usr/bin/env node
// The package's `esp32sim` command: runs the compiled command line, bundled in
// one file (dist/cli.js, built by `npm install` / `npm run build` from
// dist/scenarios/cli/start.js, which it falls back to; nothing is transpiled at
// start-up). Contract: main(argv) → exit code.
//
// Start-up, in order: for commands that run scripts, two worker threads for
// MicroPython VMs start (Node's bootstrap of a thread, ~30-40 ms of CPU, runs
// on the other core while this one loads the command); the V8 code cache
// (./compile-cache.js); the command's file is loaded (its modules are
// evaluated when first used) and the two VMs start booting in those threads
// (pooled and fresh VMs run the same code: nothing about a run changes);
// meanwhile, in a source checkout, libuv's threads check whether a source file
// is newer than dist/ (file times only): if one is, dist/ is rebuilt and the
// new command loaded instead.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const DIST = path.join(__dirname, '..', '..', 'dist');
const argv = process.argv.slice(2);
/** Commands that run MicroPython scripts (and so want booted VMs at once), not their --help. */
const runsScripts = ['run', 'demo', 'replay', 'ui'].includes(argv[0]) && !argv.includes('--help') && !argv.includes('-h');
const EARLY_THREADS = path.join(DIST, 'devices', 'runtime', 'micropython', 'worker-start.js');

if (runsScripts && fs.existsSync(EARLY_THREADS)) require(EARLY_THREADS).prestartVmThreads(2);
require('./compile-cache').enable();

/** The command's file: the bundle, else the compiled entry it is made from. */
function load() {
  const bundle = path.join(DIST, 'cli.js');
  const entry = fs.existsSync(bundle) ? bundle : path.join(DIST, 'scenarios', 'cli', 'start.js');
  return { entry, cli: require(entry) };
}

/** In a source checkout: rebuilds dist/ if a source changed; true when the loaded command is now old. */
async function rebuilt(stale) {
  if (!(await stale)) return false;
  process.stderr.write('esp32sim: sources changed since the last build: building dist/ (npm run build)\n');
  try {
    require('./build').build();
  } catch (e) {
    process.stderr.write(`esp32sim: the build failed: ${e && e.message}\n`);
    process.exit(1);
  }
  // Only the command's top level and prewarm ran (its modules are evaluated on first use): load
  // the new one, which boots VMs of its own (the old ones, in threads of the old worker script,
  // are never claimed and end with the process).
  for (const f of Object.keys(require.cache)) if (f.startsWith(DIST + path.sep)) delete require.cache[f];
  return true;
}

const stale = fs.existsSync(path.join(__dirname, 'main.ts')) ? require('./build').isStale() : false;
let loaded = load();
if (runsScripts) loaded.cli.prewarm(argv[0]);
rebuilt(stale)
  .then((again) => {
    if (again) {
      loaded = load();
      if (runsScripts) loaded.cli.prewarm(argv[0]);
    }
    return loaded.cli.main(argv, loaded.entry);
  })
  .then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(String((e && e.stack) || e) + '\n');
      process.exit(1);
    },
  );
