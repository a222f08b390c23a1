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

/**
 * Where failures are also counted so that limits hold across nodes: `record` adds one failure of
 * `key` to the shared window and, when that fills it, tells every node (through the change feed)
 * to refuse `key` until the window ends.
 */
export interface SharedFailureCounter {
  record(key: string, limit: number, windowMs: number): Promise<void>;
}

/** Counts failures and refuses further attempts while a window is full. */
export class FailureThrottle {
  private readonly windows = new LRUCache<string, Window>({ max: 200_000 });
  /** Keys another node found over the limit, with the end of their window (ms). */
  private readonly blocked = new LRUCache<string, number>({ max: 100_000 });
  /** Set to share counts across nodes. */
  shared: SharedFailureCounter | undefined;

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
      const until = this.blocked.get(key);
      if (until !== undefined && until > this.clock.now()) throw new TooManyRequests((until - this.clock.now()) / 1000, 'too many failed authentications, retry later');
      const w = this.current(key);
      if (w && w.count >= limit) throw new TooManyRequests((w.start + this.limits.windowMs - this.clock.now()) / 1000, 'too many failed authentications, retry later');
    }
  }

  /** Records a failed authentication of `clientId` from `ip`. */
  fail(clientId: string, ip: string): void {
    for (const [key, limit] of [[`c:${clientId}`, this.limits.perClient], [`i:${ip}`, this.limits.perIp]] as const) {
      const w = this.current(key);
      if (w) w.count++;
      else this.windows.set(key, { start: this.clock.now(), count: 1 });
      // Best effort: a store outage must not turn a failed authentication into a 503.
      void this.shared?.record(key, limit, this.limits.windowMs).catch(() => undefined);
    }
  }

  /** Refuses `key` until `untilMs` (another node found it over the limit). */
  block(key: string, untilMs: number): void {
    if (untilMs > this.clock.now()) this.blocked.set(key, untilMs);
  }
}
