/**
 * The npm package as a user gets it: `npm pack` (which builds dist/ through the
 * prepare lifecycle when the sources changed), installed from the tarball into a
 * fresh project outside the repository, then the README's library examples run
 * there as written (plain Node.js, and a jest test under ts-jest's default
 * preset), and the `esp32sim` command runs a bundled lab and a TypeScript
 * device script.
 *
 * Offline and deterministic: the project's package-lock.json pins the package's
 * dependencies to the versions and integrity hashes of this repository's lock,
 * so `npm ci --offline` installs them from the local npm cache that installing
 * this repository filled. jest, ts-jest, typescript and @types/jest are this
 * repository's own (linked), as `npm install --save-dev` would give them.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../paths';

interface Done {
  code: number | null;
  out: string;
  err: string;
}

/** The environment of a user's shell: no npm lifecycle or jest worker variables of this run. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const [k, v] of Object.entries(process.env)) {
    if ((/^(npm_|jest_)/i.test(k) && k !== 'npm_config_cache') || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  return env;
}

function run(cmd: string, args: string[], cwd: string): Promise<Done> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

function ok(r: Done, what: string): Done {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\n${r.out}\n${r.err}`);
  return r;
}

/** The README's code block of `lang` in the library section. */
function readmeExample(lang: 'ts' | 'js'): string {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.split('\n## Use it as a library')[1]?.split('\n## ')[0] ?? '';
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section);
  if (!m) throw new Error(`README.md: no \`\`\`${lang} block in "Use it as a library"`);
  return m[1];
}

interface PackFile {
  path: string;
}

const work = mkdtempSync(path.join(tmpdir(), 'esp32sim-package-'));
const project = path.join(work, 'project');
let files: string[] = [];
let tarballBytes = 0;
let results: Record<'node' | 'esm' | 'jest' | 'lab' | 'tsScript', Promise<Done>>;

/**
 * A lockfile for `{ esp32sim: file:<tarball> }`: the package and the closure of
 * its dependencies, each entry as this repository's lock has it.
 */
function lockfile(tarball: string, pkg: { version: string; dependencies: Record<string, string>; bin: object; peerDependencies?: object; peerDependenciesMeta?: object }, registry: string): object {
  const repoLock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version: string; resolved?: string; integrity: string; license?: string; dependencies?: Record<string, string> }>;
  };
  const spec = `file:${path.relative(project, tarball)}`;
  const integrity = 'sha512-' + createHash('sha512').update(readFileSync(tarball)).digest('base64');
  const packages: Record<string, object> = {
    '': { name: 'esp32sim-user', dependencies: { esp32sim: spec } },
    'node_modules/esp32sim': {
      version: pkg.version,
      resolved: spec,
      integrity,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      peerDependencies: pkg.peerDependencies,
      peerDependenciesMeta: pkg.peerDependenciesMeta,
    },
  };
  const todo = Object.keys(pkg.dependencies);
  for (let name = todo.shift(); name; name = todo.shift()) {
    const key = `node_modules/${name}`;
    if (packages[key]) continue;
    const e = repoLock.packages[key];
    if (!e) throw new Error(`package-lock.json has no ${key}: run npm install`);
    const resolved = e.resolved ?? `${registry.replace(/\/?$/, '/')}${name}/-/${name.split('/').pop()}-${e.version}.tgz`;
    packages[key] = { version: e.version, resolved, integrity: e.integrity, license: e.license, dependencies: e.dependencies };
    todo.push(...Object.keys(e.dependencies ?? {}));
  }
  return { name: 'esp32sim-user', lockfileVersion: 3, requires: true, packages };
}

beforeAll(async () => {
  // Nothing above the project may hold a node_modules: a missing dependency would be found there.
  for (let d = path.dirname(project); path.dirname(d) !== d; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'node_modules'))) throw new Error(`${d}/node_modules would leak into the fresh project`);
  }
  const [packed, registry] = await Promise.all([
    run('npm', ['pack', '--json', '--pack-destination', work], REPO_ROOT),
    process.env.npm_config_registry ? Promise.resolve({ code: 0, out: process.env.npm_config_registry, err: '' }) : run('npm', ['config', 'get', 'registry'], REPO_ROOT),
  ]);
  const info = JSON.parse(ok(packed, 'npm pack').out) as [{ filename: string; files: PackFile[] }];
  files = info[0].files.map((f) => f.path);
  const tarball = path.join(work, info[0].filename);
  tarballBytes = statSync(tarball).size;
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

  mkdirSync(project);
  const manifest = { name: 'esp32sim-user', private: true, dependencies: { esp32sim: `file:${path.relative(project, tarball)}` }, jest: { preset: 'ts-jest' } };
  writeFileSync(path.join(project, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify(lockfile(tarball, pkg, ok(registry, 'npm config').out.trim()), null, 2));
  ok(await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], project), 'npm ci --offline (its dependencies come from the npm cache that `npm install` here filled)');
  for (const dev of ['jest', 'ts-jest', 'typescript', '@types/jest']) {
    mkdirSync(path.dirname(path.join(project, 'node_modules', dev)), { recursive: true });
    symlinkSync(path.join(REPO_ROOT, 'node_modules', dev), path.join(project, 'node_modules', dev), 'dir');
  }

  writeFileSync(path.join(project, 'lab.js'), readmeExample('js'));
  writeFileSync(path.join(project, 'lab.test.ts'), readmeExample('ts'));
  mkdirSync(path.join(project, 'tslab'));
  writeFileSync(path.join(project, 'tslab', 'scenario.yaml'), 'name: TypeScript PC\ntimeout: 10s\ndevices:\n  pc: { board: pc, script: hello.ts }\n');
  writeFileSync(
    path.join(project, 'tslab', 'hello.ts'),
    "import type { TsEnv } from 'esp32sim';\n\nconst greeting: string = 'hello from TypeScript';\n\nexport default async function (env: TsEnv): Promise<void> {\n  await env.print(greeting);\n}\n",
  );

  // All at once: each is mostly start-up.
  const esm = "import { Simulation, parseDuration, loadScenario, runScenario, STAT_GOT_IP } from 'esp32sim'; console.log([Simulation, parseDuration, loadScenario, runScenario].map((f) => typeof f).join(' '), STAT_GOT_IP);";
  results = {
    node: run(process.execPath, ['lab.js'], project),
    esm: run(process.execPath, ['--input-type=module', '-e', esm], project),
    jest: run(process.execPath, [path.join(project, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci'], project),
    lab: run('npx', ['--no', 'esp32sim', 'run', 'echo', '--no-color'], project),
    tsScript: run('npx', ['--no', 'esp32sim', 'run', 'tslab', '--no-color'], project),
  };
}, 300_000);

afterAll(async () => {
  if (results) await Promise.allSettled(Object.values(results));
  rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the compiled package, its types and assets, and no tests or TypeScript sources', () => {
  for (const f of [
    'package.json',
    'README.md',
    'dist/scenarios/index.js',
    'dist/scenarios/index.d.ts',
    'dist/scenarios/cli/main.js',
    'dist/cli.js',
    'dist/devices/runtime/micropython/worker.cjs',
    'dist/devices/runtime/micropython/py/_boot.py',
    'scenarios/cli/bin.js',
    'scenarios/labs/echo/scenario.yaml',
  ]) {
    expect(files).toContain(f);
  }
  expect(files.filter((f) => f.startsWith('tests/') || (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.build-hash'))).toEqual([]);
  // ~0.7 MB of compiled code and the patched VM, plus ~0.4 MB for the command in one file (dist/cli.js, dependencies included).
  expect(tarballBytes).toBeLessThan(1.5 * 1024 * 1024);
});

test("the README's plain JavaScript example runs with node", async () => {
  const r = ok(await results.node, 'node lab.js');
  expect(r.out).toMatch(/^\d+\.\d{6}s up at 192\.168\.1\.50$/m);
});

test('ES module import sees the named exports', async () => {
  expect(ok(await results.esm, 'node --input-type=module').out.trim()).toBe('function function function function 1010');
});

test("the README's jest example passes under ts-jest's default preset", async () => {
  const r = ok(await results.jest, 'jest');
  expect(r.err).toMatch(/Tests:\s+1 passed, 1 total/);
  expect(statSync(path.join(project, 'lab.pcap')).size).toBeGreaterThan(24);
});

test('npx esp32sim runs a bundled lab by name', async () => {
  const r = ok(await results.lab, 'npx esp32sim run echo');
  expect(r.out).toMatch(/^\s+\d+\.\d{6}s esp32 │ tcp waiting\.\.\.$/m);
  expect(r.out).toMatch(/✔ PASS TCP echo \(tutorial\): all \d+ steps passed/);
});

test('npx esp32sim runs a TypeScript device script (transpiled with the project’s typescript)', async () => {
  const r = ok(await results.tsScript, 'npx esp32sim run tslab');
  expect(r.out).toMatch(/pc\s+│ hello from TypeScript/);
  expect(r.out).toMatch(/✔ PASS TypeScript PC/);
});
