/**
 * One timer with a movable deadline. Moving the deadline later does not touch
 * the event heap: the pending event fires early and re-arms itself. That keeps
 * "restart the RTO on every ACK" cheap.
 */
import type { Simulator, TimerId } from '../../sim/simulator';

export class TimerSlot {
  private id: TimerId | undefined;
  private evAt = -1;
  due = -1;

  constructor(
    private readonly sim: Simulator,
    private readonly fire: () => void,
  ) {}

  get armed(): boolean {
    return this.due >= 0;
  }

  arm(at: number): void {
    this.due = at;
    if (this.id !== undefined && this.evAt <= at) return;
    if (this.id !== undefined) this.sim.cancel(this.id);
    this.evAt = at;
    this.id = this.sim.at(at, this.onEvent);
  }

  disarm(): void {
    this.due = -1;
    if (this.id !== undefined) this.sim.cancel(this.id);
    this.id = undefined;
  }

  private onEvent = (): void => {
    this.id = undefined;
    if (this.due < 0) return;
    if (this.sim.now < this.due) {
      this.evAt = this.due;
      this.id = this.sim.at(this.due, this.onEvent);
      return;
    }
    this.due = -1;
    this.fire();
  };
}
