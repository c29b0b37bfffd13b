/**
 * Loading a TypeScript device script (`export default async function (env: TsEnv)`)
 * from its .ts file. Under ts-node or a test runner that transforms TypeScript
 * (jest with ts-jest), `require` already takes .ts files. The compiled package
 * has no such hook, so the first .ts script installs one: each file is
 * transpiled (TypeScript's transpileModule, no type check) when it is loaded.
 * The compiler is loaded only then, so a run without .ts scripts never pays
 * for it, and it is the user's own `typescript` package (an optional peer
 * dependency): a clear error says so when it is missing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

type Loader = (module: { _compile(code: string, filename: string): void }, filename: string) => void;
interface Ts {
  transpileModule(src: string, o: { compilerOptions: object; fileName: string }): { outputText: string };
  ModuleKind: { CommonJS: number };
  ScriptTarget: { ES2022: number };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const extensions = (require('node:module') as { _extensions: Record<string, Loader | undefined> })._extensions;

export class TypeScriptMissingError extends Error {}

/** Loads `typescript` from the script's folder first (the user's project), then from here. */
function loadCompiler(filename: string): Ts {
  for (const from of [filename, __filename]) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(require.resolve('typescript', { paths: [path.dirname(from)] })) as Ts;
    } catch {
      // next
    }
  }
  throw new TypeScriptMissingError(
    `${filename}: a TypeScript device script needs the \`typescript\` package: npm install --save-dev typescript`,
  );
}

/** Makes `require('x.ts')` work in this process, unless something already handles .ts. */
export function ensureTypeScriptLoader(): void {
  if (extensions['.ts']) return;
  let ts: Ts | undefined;
  extensions['.ts'] = (module, filename) => {
    ts ??= loadCompiler(filename);
    const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true };
    const source = fs.readFileSync(filename, 'utf8');
    module._compile(ts.transpileModule(source, { compilerOptions, fileName: filename }).outputText, filename);
  };
}
