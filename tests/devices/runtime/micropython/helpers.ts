import { createRuntime, ScriptProcess, WallClock } from '../../../../devices/runtime';
import type { ScriptRuntime } from '../../../../devices/runtime/contract';
import { idleVms } from '../../../../devices/runtime/micropython/pool';
import { FakeBoard, fakeBoard } from '../typescript/fake-board';

export interface PyRun {
  board: FakeBoard;
  proc: ScriptProcess;
  runtime: ScriptRuntime;
  out: () => string;
}

/** Starts `source` as main.py on a fake board (not yet run). */
export function startPy(
  source: string,
  opts: { kind?: 'esp32' | 'pc'; seed?: number; watchdogMs?: number; wallLimitMs?: number; memoryCapBytes?: number; heapBytes?: number; board?: FakeBoard; filename?: string; jitterMs?: number; gcEveryCall?: boolean; batchCalls?: boolean } = {},
): PyRun {
  const board = opts.board ?? fakeBoard({ kind: opts.kind, seed: opts.seed });
  const clock = new WallClock(opts.watchdogMs ?? 30_000, opts.wallLimitMs ?? 600_000);
  const runtime = createRuntime(
    { filename: opts.filename ?? 'main.py', source, language: 'micropython' },
    {
      personality: board.kind,
      seed: opts.seed ?? 1,
      clock,
      now: () => board.sim.now,
      memoryCapBytes: opts.memoryCapBytes,
      heapBytes: opts.heapBytes,
      jitterMs: opts.jitterMs,
      gcEveryCall: opts.gcEveryCall,
      batchCalls: opts.batchCalls,
    },
  );
  const proc = new ScriptProcess(board, runtime, { personality: board.kind, name: opts.filename ?? 'main.py', clock });
  proc.start();
  return { board, proc, runtime, out: () => board.console.text() };
}

/** Runs a script to its end (or `forUs` of virtual time) and kills its VM. */
export async function runPy(source: string, opts: Parameters<typeof startPy>[1] & { forUs?: number } = {}): Promise<PyRun> {
  const r = startPy(source, opts);
  await r.board.sim.run({ until: r.board.sim.now + (opts.forUs ?? 60_000_000), stopWhen: () => r.proc.state !== 'running' });
  r.proc.kill();
  return r;
}

/** Waits (polling, bounded: it is the pool's VMs booting in their threads) until the pool's idle VMs have booted. */
export async function settlePool(): Promise<void> {
  for (let i = 0; i < 500 && idleVms().booted < idleVms().idle; i++) await new Promise((r) => setTimeout(r, 10));
}

/**
 * What a VM is made of, as a script sees it (the snapshot tests compare it between VMs): heap
 * addresses and free memory (the heap's layout), the inode of a frozen module (the filesystem's
 * order), the PRNG, the loaded modules, a collection.
 */
export const VM_PROBE = [
  'import gc, os, sys, random',
  'a = object(); b = [1, 2, 3]; c = "x" * 40',
  'print(id(a), id(b), id(c), gc.mem_free(), gc.mem_alloc())',
  'print(os.stat("/.frozen/_kern.py"))',
  'print(random.getrandbits(30), random.random())',
  'print(sorted(sys.modules.keys()))',
  'gc.collect()',
  'print(gc.mem_free(), id(object()))',
  '',
].join('\n');
