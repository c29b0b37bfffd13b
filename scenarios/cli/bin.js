#!/usr/bin/env node
// The package's `esp32sim` command. The TypeScript sources are loaded through a
// compile cache (./register.js: transpiled once, then plain JavaScript on every
// later start), falling back to ts-node.
'use strict';
require('./register').register();
require('./main.ts')
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(String((e && e.stack) || e) + '\n');
      process.exit(1);
    },
  );
