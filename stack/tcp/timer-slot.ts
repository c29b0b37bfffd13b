/**
 * One timer with a movable deadline. Moving the deadline later does not touch
 * the event heap: the pending event fires early and re-arms itself. That keeps
 * "restart the RTO on every ACK" cheap.
 *
 * With `reserved`, for a timer that is disarmed and armed again far more often
 * than it fires (the delayed ACK: armed by one segment, disarmed by the ACK the
 * next one sends): disarm() leaves the pending event in the heap, and arm() at
 * a later time keeps it and takes the place in the event order a new event
 * would have had (Simulator.reserve), where the early event moves the timer
 * when it fires (atReserved). The timer then fires at the same time and in the
 * same order among equal-time events as with cancel-and-schedule, without two
 * heap operations per arming; an event left from a disarm runs and does
 * nothing. cancel() takes the event out (the connection is freed).
 */
import type { Simulator, TimerId } from '../../sim/simulator';

export class TimerSlot {
  private id: TimerId | undefined;
  private evAt = -1;
  /** `reserved`: the event order taken by the last arm() that kept the pending event. */
  private seq = -1;
  due = -1;

  constructor(
    private readonly sim: Simulator,
    private readonly fire: () => void,
    private readonly reserved = false,
  ) {}

  get armed(): boolean {
    return this.due >= 0;
  }

  arm(at: number): void {
    this.due = at;
    if (this.id !== undefined) {
      if (!this.reserved && this.evAt <= at) return;
      if (this.reserved && this.evAt < at) {
        this.seq = this.sim.reserve();
        return;
      }
      this.sim.cancel(this.id);
    }
    this.evAt = at;
    this.id = this.sim.at(at, this.onEvent);
  }

  disarm(): void {
    if (this.reserved) this.due = -1;
    else this.cancel();
  }

  cancel(): void {
    this.due = -1;
    if (this.id !== undefined) this.sim.cancel(this.id);
    this.id = undefined;
  }

  private onEvent = (): void => {
    this.id = undefined;
    if (this.due < 0) return;
    if (this.sim.now < this.due) {
      this.evAt = this.due;
      this.id = this.reserved ? this.sim.atReserved(this.due, this.seq, this.onEvent) : this.sim.at(this.due, this.onEvent);
      return;
    }
    this.due = -1;
    this.fire();
  };
}
