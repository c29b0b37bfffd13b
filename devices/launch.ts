/**
 * Starts a device's script: builds the runtime for its language and board
 * personality (devices/script createRuntime) and runs it as a ScriptProcess.
 */
import type { ScriptSpec } from './api';
import type { Board, ProcessLike } from './handle';

export interface LaunchOptions {
  seed: number;
  watchdogMs: number;
  memoryCapBytes: number;
  onExit?: (code: number | undefined) => void;
}

interface ScriptModule {
  createRuntime: (spec: ScriptSpec, opts: Record<string, unknown>) => unknown;
  ScriptProcess: new (board: Board, runtime: unknown, opts: Record<string, unknown>) => ProcessLike & {
    start(): void;
    onExit?: unknown;
  };
}

interface PersonalityModule {
  ESP32_PERSONALITY: unknown;
  LINUX_PERSONALITY: unknown;
}

/** A process that never ran: the script runtime is not available in this build. */
class Unavailable implements ProcessLike {
  readonly state = 'crashed' as const;
  readonly exitCode = 1;
  constructor(readonly failure: string) {}
  interrupt(): void {}
  kill(): void {}
}

export function launchScript(board: Board, spec: ScriptSpec, opts: LaunchOptions): ProcessLike {
  let mod: ScriptModule;
  let pers: PersonalityModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('./script') as ScriptModule;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    pers = require('../stack/personality') as PersonalityModule;
  } catch (e) {
    const p = new Unavailable(`script runtime unavailable: ${(e as Error).message.split('\n')[0]}`);
    board.console.write(p.failure + '\n');
    opts.onExit?.(1);
    return p;
  }
  const runtime = mod.createRuntime(spec, {
    personality: board.kind === 'esp32' ? pers.ESP32_PERSONALITY : pers.LINUX_PERSONALITY,
    seed: opts.seed,
    watchdogMs: opts.watchdogMs,
    memoryCapBytes: opts.memoryCapBytes,
  });
  const proc = new mod.ScriptProcess(board, runtime, { onExit: opts.onExit });
  proc.start();
  return proc;
}
