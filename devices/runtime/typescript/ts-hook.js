// Makes require('x.ts') work in this thread, unless something already handles .ts (ts-node, jest):
// each file is transpiled when it is loaded (TypeScript's transpileModule, no type check), with the
// user's own `typescript` package (an optional peer dependency) found from the script's folder first.
// Plain CommonJS: the main process (../ts-loader.ts) and the script worker (./worker.js) both use it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

class TypeScriptMissingError extends Error {}

function loadCompiler(filename) {
  for (const from of [filename, __filename]) {
    try {
      return require(require.resolve('typescript', { paths: [path.dirname(from)] }));
    } catch {
      // next
    }
  }
  throw new TypeScriptMissingError(`${filename}: a TypeScript device script needs the \`typescript\` package: npm install --save-dev typescript`);
}

function install() {
  const ext = Module._extensions;
  if (ext['.ts']) return;
  let ts;
  ext['.ts'] = (module, filename) => {
    ts ??= loadCompiler(filename);
    const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true };
    const source = fs.readFileSync(filename, 'utf8');
    module._compile(ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText, filename);
  };
}

module.exports = { install, TypeScriptMissingError };
