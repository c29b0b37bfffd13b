#!/usr/bin/env node
// The package's `esp32sim` command: runs the compiled command line, bundled in
// one file (dist/cli.js, built by `npm install` / `npm run build` from
// dist/scenarios/cli/start.js, which it falls back to; nothing is transpiled at
// start-up). Contract: main(argv) → exit code.
//
// Start-up, in order: the V8 code cache (./compile-cache.js); in a source
// checkout, a rebuild of dist/ if a source file is newer than it (file times
// only, ~3 ms); for commands that run scripts, two MicroPython VMs start
// booting in worker threads, on the other core while this one loads the
// command (pooled and fresh VMs run the same code: nothing about a run changes).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const DIST = path.join(__dirname, '..', '..', 'dist');
const argv = process.argv.slice(2);

require('./compile-cache').enable();

if (fs.existsSync(path.join(__dirname, 'main.ts'))) {
  const build = require('./build');
  if (build.isStale()) {
    process.stderr.write('esp32sim: sources changed since the last build: building dist/ (npm run build)\n');
    try {
      build.build();
    } catch (e) {
      process.stderr.write(`esp32sim: the build failed: ${e && e.message}\n`);
      process.exit(1);
    }
  }
}

const bundle = path.join(DIST, 'cli.js');
const entry = fs.existsSync(bundle) ? bundle : path.join(DIST, 'scenarios', 'cli', 'start.js');
const cli = require(entry);
cli.prewarm(argv);
cli
  .main(argv, entry)
  .then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(String((e && e.stack) || e) + '\n');
      process.exit(1);
    },
  );
