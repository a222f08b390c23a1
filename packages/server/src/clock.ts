/** Time source, injected everywhere time matters so tests move it instead of sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Whole seconds since the epoch of `clock`. */
export function nowSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}
