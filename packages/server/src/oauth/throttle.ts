/**
 * Throttling of failed client authentications (RFC 6749 §10.10, SECURITY.md A-11, F-60): per
 * `client_id` (known or not) and per IP, fixed one-minute windows, checked before any secret is
 * hashed. Only failures count, so an honest client is never throttled, and one client's failures
 * never lock out another (unless they share an IP flooding past the IP limit). Windows end, so a
 * lockout is never permanent.
 * @packageDocumentation
 */
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import { TooManyRequests } from '../errors/oauth-error.js';

/** Limits in failures per window. */
export interface ThrottleLimits {
  perClient: number;
  perIp: number;
  /** Window length, milliseconds. */
  windowMs: number;
}

/** Defaults: 10 failures a minute per client_id, 100 per IP. */
export const DEFAULT_THROTTLE: ThrottleLimits = { perClient: 10, perIp: 100, windowMs: 60_000 };

interface Window {
  start: number;
  count: number;
}

/** Counts failures and refuses further attempts while a window is full. */
export class FailureThrottle {
  private readonly windows = new LRUCache<string, Window>({ max: 200_000 });

  constructor(
    private readonly clock: Clock,
    private readonly limits: ThrottleLimits = DEFAULT_THROTTLE,
  ) {}

  private current(key: string): Window | undefined {
    const w = this.windows.get(key);
    if (!w || this.clock.now() - w.start >= this.limits.windowMs) return undefined;
    return w;
  }

  /**
   * Refuses the attempt when the client's or the IP's window is full.
   * @throws TooManyRequests (429) with `Retry-After` in seconds until the window ends.
   */
  check(clientId: string, ip: string): void {
    for (const [key, limit] of [[`c:${clientId}`, this.limits.perClient], [`i:${ip}`, this.limits.perIp]] as const) {
      const w = this.current(key);
      if (w && w.count >= limit) throw new TooManyRequests((w.start + this.limits.windowMs - this.clock.now()) / 1000, 'too many failed authentications, retry later');
    }
  }

  /** Records a failed authentication of `clientId` from `ip`. */
  fail(clientId: string, ip: string): void {
    for (const key of [`c:${clientId}`, `i:${ip}`]) {
      const w = this.current(key);
      if (w) w.count++;
      else this.windows.set(key, { start: this.clock.now(), count: 1 });
    }
  }
}
