/**
 * CPU time of this process for benchmarks: the whole process (getrusage: every
 * thread, ended ones included) and its main thread alone (Linux: the on-CPU
 * nanoseconds of /proc/self/task/<pid>/schedstat), so a figure splits into the
 * simulation (main thread) and the rest (VM threads, V8's background GC and compiler); and
 * (threadsSince) the rest split into the threads started after a given moment (a benchmark takes
 * it before any VM: the VMs' worker threads) and those that were there before (Node's and V8's
 * own: its background compiler and garbage collector).
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

/** On-CPU ms of each of this process's threads now, by thread id (Linux; empty elsewhere). */
export function threadsCpu(): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[];
  try {
    tids = fs.readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const t of tids) {
    try {
      out.set(Number(t), Number(fs.readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/**
 * CPU ms from `a` to `b` (threadsCpu samples) of the main thread, of the threads not in `early`
 * (started later: the VMs) and of those in it (Node's and V8's helpers); threads that ended between
 * the samples are missing from both (a warm run's VMs are rewound, not replaced).
 */
export function threadsSpent(early: ReadonlySet<number>, a: Map<number, number>, b: Map<number, number>): { main: number; vms: number; helpers: number } {
  const r = { main: 0, vms: 0, helpers: 0 };
  for (const [tid, ms] of b) {
    const d = ms - (a.get(tid) ?? 0);
    if (tid === process.pid) r.main += d;
    else if (early.has(tid)) r.helpers += d;
    else r.vms += d;
  }
  return r;
}
