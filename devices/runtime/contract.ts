/**
 * The contract between a script runtime (MicroPython VM in a worker, or a
 * TypeScript async function) and its device's OS.
 *
 * A script runs until it makes a syscall; the kernel then answers it, possibly
 * much later in virtual time, and resumes the script with the result. Exactly
 * one script runs at a time, so the interleaving never depends on threads.
 */
import type { TsScriptMain } from './typescript/env';

export type SysValue = number | string | boolean | null | Uint8Array | SysValue[] | { [k: string]: SysValue };

export interface Syscall {
  /** e.g. "sleep", "print", "socket.recv", "wlan.status", "pin.write"; "exit" ends the script. */
  op: string;
  args: SysValue[];
}

/**
 * An answer. `irq` is how many callbacks are pending on the board (BoardApi.irqs), when any: the
 * runtime tells the script, which runs them at this safe point before it goes on (process.ts).
 */
export type SysResult = ({ ok: true; value: SysValue } | { ok: false; errno: number; message?: string }) & { irq?: number };

/** The script ended: code 0 = returned normally; traceback text when it crashed. */
export interface ScriptExit {
  op: 'exit';
  args: [code: number, reason: string];
}

export interface ScriptRuntime {
  /** Starts the script and runs it until its first syscall (or exit). */
  start(): Syscall | Promise<Syscall>;
  /** Answers the pending syscall and runs the script until the next one. */
  resume(result: SysResult): Syscall | Promise<Syscall>;
  /** Stops the script for good (power off, reset, end of run). */
  kill(): void;
  /** The runtime's memory as it measured it (a MicroPython VM's wasm memory), bytes. */
  memoryBytes?(): number;
  /** The runtime runs board callbacks at safe points (MicroPython): blocking calls may be set aside for them. */
  readonly softIrqs?: boolean;
}

/**
 * errno with which the OS answers a pending call to deliver Ctrl-C: the
 * runtime raises KeyboardInterrupt in the script instead of OSError.
 */
export const ERRNO_KEYBOARD_INTERRUPT = -0x7fff;

/**
 * errno of the answer that sets a blocking call aside because callbacks became due while it
 * waited: the script runs them, then sends IRQ_RESUME_OP to go on waiting for that same call.
 */
export const ERRNO_CALLBACKS = -0x7ffe;
/** The call (no arguments) that resumes the call set aside by an ERRNO_CALLBACKS answer. */
export const IRQ_RESUME_OP = 'irq.resume';

export interface ScriptSpec {
  /** Shown in tracebacks, e.g. "main.py" or "esp32_server.py". */
  filename: string;
  source: string;
  language: 'micropython' | 'typescript';
  /** For TypeScript/JavaScript scripts: absolute path of the module to load (default export: async (env) => {}). */
  modulePath?: string;
  /**
   * Library API, TypeScript: the script as a function (what a module's default export is), run in
   * this process instead of a worker thread: no thread per device, no runaway watchdog.
   */
  main?: TsScriptMain;
}

export type ScriptState = 'none' | 'not-started' | 'running' | 'exited' | 'crashed' | 'killed';
