/**
 * A TypeScript device script's syntax, checked when the scenario loads (the
 * script would otherwise start and fail later, or worse, run half-parsed).
 * Only syntax: types are the script author's business (like ts-node's
 * transpile-only mode, which the runtime uses).
 */
export function typescriptSyntax(source: string, filename: string): { line: number; message: string }[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const out = ts.transpileModule(source, {
    fileName: filename,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  return (out.diagnostics ?? [])
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 1;
      return { line, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') };
    });
}
