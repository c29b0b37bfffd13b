/**
 * Script runtimes and the device OS. `createRuntime` picks the runtime for a
 * script spec; `ScriptProcess` runs it on a board.
 */
import type { ScriptSpec } from './contract';
import { MicroPythonRuntime } from './micropython/runtime';
import type { ScriptRuntime } from './contract';
import * as fs from 'node:fs';
import { TsRuntime, TsWorkerRuntime, type TsScriptMain } from './typescript';
import type { WallClock } from './wallclock';
import type { FlashFs } from '../fs/flash';

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
  /** Test hook: a MicroPython VM collects garbage at every kernel call. */
  gcEveryCall?: boolean;
  /** Test hook: false = a MicroPython VM puts no call off (bridge/protocol.ts DEFERRABLE_OPS): a hand-over per call. */
  batchCalls?: boolean;
  /** TypeScript: the script's main function, instead of loading spec.modulePath. */
  main?: TsScriptMain;
  /** The board's virtual time (µs), for the VM's own clock. */
  now?: () => number;
  /**
   * The board's flash filesystem (MicroPython): an ESP32 mounts it at `/`, a PC at its working
   * directory. An ESP32 without one gets an empty board's (boot.py only), a PC none.
   */
  flash?: FlashFs;
  /** The script is the flash's /main.py, read by the VM at boot (a project without a script). */
  mainFromFlash?: boolean;
}

export function createRuntime(spec: ScriptSpec, opts: RuntimeOptions): ScriptRuntime {
  if (spec.language === 'typescript') {
    // A function (tests, library users) runs in this process; a file runs in its own worker thread.
    const main = opts.main ?? spec.main;
    if (main) return new TsRuntime(main, { personality: opts.personality, filename: spec.filename });
    if (!spec.modulePath) throw new Error(`TypeScript script ${spec.filename}: modulePath is required`);
    if (!fs.existsSync(spec.modulePath)) throw new Error(`${spec.modulePath}: no such file`);
    return new TsWorkerRuntime({ modulePath: spec.modulePath, filename: spec.filename, personality: opts.personality }, opts);
  }
  return new MicroPythonRuntime({ ...opts, filename: spec.filename, source: spec.source });
}
