// Time for the sandbox. `now()` is wall time; `delay(ms)` scales durations by the speed-up factor
// so that hour-long queues and validity periods can be exercised in seconds.

export class Clock {
  private speed = 1;

  now(): number {
    return Date.now();
  }

  /** Real milliseconds to wait for `ms` of simulated time. */
  delay(ms: number): number {
    return ms / this.speed;
  }

  get speedUp(): number {
    return this.speed;
  }

  setSpeedUp(factor: number): void {
    if (!(factor >= 1 && factor <= 100_000)) throw new RangeError('speed-up must be between 1 and 100000');
    this.speed = factor;
  }
}
