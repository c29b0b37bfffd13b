/**
 * The README's examples, executed: its scenario is scenarios/examples/readme
 * (the block must match the file, and the lab must pass), every
 * `npx esp32sim ...` command of its shell blocks runs through the command line
 * (in a scratch folder that sees the repository's scenarios/), and the
 * TypeScript device script runs against the example's server.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main, type Io } from '../../scenarios/cli/main';
import { resolveUiTarget } from '../../scenarios/cli/ui';
import { REPO_ROOT } from '../paths';

const README = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const EXAMPLE = path.join(REPO_ROOT, 'scenarios', 'examples', 'readme');

function blocks(lang: string): string[] {
  return [...README.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

/** A shell line into argv: quotes, a trailing # comment, && between commands. */
export function shellWords(line: string): string[][] {
  const cmds: string[][] = [[]];
  let cur = '';
  let quote: string | undefined;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (ch === '#' && !has && cur === '') break;
    else if (ch === ' ') {
      if (cur || has) cmds[cmds.length - 1].push(cur);
      cur = '';
      has = false;
    } else if (ch === '&' && line[i + 1] === '&') {
      if (cur || has) cmds[cmds.length - 1].push(cur);
      cur = '';
      has = false;
      cmds.push([]);
      i++;
    } else cur += ch;
  }
  if (cur || has) cmds[cmds.length - 1].push(cur);
  return cmds.filter((c) => c.length);
}

const COMMANDS = blocks('sh')
  .flatMap((b) => b.split('\n'))
  .flatMap((l) => shellWords(l.trim()))
  .filter((w) => w[0] === 'npx' && w[1] === 'esp32sim')
  .map((w) => w.slice(2));
/** `ui` serves until Ctrl-C: tests/scenarios/ui runs it (in a browser too); here its lab is checked to open. */
const UI_COMMANDS = COMMANDS.filter((c) => c[0] === 'ui');
const BATCH_COMMANDS = COMMANDS.filter((c) => c[0] !== 'ui');

let cwd: string;
let saved: string;
beforeAll(() => {
  saved = process.cwd();
  cwd = mkdtempSync(path.join(tmpdir(), 'esp32sim-readme-'));
  symlinkSync(path.join(REPO_ROOT, 'scenarios'), path.join(cwd, 'scenarios'));
  process.chdir(cwd);
});
afterAll(() => {
  process.chdir(saved);
  rmSync(cwd, { recursive: true, force: true });
});

function io() {
  const lines: string[] = [];
  const x: Io = { out: (l) => lines.push(l), err: (l) => lines.push(l), color: false };
  return { io: x, lines };
}

describe("the README's scenario", () => {
  test('is scenarios/examples/readme/scenario.yaml, verbatim', () => {
    const shown = blocks('yaml').find((b) => b.startsWith('name: TCP echo with an LED'));
    expect(shown).toBe(readFileSync(path.join(EXAMPLE, 'scenario.yaml'), 'utf8'));
  });

  test('passes as written', async () => {
    const t = io();
    expect({ code: await main(['run', EXAMPLE], t.io), out: t.lines.join('\n') }).toEqual({ code: 0, out: expect.stringMatching(/✔ PASS TCP echo with an LED: all 19 steps passed/) });
  });
});

describe("the README's commands", () => {
  test('there are commands to run, among them every command', () => {
    expect(new Set(COMMANDS.map((c) => c[0]))).toEqual(new Set(['list', 'run', 'replay', 'init', 'ui']));
  });

  test.each(UI_COMMANDS.map((c) => [c.join(' ')] as const))('npx esp32sim %s names a lab the page opens', (line) => {
    const argv = UI_COMMANDS.find((c) => c.join(' ') === line)!;
    expect(resolveUiTarget(argv[1])).toEqual({ file: expect.stringMatching(/scenario\.yaml$/), bare: false });
  });

  test.each(BATCH_COMMANDS.map((c) => [c.join(' ')] as const))('npx esp32sim %s', async (line) => {
    const argv = BATCH_COMMANDS.find((c) => c.join(' ') === line)!;
    const t = io();
    const code = await main(argv, t.io);
    expect({ code, out: t.lines.join('\n') }).toEqual({ code: 0, out: expect.anything() });
  }, 60_000);
});

describe("the README's TypeScript device script", () => {
  test('runs as a PC script against the example server', async () => {
    const ts = blocks('ts').find((b) => b.includes('export default async function (env: TsEnv)'));
    expect(ts).toBeDefined();
    const lab = path.join(cwd, 'ts-lab');
    mkdirSync(lab);
    writeFileSync(path.join(lab, 'client.ts'), ts!);
    copyFileSync(path.join(EXAMPLE, 'esp32_server.py'), path.join(lab, 'esp32_server.py'));
    writeFileSync(
      path.join(lab, 'scenario.yaml'),
      'name: ts\ntimeout: 10s\nnetwork: { subnet: 192.168.2.0/24 }\ndevices:\n  esp32: { board: esp32, script: esp32_server.py, ip: 192.168.2.231 }\n  pc: { board: pc, script: client.ts, start: 1s }\nsteps:\n  - wait-serial: { device: pc, text: "echo: one", timeout: 5s }\n',
    );
    const t = io();
    expect({ code: await main(['run', lab], t.io), out: t.lines.join('\n') }).toEqual({ code: 0, out: expect.stringContaining('pc    │ echo: one') });
  });
});
