/**
 * Hand-over benchmark: what one hand-over between two threads through Atomics costs on this
 * machine, the figure the bridge's spin constants (devices/runtime/bridge/protocol.ts SPIN_*)
 * rest on. The main thread and a worker share an Int32Array; the main thread hands the turn
 * over (and notifies a sleeping worker), the worker hands it back, and the main thread, spinning,
 * takes the time from its hand-over to the worker's answer. Cases: both spin; the worker sleeps in
 * Atomics.wait (after back-to-back turns, and after the machine idled 1 ms before each, when a
 * halted core must be woken); the worker spins a bounded budget first. Percentiles in µs, and the
 * cost of one spin iteration (one Atomics.load) in ns.
 *   npm run bench -- handover
 */
import { Worker } from 'node:worker_threads';

// The worker: waits for turn 1 (spinning `spin` iterations, then Atomics.wait), answers turn 0.
// Words: 0 turn, 1 worker asleep, 2 spin budget, 3 stop.
const WORKER = `
const { workerData } = require('node:worker_threads');
const h = new Int32Array(workerData);
for (;;) {
  let n = Atomics.load(h, 2);
  while (Atomics.load(h, 0) !== 1 && !Atomics.load(h, 3)) {
    if (--n > 0) continue;
    Atomics.store(h, 1, 1);
    while (Atomics.load(h, 0) !== 1 && !Atomics.load(h, 3)) Atomics.wait(h, 0, 0, 50);
    Atomics.store(h, 1, 0);
  }
  if (Atomics.load(h, 3)) break;
  Atomics.store(h, 0, 0);
}
`;

export interface HandoverCase {
  name: string;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  /** Hand-overs that found the worker asleep (it had to be notified and woken). */
  wokenShare: number;
}

const now = (): number => Number(process.hrtime.bigint()) / 1000;
const cell = new Int32Array(new SharedArrayBuffer(4));
const idle = (ms: number): void => void Atomics.wait(cell, 0, 0, ms);
const pct = (a: number[], p: number): number => a[Math.min(a.length - 1, Math.floor(a.length * p))];

async function handoverCase(name: string, workerSpin: number, idleMs: number, turns: number): Promise<HandoverCase> {
  const sab = new SharedArrayBuffer(16);
  const h = new Int32Array(sab);
  h[2] = workerSpin;
  const w = new Worker(WORKER, { eval: true, workerData: sab });
  await new Promise((r) => w.once('online', r));
  idle(20);
  const times: number[] = [];
  let woken = 0;
  for (let i = 0; i < turns + 10; i++) {
    if (idleMs) idle(idleMs);
    const asleep = Atomics.load(h, 1) !== 0;
    const t0 = now();
    Atomics.store(h, 0, 1);
    if (asleep || Atomics.load(h, 1) !== 0) Atomics.notify(h, 0);
    while (Atomics.load(h, 0) !== 0);
    if (i < 10) continue; // warm-up
    times.push(now() - t0);
    if (asleep) woken++;
  }
  Atomics.store(h, 3, 1);
  Atomics.notify(h, 0);
  await w.terminate();
  times.sort((a, b) => a - b);
  return { name, p50Us: pct(times, 0.5), p90Us: pct(times, 0.9), p99Us: pct(times, 0.99), wokenShare: woken / turns };
}

/** ns per spin iteration (an Atomics.load and the loop around it). */
function spinNs(): number {
  const h = new Int32Array(new SharedArrayBuffer(4));
  const t0 = now();
  let n = 1_000_000;
  while (Atomics.load(h, 0) !== 1 && --n > 0);
  return (now() - t0) / 1000;
}

export async function benchHandover(): Promise<{ spinNs: number; cases: HandoverCase[] }> {
  const cases = [
    await handoverCase('both spin', 2 ** 30, 0, 20_000),
    await handoverCase('worker asleep, back to back', 0, 0, 5_000),
    await handoverCase('worker asleep, 1 ms idle before', 0, 1, 1_000),
    await handoverCase('worker spins 1000 then sleeps, 1 ms idle before', 1000, 1, 1_000),
  ];
  return { spinNs: spinNs(), cases };
}

export function formatHandoverCase(c: HandoverCase): string {
  return `handover: ${c.name}: p50 ${c.p50Us.toFixed(1)} µs, p90 ${c.p90Us.toFixed(1)}, p99 ${c.p99Us.toFixed(1)} (worker woken in ${(c.wokenShare * 100).toFixed(0)}%)`;
}
