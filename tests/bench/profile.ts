/**
 * In-process profiles for benchmarks (node:inspector): what a run allocates
 * (V8's sampling heap profiler, garbage included) and where its CPU time goes
 * (the CPU profiler, self time grouped by source area). Benchmarks only.
 */
import { Session } from 'node:inspector';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../paths';

function post<T>(s: Session, method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) => s.post(method, params, (e, r) => (e ? reject(e) : resolve(r as T))));
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

/** Source file of a profile frame, relative to the repository ('' for native code). */
function fileOf(f: CallFrame): string {
  if (!f.url) return '';
  const path = f.url.startsWith('file:') ? fileURLToPath(f.url) : f.url;
  return relative(REPO_ROOT, path);
}

export interface AllocationProfile {
  /** Bytes allocated on the JS heap (objects collected since included). */
  bytes: number;
  /** Estimated number of allocations. */
  count: number;
  /** Bytes by allocating function, largest first. */
  sites: { site: string; bytes: number }[];
}

interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  id: number;
  children: HeapNode[];
}

/** Profiles what `run` allocates (sampling every `intervalBytes` on average). */
export async function allocationProfile(run: () => Promise<unknown>, intervalBytes = 64): Promise<AllocationProfile> {
  const s = new Session();
  s.connect();
  try {
    await post(s, 'HeapProfiler.enable');
    await post(s, 'HeapProfiler.startSampling', {
      samplingInterval: intervalBytes,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    await run();
    const { profile } = await post<{ profile: { head: HeapNode; samples: { size: number; nodeId: number }[] } }>(s, 'HeapProfiler.stopSampling');
    const sites = new Map<string, number>();
    let bytes = 0;
    const walk = (n: HeapNode, caller: string): void => {
      const file = fileOf(n.callFrame);
      const here = file ? `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}` : caller;
      if (n.selfSize) {
        bytes += n.selfSize; // V8 scales each sample up to the bytes it stands for
        const site = file ? here : `${n.callFrame.functionName} in ${caller}`;
        sites.set(site, (sites.get(site) ?? 0) + n.selfSize);
      }
      for (const c of n.children) walk(c, here);
    };
    walk(profile.head, '(root)');
    // A Poisson sample point lands in an allocation of `size` bytes with probability 1 - e^(-size/interval).
    let count = 0;
    for (const smp of profile.samples) count += 1 / (1 - Math.exp(-smp.size / intervalBytes));
    return { bytes, count, sites: [...sites].map(([site, b]) => ({ site, bytes: b })).sort((a, b) => b.bytes - a.bytes) };
  } finally {
    s.disconnect();
  }
}

interface CpuNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

/**
 * Profiles `run` and sums self time by the area `classify` names for the
 * innermost frame's source file (garbage collection is its own area). Only
 * samples under a frame named `within` count (e.g. the simulator's run loop).
 */
export async function cpuProfileByArea(
  run: () => Promise<unknown>,
  classify: (file: string) => string,
  within = 'runSync',
): Promise<{ totalUs: number; areas: { area: string; us: number }[] }> {
  const s = new Session();
  s.connect();
  try {
    await post(s, 'Profiler.enable');
    await post(s, 'Profiler.setSamplingInterval', { interval: 50 });
    await post(s, 'Profiler.start');
    await run();
    const { profile } = await post<{ profile: { nodes: CpuNode[]; samples: number[]; timeDeltas: number[] } }>(s, 'Profiler.stop');
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const memo = new Map<number, string | null>();
    const areaOf = (id: number): string | null => {
      if (memo.has(id)) return memo.get(id)!;
      const leaf = byId.get(id)!.callFrame;
      let area: string | null = null;
      if (leaf.functionName === '(garbage collector)') area = 'garbage collection';
      else {
        let inside = false;
        let file = '';
        for (let c: number | undefined = id; c !== undefined; c = parent.get(c)) {
          const f = byId.get(c)!.callFrame;
          if (!file) file = fileOf(f);
          if (f.functionName === within) inside = true;
        }
        if (inside) area = classify(file);
      }
      memo.set(id, area);
      return area;
    };
    const acc = new Map<string, number>();
    let totalUs = 0;
    profile.samples.forEach((id, i) => {
      const area = areaOf(id);
      if (area === null) return;
      const d = profile.timeDeltas[i] ?? 0;
      totalUs += d;
      acc.set(area, (acc.get(area) ?? 0) + d);
    });
    return { totalUs, areas: [...acc].map(([area, us]) => ({ area, us })).sort((a, b) => b.us - a.us) };
  } finally {
    s.disconnect();
  }
}
