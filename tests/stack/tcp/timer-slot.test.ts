/**
 * A `reserved` TimerSlot (the delayed ACK's) fires at the same times and in the
 * same order among equal-time events as cancel-and-schedule would.
 */
import { Simulator } from '../../../sim/simulator';
import { TimerSlot } from '../../../stack/tcp/timer-slot';

/** The plain semantics: every disarm cancels, every arm schedules anew. */
class CancelAndSchedule {
  private id: number | undefined;
  constructor(
    private readonly sim: Simulator,
    private readonly fire: () => void,
  ) {}
  arm(at: number): void {
    this.disarm();
    this.id = this.sim.at(at, () => {
      this.id = undefined;
      this.fire();
    });
  }
  disarm(): void {
    if (this.id !== undefined) this.sim.cancel(this.id);
    this.id = undefined;
  }
  get armed(): boolean {
    return this.id !== undefined;
  }
}

function script(seed: number, make: (sim: Simulator, fire: () => void) => { arm(at: number): void; disarm(): void; armed: boolean }): string[] {
  const sim = new Simulator(seed);
  const rng = sim.rng('timer-slot-test');
  const seen: string[] = [];
  const slot = make(sim, () => void seen.push(`slot@${sim.now}`));
  // Times on a coarse grid so that the slot and the other events often coincide.
  for (let i = 0; i < 300; i++) {
    sim.at(rng.range(0, 100) * 10, () => {
      const op = rng.range(0, 9);
      if (op <= 2 && !slot.armed) slot.arm(sim.now + rng.range(0, 4) * 10);
      else if (op === 3) slot.disarm();
      else if (op >= 4) sim.at(sim.now + rng.range(0, 6) * 10, () => void seen.push(`other${i}@${sim.now}`));
      seen.push(`op${i}.${op}@${sim.now}`);
    });
  }
  sim.runSync({ until: 2000 });
  return seen;
}

test.each([1, 2, 3, 4, 5, 6, 7, 8])('reserved slot = cancel and schedule (seed %i)', (seed) => {
  const reserved = script(seed, (sim, fire) => new TimerSlot(sim, fire, true));
  expect(reserved.filter((x) => x.startsWith('slot')).length).toBeGreaterThan(5);
  expect(reserved).toEqual(script(seed, (sim, fire) => new CancelAndSchedule(sim, fire)));
});
