// jest globalSetup: brings dist/ up to date once, before any test runs. Tests that start
// the command (bin.js) would otherwise each find edited sources, rebuild dist/ on their own,
// race one another and print the build's notice into output they compare.
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = function buildDist() {
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'scenarios', 'cli', 'build.js')], { stdio: ['ignore', 'ignore', 'inherit'] });
};
