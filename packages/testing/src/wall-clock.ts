/**
 * A server clock that follows real time, for tests of clients no one here wrote: they put the
 * wall clock into client assertions and DPoP proofs (`iat`, `exp`) and check token expiry against
 * it, so the server must agree. `advance` still moves it forward (an offset on top of real time).
 * @packageDocumentation
 */
import { TestClock } from './clock.js';

/** {@link TestClock} on real time: `now()` is `Date.now()` plus what `advance` added. */
export class WallClock extends TestClock {
  private offsetMs = 0;
  constructor() {
    super(Date.now());
  }
  override now(): number {
    return Date.now() + this.offsetMs;
  }
  override advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
  override seconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
