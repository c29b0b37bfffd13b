/**
 * Script runtimes and the device OS. `createRuntime` picks the runtime for a
 * script spec; `ScriptProcess` runs it on a board.
 */
import type { ScriptSpec } from './contract';
import { MicroPythonRuntime } from './micropython/runtime';
import type { ScriptRuntime } from './contract';
import { TsRuntime, type TsScriptMain } from './typescript';
import type { WallClock } from './wallclock';
import { ensureTypeScriptLoader } from './ts-loader';

export * from './contract';
export { ScriptOs, PC_EPOCH_S } from './os';
export { ScriptProcess, type ScriptProcessOptions, type ExitListener } from './process';
export { WallClock, type WallHit } from './wallclock';
export { TsRuntime, OSError, KeyboardInterrupt, type TsEnv, type TsSocket, type TsScriptMain } from './typescript';
export { MicroPythonRuntime } from './micropython/runtime';
export { wasmModule } from './micropython/wasm';

/** One options object from the Simulation to the runtime (nothing is renamed on the way). */
export interface RuntimeOptions {
  personality: 'esp32' | 'pc';
  seed: number;
  /** The simulation's wall-clock safety nets (watchdog between kernel calls, whole-run limit). */
  clock: WallClock;
  /** Per-VM memory cap in bytes (MicroPython). */
  memoryCapBytes?: number;
  /** MicroPython heap in bytes (undefined: the board's default). */
  heapBytes?: number;
  /** ESP32 firmware boot: join this WiFi before main.py (MicroPython). */
  bootWifi?: { ssid: string; password: string };
  /** Test hook: random wall-time delay (ms) before each worker request. */
  jitterMs?: number;
  /** TypeScript: the script's main function, instead of loading spec.modulePath. */
  main?: TsScriptMain;
  /** The board's virtual time (µs), for the VM's own clock. */
  now?: () => number;
}

export function createRuntime(spec: ScriptSpec, opts: RuntimeOptions): ScriptRuntime {
  if (spec.language === 'typescript') {
    const main = opts.main ?? loadTsMain(spec);
    return new TsRuntime(main, { personality: opts.personality, filename: spec.filename, clock: opts.clock });
  }
  return new MicroPythonRuntime({ ...opts, filename: spec.filename, source: spec.source });
}

function loadTsMain(spec: ScriptSpec): TsScriptMain {
  if (!spec.modulePath) throw new Error(`TypeScript script ${spec.filename}: modulePath is required`);
  if (spec.modulePath.endsWith('.ts')) ensureTypeScriptLoader();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(spec.modulePath) as { default?: TsScriptMain } | TsScriptMain;
  const main = typeof mod === 'function' ? mod : mod.default;
  if (typeof main !== 'function') throw new Error(`${spec.modulePath}: no default export function`);
  return main;
}
