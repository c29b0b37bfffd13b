#!/usr/bin/env node
// The package's `esp32sim` command: TypeScript sources run through ts-node (transpile only).
'use strict';
const path = require('node:path');
require('ts-node').register({ transpileOnly: true, project: path.join(__dirname, '..', '..', 'tsconfig.json') });
require('./main.ts')
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(String((e && e.stack) || e) + '\n');
      process.exit(1);
    },
  );
