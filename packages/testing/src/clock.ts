import type { Clock } from '@gatehouse/server';

/** A clock tests move by hand. Starts at a fixed instant. */
export class TestClock implements Clock {
  constructor(public ms = Date.UTC(2026, 10, 23, 12, 0, 0)) {}
  now(): number {
    return this.ms;
  }
  /** Moves forward `seconds`. */
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
  /** Whole seconds. */
  seconds(): number {
    return Math.floor(this.ms / 1000);
  }
}
