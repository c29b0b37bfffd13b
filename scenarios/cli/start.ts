/**
 * The command's entry for bin.js, and the entry of its one-file bundle
 * (dist/cli.js, made by build.js). Two steps, so that the MicroPython VMs a
 * run needs start booting in worker threads (on the other core) before this
 * thread loads the rest of the command: `prewarm(command)` loads only the VM
 * side (devices/runtime/micropython), `main(argv)` then the command line.
 * In the bundle every module is evaluated when first required, so this order
 * holds there too. Pooled and fresh VMs run the same code: nothing about a
 * run changes.
 */
import type * as Main from './main';

/** The VM's wasm tiering budget for the command (wasm.ts compileWasmModuleLateTierUp): ~55× V8's. */
const COLD_TIERING_BUDGET = 100_000_000;

/**
 * Starts booting one ESP32 and one PC VM, in the threads bin.js started (worker-start.ts), for
 * `command`: bin.js calls it for the commands that run scripts.
 */
export function prewarm(command: string): void {
  // Required here, not imported at the top: this module must stay cheap to load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { prewarmVms } = require('../../devices/runtime/micropython/pool') as typeof import('../../devices/runtime/micropython/pool');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { vmBoot } = require('../../devices/runtime/micropython/runtime') as typeof import('../../devices/runtime/micropython/runtime');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { compileWasmModuleLateTierUp } = require('../../devices/runtime/micropython/wasm') as typeof import('../../devices/runtime/micropython/wasm');
  // A one-shot run: its cores go to its VMs first. The UI server runs many labs, so it tiers up as usual.
  if (command !== 'ui') compileWasmModuleLateTierUp(COLD_TIERING_BUDGET);
  prewarmVms([vmBoot('esp32'), vmBoot('pc')], 1);
}

/**
 * The command line (main.ts): resolves to the exit code. `entry` is the file this module was loaded
 * from (the bundle, or dist/scenarios/cli/start.js): `run --jobs` worker threads load it too.
 */
export function main(argv: string[], entry?: string): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const m = require('./main') as typeof Main;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { defaultIo } = require('./io') as typeof import('./io');
  return m.main(argv, { ...defaultIo(), workerEntry: entry });
}

/** A `run --jobs` worker thread's side (jobs.ts). */
export function serveJobs(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./jobs') as typeof import('./jobs')).serveJobs();
}
