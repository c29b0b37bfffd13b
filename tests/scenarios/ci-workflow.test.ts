/**
 * The GitHub Actions template (.ci/github-actions/esp32sim-suite.yml, shipped
 * in the package, shown in the README): valid YAML with a matrix over shards;
 * every esp32sim command it runs exists with those options, and runs here
 * (each shard of a small suite, through the fake simulation); its last job's
 * merge script turns the shards' JUnit files into one report that validates
 * against the JUnit schema and keeps every suite.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { validateXML } from 'xmllint-wasm';
import { buildProgram, main, type Io } from '../../scenarios/cli/main';
import { REPO_ROOT } from '../paths';
import { fakeFactory } from './fake';

const FILE = '.ci/github-actions/esp32sim-suite.yml';
const text = readFileSync(path.join(REPO_ROOT, FILE), 'utf8');
interface Step {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Workflow {
  env: Record<string, string>;
  jobs: Record<string, { needs?: string; if?: string; strategy?: { matrix: { shard: number[] } }; steps: Step[] }>;
}
const wf = parse(text) as Workflow;

const dir = mkdtempSync(path.join(tmpdir(), 'esp32sim-ci-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A command line as the runner's bash splits it (double quotes only, which is all the template uses). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

/** The esp32sim commands of the template's run steps, with the workflow's expressions filled in. */
function esp32simCommands(fill: Record<string, string>): string[][] {
  const out: string[][] = [];
  for (const job of Object.values(wf.jobs)) {
    for (const s of job.steps) {
      if (!s.run || !/npx esp32sim/.test(s.run)) continue;
      let line = s.run.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, k: string) => fill[k] ?? `<${k}>`);
      line = line.replace(/"\$(\w+)"|\$(\w+)/g, (_, a?: string, b?: string) => wf.env[(a ?? b) as string] ?? '');
      const w = words(line);
      expect(w.slice(0, 2)).toEqual(['npx', 'esp32sim']);
      out.push(w.slice(2));
    }
  }
  return out;
}

test('the template is YAML with a matrix over consecutive shards, uploads each JUnit and merges them in a last job', () => {
  const shards = wf.jobs.shard.strategy?.matrix.shard ?? [];
  expect(shards.length).toBeGreaterThan(1);
  expect(shards).toEqual(shards.map((_, i) => i + 1));
  const uses = (job: string) => wf.jobs[job].steps.map((s) => s.uses ?? s.run?.split(/\s/)[0]);
  expect(uses('shard')).toEqual(['actions/checkout@v4', 'actions/setup-node@v4', 'npm', 'npx', 'actions/upload-artifact@v4']);
  expect(wf.jobs.shard.steps.find((s) => s.uses === 'actions/upload-artifact@v4')?.if).toBe('always()');
  expect(wf.jobs.report.needs).toBe('shard');
  expect(wf.jobs.report.if).toBe('always()');
  expect(uses('report')).toEqual(['actions/setup-node@v4', 'actions/download-artifact@v4', 'node', 'actions/upload-artifact@v4']);
});

test('every esp32sim command in it exists with those options', () => {
  const io: Io = { out: () => {}, err: () => {}, color: false };
  const program = buildProgram(io, { code: 0 });
  const cmds = esp32simCommands({ 'matrix.shard': '1', 'strategy.job-total': '4' });
  expect(cmds.length).toBeGreaterThan(0);
  for (const [sub, ...args] of cmds) {
    const c = program.commands.find((x) => x.name() === sub);
    expect(c?.name()).toBe(sub);
    const known = new Set(c?.options.map((o) => o.long));
    for (const a of args.filter((x) => x.startsWith('--'))) expect({ option: a, known: known.has(a) }).toEqual({ option: a, known: true });
  }
});

test("each shard's command runs here, and the merge step joins their JUnit into one valid report", async () => {
  // A small suite in the template's SCENARIOS folder, run through the fake simulation.
  const suite = path.join(dir, wf.env.SCENARIOS);
  for (const name of ['alpha', 'beta', 'gamma']) {
    mkdirSync(path.join(suite, name), { recursive: true });
    writeFileSync(path.join(suite, name, 'main.py'), 'print("hi")\n');
    writeFileSync(path.join(suite, name, 'scenario.yaml'), `name: ${name}\ntimeout: 5s\ndevices:\n  esp32: { board: esp32, script: main.py }\nsteps:\n  - wait-serial: ready\n`);
  }
  const shards = wf.jobs.shard.strategy?.matrix.shard ?? [];
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    for (const shard of shards) {
      const [cmd] = esp32simCommands({ 'matrix.shard': String(shard), 'strategy.job-total': String(shards.length) });
      const fake = fakeFactory({ esp32: (d, sim) => sim.schedule(100_000, () => d.print('ready')) });
      const io: Io = { out: () => {}, err: () => {}, color: false, createSimulation: fake.create, wallMs: () => 0 };
      mkdirSync(path.join(dir, 'reports'), { recursive: true });
      expect(await main(cmd, io)).toBe(0);
    }
  } finally {
    process.chdir(cwd);
  }
  const merge = wf.jobs.report.steps.find((s) => s.run?.startsWith('node -e'))?.run ?? '';
  const script = /node -e '([\s\S]*)'/.exec(merge)?.[1] ?? '';
  const r = spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(new RegExp(`^${shards.length} shard report\\(s\\): 3 tests, 0 failures, 0 errors`));
  const xml = readFileSync(path.join(dir, 'esp32sim-junit.xml'), 'utf8');
  expect([...xml.matchAll(/<testsuite name="([^"]*)"/g)].map((m) => m[1]).sort()).toEqual(['alpha', 'beta', 'gamma']);
  const schema = readFileSync(path.join(__dirname, 'junit', 'junit.xsd'), 'utf8');
  const v = await validateXML({ xml: [{ fileName: 'merged.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: schema }] });
  expect(v.errors.map((e) => e.rawMessage)).toEqual([]);
});

test('the README shows how to copy the template, and the package ships it', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  expect(readme).toContain(`cp node_modules/esp32sim/${FILE} .github/workflows/`);
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { files: string[] };
  expect(pkg.files).toContain(path.dirname(FILE) + '/');
});
