/** A timer registered on a virtual clock. */
interface VirtualTimer {
  period: number;
  start: number;
  /** Firings so far; the next is due at start + (fired + 1) period (no drift from repeated addition). */
  fired: number;
  due: number;
  callback: () => void;
  active: boolean;
  order: number;
}

/**
 * Simulated time for the standalone mode and the tests: timers fire in order of due time as the clock is
 * advanced, so runs are deterministic and as fast as the machine allows. `afterEach` runs after every timer
 * callback (the in-process bus flushes its message queue there).
 */
export class VirtualClock {
  private t = 0;
  private timers: VirtualTimer[] = [];
  private counter = 0;
  afterEach: () => void = () => {};

  /** Current time, s. */
  now(): number {
    return this.t;
  }

  /** Calls `callback` every `period` seconds, first at now + period. */
  every(period: number, callback: () => void): { cancel(): void } {
    if (!(period > 0) || !Number.isFinite(period)) throw new Error(`timer period must be positive, got ${period}`);
    const timer: VirtualTimer = { period, start: this.t, fired: 0, due: this.t + period, callback, active: true, order: this.counter++ };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.active = false;
      },
    };
  }

  /** Advances to time `t`, firing every timer that falls due on the way (ties in creation order). */
  advanceTo(t: number): void {
    for (;;) {
      this.timers = this.timers.filter((x) => x.active);
      let next: VirtualTimer | undefined;
      // Ties within a nanosecond fire in creation order.
      for (const x of this.timers) if (!next || x.due < next.due - 1e-9 || (Math.abs(x.due - next.due) <= 1e-9 && x.order < next.order)) next = x;
      if (!next || next.due > t + 1e-12) break;
      this.t = next.due;
      next.fired++;
      next.due = next.start + (next.fired + 1) * next.period;
      next.callback();
      this.afterEach();
    }
    this.t = Math.max(this.t, t);
  }
}
