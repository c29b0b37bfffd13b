/**
 * Every broken input of the corpus (cases.ts) through the real command line on
 * the fake simulation: the promised exit code, the file:line where there is
 * one, the words of the message, and never a stack trace, an internal error or
 * a hang.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main, type Io } from '../../../scenarios/cli/main';
import { fakeFactory, type Behaviour } from '../fake';
import { ARGS_CASES, BASE, TRACE_CASES, YAML_CASES } from './cases';

const dir = mkdtempSync(path.join(tmpdir(), 'esp32sim-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const behaviours: Record<string, Behaviour> = {
  esp32: (d) => d.print('hi'),
  crasher: (d, sim) => sim.schedule(10, () => d.exit(1, 'Traceback (most recent call last):\n  File "main.py", line 1\nZeroDivisionError: divide by zero')),
};

function io() {
  const lines: string[] = [];
  const fake = fakeFactory(behaviours);
  const x: Io = { out: (l) => lines.push(l), err: (l) => lines.push(l), color: false, createSimulation: fake.create, wallMs: () => 0 };
  return { io: x, lines };
}

const LAB = path.join(dir, 'lab');

beforeAll(async () => {
  writeFileSync(path.join(dir, 'main.py'), 'print("hi")\n');
  writeFileSync(path.join(dir, 'client.py'), 'print("pc")\n');
  writeFileSync(path.join(dir, 'notes.txt'), 'not a script\n');
  writeFileSync(path.join(dir, 'broken.ts'), 'export default async function (env) {\n  const x = ;\n}\n');
  writeFileSync(path.join(dir, 'binary.py'), 'print(1)\u0000\u0001\n');
  writeFileSync(path.join(dir, 'huge.py'), '#'.repeat(5 * 1024 * 1024));
  writeFileSync(path.join(dir, 'huge.yaml'), `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
  mkdirSync(path.join(dir, 'folder.py'));
  mkdirSync(path.join(dir, 'folder.yaml'));
  mkdirSync(path.join(dir, 'empty'));
  symlinkSync('/dev/zero', path.join(dir, 'zero.py'));
  symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
  for (const f of ['fifo.py', 'fifo.yaml']) expect(spawnSync('mkfifo', [path.join(dir, f)]).status).toBe(0);
  mkdirSync(LAB);
  writeFileSync(path.join(LAB, 'scenario.yaml'), BASE);
  writeFileSync(path.join(LAB, 'main.py'), 'print("hi")\n');
  writeFileSync(path.join(LAB, 'client.py'), 'print("pc")\n');
  mkdirSync(path.join(dir, 'crash'));
  writeFileSync(path.join(dir, 'crash', 'scenario.yaml'), 'name: crash\ntimeout: 5s\ndevices:\n  crasher: { board: esp32, script: main.py }\nsteps:\n  - delay: 1s\n');
  writeFileSync(path.join(dir, 'crash', 'main.py'), 'print(1 / 0)\n');
  const t = io();
  expect(await main(['run', LAB, '--trace', path.join(dir, 'good.trace'), '--quiet'], t.io)).toBe(0);
});

/** Runs the command with a time limit: a hang fails the case instead of the suite. */
async function command(argv: string[]): Promise<{ code: number; text: string }> {
  const t = io();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<number>((resolve) => {
    timer = setTimeout(() => resolve(-1), 10_000);
  });
  const code = await Promise.race([main(argv, t.io), hang]);
  clearTimeout(timer);
  return { code, text: t.lines.join('\n') };
}

function expectClean(text: string): void {
  expect(text).not.toMatch(/\n\s+at .*:\d+:\d+\)?/); // a stack trace
  expect(text).not.toMatch(/internal error|TypeError|ReferenceError|Invalid input|expected string, received/);
}

describe('broken scenario files', () => {
  test.each(YAML_CASES.map((c, i) => [c.name, i] as const))('%s', async (_name, i) => {
    const c = YAML_CASES[i];
    const file = path.join(dir, `case-${i}.yaml`);
    writeFileSync(file, c.yaml);
    const r = await command(['run', file]);
    expect({ code: r.code, text: r.text }).toEqual({ code: c.exit ?? 2, text: expect.stringMatching(c.says) });
    if (c.line !== undefined) expect(r.text).toContain(`case-${i}.yaml:${c.line}: `);
    expectClean(r.text);
  });
});

describe('broken command lines', () => {
  test.each(ARGS_CASES.map((c, i) => [c.name, i] as const))('%s', async (_name, i) => {
    const c = ARGS_CASES[i];
    const argv = c.argv.map((a) => a.replace('LAB', LAB).replace('DIR', dir));
    const r = await command(argv);
    const says = new RegExp(c.says.source.replace(/DIR/g, dir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
    expect({ code: r.code, text: r.text }).toEqual({ code: c.exit ?? 2, text: expect.stringMatching(says) });
    expectClean(r.text);
  });
});

describe('damaged traces', () => {
  test.each(TRACE_CASES.map((c, i) => [c.name, i] as const))('%s', async (_name, i) => {
    const c = TRACE_CASES[i];
    const good = readFileSync(path.join(dir, 'good.trace'), 'utf8');
    let text = good;
    if (c.header) {
      const lines = good.split('\n');
      const h = JSON.parse(lines[0]) as Record<string, unknown>;
      c.header(h);
      lines[0] = JSON.stringify(h);
      text = lines.join('\n');
    }
    if (c.text) text = c.text(text);
    const file = path.join(dir, `trace-${i}.trace`);
    writeFileSync(file, text);
    const r = await command(['replay', file]);
    expect({ code: r.code, text: r.text }).toEqual({ code: c.exit ?? 2, text: expect.stringMatching(c.says) });
    if (c.line !== undefined) expect(r.text).toContain(`trace-${i}.trace:${c.line}: `);
    expectClean(r.text);
  });

  test('the corpus holds at least 100 broken inputs', () => {
    expect(YAML_CASES.length + ARGS_CASES.length + TRACE_CASES.length).toBeGreaterThanOrEqual(100);
  });
});
