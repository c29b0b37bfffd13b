/**
 * Starts a device's script: builds the runtime for its language and board
 * personality (devices/script createRuntime) and runs it as a ScriptProcess.
 * A runtime that cannot be built (bad module path, ...) yields a crashed
 * process whose failure names the reason, printed on the console.
 */
import type { ScriptSpec } from './api';
import type { Board } from '../node';
import type { ProcessLike } from './handle';
import { createRuntime, ScriptProcess, type RuntimeOptions } from '../runtime';
import type { ScriptRuntime } from '../runtime/contract';

/** The runtime's options (its personality comes from the board) plus who hears about the exit. */
export interface LaunchOptions extends Omit<RuntimeOptions, 'personality' | 'main'> {
  onExit?: (code: number, reason: string) => void;
}

/** A process that never ran. */
class NotStarted implements ProcessLike {
  readonly state = 'crashed' as const;
  readonly exitCode = 1;
  constructor(readonly failure: string) {}
  interrupt(): void {}
  kill(): void {}
}

/**
 * Builds a script's runtime. A MicroPython runtime starts booting its VM (in its
 * worker thread) right away, so building it ahead of time (when the device is
 * added) overlaps the boot with the simulated WiFi join. Nothing the script does
 * is visible before the kernel answers its first call, so this changes no result.
 */
export function buildRuntime(kind: Board['kind'], spec: ScriptSpec, opts: LaunchOptions): ScriptRuntime {
  const { onExit: _onExit, ...runtime } = opts;
  return createRuntime(spec, { ...runtime, personality: kind }); // a board's kind names its personality ('esp32' | 'pc')
}

/** Starts `spec` on `board`, with a runtime built earlier by buildRuntime() if there is one. */
export function launchScript(board: Board, spec: ScriptSpec, opts: LaunchOptions, prebuilt?: ScriptRuntime): ProcessLike {
  let proc: ScriptProcess;
  try {
    const runtime = prebuilt ?? buildRuntime(board.kind, spec, opts);
    proc = new ScriptProcess(board, runtime, { personality: board.kind, name: spec.filename, clock: opts.clock });
  } catch (e) {
    const failed = new NotStarted(`${spec.filename}: cannot start: ${(e as Error).message.split('\n')[0]}`);
    board.console.write(failed.failure + '\n');
    board.sim.trace.emit(board.id, 'script', 'start-failed', { reason: failed.failure });
    opts.onExit?.(1, failed.failure);
    return failed;
  }
  if (opts.onExit) proc.onExit(opts.onExit);
  proc.start();
  return proc;
}
