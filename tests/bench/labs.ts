/**
 * Lab benchmark: each bundled lab's virtual time / wall time ratio (goal ≥ 1000×
 * on the echo and LED labs), and the cold-start wall time of
 * `esp32sim run scenarios/labs/echo` as a child process. Wall time is fine here:
 * this is a benchmark, not simulated code.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { listLabs } from '../../scenarios/runner/targets';
import { runScenario } from '../../scenarios/runner/runner';
import { loadScenario } from '../../scenarios/schema/index';
import { createSimulation as createDefaultSimulation } from '../../devices/simulation/simulation';

export interface LabBench {
  lab: string;
  exitCode: number;
  virtualS: number;
  wallS: number;
  ratio: number;
}

export interface LabsBenchResult {
  labs: LabBench[];
  coldStartS: number;
  coldStartExit: number | null;
}

const ROOT = path.join(__dirname, '..', '..');

export async function benchLabs(log: (line: string) => void = console.log): Promise<LabsBenchResult> {
  const labs: LabBench[] = [];
  // Warm-up: load (transpile) the simulation modules once so the first lab's ratio is not a module-load figure.
  await (await createDefaultSimulation({})).close();
  for (const l of listLabs()) {
    const p = loadScenario(l.dir);
    if (!p.ok) {
      log(`lab ${l.id}: does not load`);
      continue;
    }
    const t0 = performance.now();
    const r = await runScenario(p.scenario, { createSimulation: createDefaultSimulation });
    const wallS = (performance.now() - t0) / 1000;
    const virtualS = r.endUs / 1e6;
    const b = { lab: l.id, exitCode: r.exitCode, virtualS, wallS, ratio: virtualS / wallS };
    labs.push(b);
    log(`lab ${l.id.padEnd(11)} exit ${String(r.exitCode).padStart(2)}  ${virtualS.toFixed(3)} s virtual in ${wallS.toFixed(3)} s wall = ${b.ratio.toFixed(0)}× real time`);
  }
  const t0 = performance.now();
  const child = spawnSync(process.execPath, [path.join(ROOT, 'scenarios/cli/bin.js'), 'run', path.join(ROOT, 'scenarios/labs/echo'), '--quiet', '--no-color'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const coldStartS = (performance.now() - t0) / 1000;
  log(`cold start: esp32sim run scenarios/labs/echo took ${coldStartS.toFixed(2)} s wall (exit ${child.status})`);
  return { labs, coldStartS, coldStartExit: child.status };
}

if (require.main === module) {
  benchLabs().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
