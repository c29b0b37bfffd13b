/** Kernel benchmark: events per wall second through the (time, seq) heap. Wall time is fine here: this is a benchmark, not simulated code. */
import { performance } from 'node:perf_hooks';
import { Simulator } from '../../sim/simulator';

export function benchKernel(events = 2_000_000): { eventsPerS: number } {
  const sim = new Simulator(1);
  // A steady population of 1000 self-rescheduling timers with random delays.
  const rng = sim.rng('bench');
  let left = events;
  const tick = () => {
    if (--left > 0) sim.schedule(1 + rng.int(1000), tick);
  };
  for (let i = 0; i < 1000; i++) sim.schedule(rng.int(1000), tick);
  const t0 = performance.now();
  sim.runSync();
  const dt = (performance.now() - t0) / 1000;
  return { eventsPerS: sim.eventsRun / dt };
}

if (require.main === module) {
  const r = benchKernel();
  console.log(`kernel: ${(r.eventsPerS / 1e6).toFixed(2)} M events/s`);
}
