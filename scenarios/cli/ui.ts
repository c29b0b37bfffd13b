/**
 * `esp32sim ui [lab-or-scenario]`: the classroom page. Starts the page's
 * server on 127.0.0.1 (a free port, or --port), prints the URL and keeps
 * serving until Ctrl-C; closing a tab changes nothing. Without an argument the
 * page offers the bundled labs. A scenario with errors is printed here and
 * shown in the page (a reload tries the file again); an unknown lab or a busy
 * port is exit 2 before anything starts.
 */
import * as path from 'node:path';
import { formatError, loadScenario, parseScenario } from '../schema/index';
import { EXIT_BAD_INPUT } from '../runner/result';
import { bareScenarioYaml, expandTargets, LABS_DIR, listLabs } from '../runner/targets';
import type { Speed } from '../ui/protocol';
import { assetsDir, serve, type UiServer } from '../ui/server';
import { UiSession } from '../ui/session';
import type { Io } from './io';
import { displayPath } from './paths';

export interface UiOpts {
  port?: string;
  speed?: string;
  /** Start paused (the student presses Run). */
  paused?: boolean;
}

/** A lab id, lab folder, scenario.yaml or bare .py → the scenario file to open, or why not. */
export function resolveUiTarget(arg: string): { file: string; bare: boolean } | { error: string } {
  const t = expandTargets([arg]);
  const yaml = t.filter((x) => x.kind === 'yaml' || x.kind === 'py');
  const missing = t.find((x) => x.kind === 'missing');
  if (missing && missing.kind === 'missing') {
    const hint = !arg.includes('/') ? ` (no bundled lab of that name either: esp32sim list shows them)` : '';
    return { error: `${missing.file}: ${missing.why}${hint}` };
  }
  if (yaml.length !== 1) return { error: `${arg} holds ${yaml.length} scenarios: give one of them (${yaml.slice(0, 4).map((x) => displayPath(path.dirname(x.file))).join(', ')}${yaml.length > 4 ? ', ...' : ''})` };
  return { file: yaml[0].file, bare: yaml[0].kind === 'py' };
}

function speedOf(s: string | undefined): Speed | undefined {
  if (s === undefined) return 1;
  if (s === '1' || s === '1x') return 1;
  if (s === '10' || s === '10x') return 10;
  if (s === 'max') return 'max';
  return undefined;
}

/** Starts the server (`assets`: the built page; tests pass a fresh bundle); a number is the exit code of a refusal. */
export async function startUi(target: string | undefined, o: UiOpts, io: Io, assets = assetsDir()): Promise<UiServer | number> {
  const port = o.port === undefined ? 0 : Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(`esp32sim ui: --port ${o.port}: a port number 1-65535 (or leave it out for a free port)`);
    return EXIT_BAD_INPUT;
  }
  const speed = speedOf(o.speed);
  if (speed === undefined) {
    io.err(`esp32sim ui: --speed ${o.speed}: one of 1, 10, max`);
    return EXIT_BAD_INPUT;
  }
  let resolved: { file: string; bare: boolean } | undefined;
  if (target !== undefined) {
    const r = resolveUiTarget(target);
    if ('error' in r) {
      io.err(`esp32sim ui: ${r.error}`);
      return EXIT_BAD_INPUT;
    }
    resolved = r;
  }
  if (!assets) {
    io.err('esp32sim ui: the page is not built (dist/scenarios/ui/page/): run npm install (or npm run build) first');
    return EXIT_BAD_INPUT;
  }
  const labs = listLabs().map((l) => ({ id: l.id, name: l.name, description: l.description }));
  const open = (t: string): UiSession | string[] => {
    const r = t === resolved?.file || t === target ? resolved : resolveUiTarget(t);
    if (!r || 'error' in r) return [r && 'error' in r ? r.error : `cannot open ${t}`];
    const cwd = process.cwd();
    const p = r.bare ? parseScenario(bareScenarioYaml(r.file, [], { cwd }), r.file, { dir: cwd }) : loadScenario(r.file);
    if (!p.ok) return p.errors.map(formatError);
    const s = new UiSession(p.scenario);
    s.speed = speed;
    if (o.paused) s.startPaused = true;
    return s;
  };
  let first: UiSession | string[] | undefined;
  if (resolved) {
    first = open(resolved.file);
    if (Array.isArray(first)) {
      io.err(`esp32sim ui: ${displayPath(resolved.file)} has errors (the page shows them too; fix the file and reload the page):`);
      for (const line of first) io.err(line);
    }
  }
  let server: UiServer;
  try {
    server = await serve({ port, assets, labs, target: resolved?.file, open: (t) => (first !== undefined && t === resolved?.file ? take() : open(t)) });
  } catch (e) {
    io.err(`esp32sim ui: ${(e as Error).message}`);
    return EXIT_BAD_INPUT;
  }
  function take(): UiSession | string[] {
    // The first open reuses the scenario parsed above; later ones (a reload after a fix) read it again.
    const f = first!;
    first = undefined;
    return f;
  }
  const what = resolved ? displayPath(resolved.file) : `the bundled labs (${displayPath(LABS_DIR)})`;
  io.out(`esp32sim ui: ${what}`);
  io.out(`open ${server.url} in a browser (this machine only; Ctrl-C stops the server)`);
  return server;
}

/** Runs the page's server until Ctrl-C. */
export async function cmdUi(target: string | undefined, o: UiOpts, io: Io): Promise<number> {
  const got = await startUi(target, o, io);
  if (typeof got === 'number') return got;
  await new Promise<void>((resolve) => {
    const off = io.onInterrupt?.(() => {
      off?.();
      resolve();
    });
    if (!off) process.once('SIGINT', () => resolve());
  });
  io.err('esp32sim ui: stopping');
  await got.close();
  return 0;
}
