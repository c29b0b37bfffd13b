#!/usr/bin/env node
// The package's `esp32sim` command: runs the compiled command line, bundled in
// one file (dist/cli.js, built by `npm install` / `npm run build` from
// dist/scenarios/cli/start.js, which it falls back to; nothing is transpiled at
// start-up). Contract: main(argv) → exit code.
//
// Start-up, in order: the V8 code cache (./compile-cache.js); the command's
// file is loaded (its modules are evaluated when first used), meanwhile, in a
// source checkout, libuv's threads check whether a source file is newer than
// dist/ (file times only): if one is, dist/ is rebuilt and the new command
// loaded instead; for commands that run scripts, two MicroPython VMs start
// booting in worker threads, on the other core while this one loads the
// command (pooled and fresh VMs run the same code: nothing about a run changes).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const DIST = path.join(__dirname, '..', '..', 'dist');
const argv = process.argv.slice(2);

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
  // Only the command's top level ran (its modules are evaluated on first use): load the new one.
  for (const f of Object.keys(require.cache)) if (f.startsWith(DIST + path.sep)) delete require.cache[f];
  return true;
}

const stale = fs.existsSync(path.join(__dirname, 'main.ts')) ? require('./build').isStale() : false;
let loaded = load();
rebuilt(stale)
  .then((again) => {
    if (again) loaded = load();
    loaded.cli.prewarm(argv);
    return loaded.cli.main(argv, loaded.entry);
  })
  .then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(String((e && e.stack) || e) + '\n');
      process.exit(1);
    },
  );
