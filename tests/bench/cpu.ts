/**
 * CPU time of this process for benchmarks: the whole process (getrusage: every
 * thread, ended ones included) and its main thread alone (Linux: the on-CPU
 * nanoseconds of /proc/self/task/<pid>/schedstat), so a figure splits into the
 * simulation (main thread) and the rest (VM threads, V8's background GC and compiler).
 */
import * as fs from 'node:fs';

export interface CpuSample {
  /** Whole process, ms. */
  total: number;
  /** Main thread, ms (undefined where /proc does not tell). */
  main: number | undefined;
}

function mainThreadMs(): number | undefined {
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

export function cpuSample(): CpuSample {
  const u = process.cpuUsage();
  return { total: (u.user + u.system) / 1000, main: mainThreadMs() };
}

/** CPU ms from `a` to `b`: the whole process, its main thread and the other threads. */
export function cpuSpent(a: CpuSample, b: CpuSample): { total: number; main?: number; others?: number } {
  const total = b.total - a.total;
  if (a.main === undefined || b.main === undefined) return { total };
  const main = b.main - a.main;
  return { total, main, others: Math.max(0, total - main) };
}
