/**
 * The @fastify/rate-limit store Gatehouse uses when no Redis is configured: fixed windows on the
 * injected clock (so tests move time instead of sleeping), counted in this process and, for
 * failures, also in the Gatehouse store so limits hold across nodes. Reads never touch the store:
 * a node learns that another node filled a window through the change feed (`block`).
 * @packageDocumentation
 */
import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import { LRUCache } from 'lru-cache';
import { upToEntries } from '../cache/bounded.js';
import type { Clock } from '../clock.js';

/**
 * Counts failures of `key` across nodes: adds one to the shared window and returns its count, and
 * when that fills the window, tells every node (change feed) to refuse `key` until it ends.
 */
export interface SharedFailureCounter {
  record(key: string, limit: number, windowMs: number): Promise<number>;
}

/** What @fastify/rate-limit's stores answer: the count in the window and its time left (ms). */
interface WindowState {
  current: number;
  ttl: number;
}

type Callback = (error: Error | null, result?: WindowState) => void;

interface Window {
  start: number;
  count: number;
}

/**
 * A @fastify/rate-limit store (`incr`, `read`, `child`) with windows on `clock`. Failures are
 * recorded in `shared` when set; if the store is unreachable the local count is used, so an
 * outage never turns a failed authentication into a 503.
 */
export class WindowStore implements FastifyRateLimitStore {
  private readonly windows = new LRUCache<string, Window>(upToEntries(200_000));
  /** Keys another node found over the limit, with the end of their window (ms). */
  private readonly blocked = new LRUCache<string, number>(upToEntries(100_000));

  constructor(
    private readonly clock: Clock,
    private readonly shared?: SharedFailureCounter,
  ) {}

  private current(key: string, windowMs: number): Window | undefined {
    const w = this.windows.get(key);
    if (!w || this.clock.now() - w.start >= windowMs) return undefined;
    return w;
  }

  /** The window of `key` without counting (`timeWindow` in ms). */
  read(key: string, callback: Callback, timeWindow: number, max: number): void {
    const now = this.clock.now();
    const until = this.blocked.get(key);
    if (until !== undefined && until > now) return callback(null, { current: max, ttl: until - now });
    const w = this.current(key, timeWindow);
    callback(null, w ? { current: w.count, ttl: w.start + timeWindow - now } : { current: 0, ttl: 0 });
  }

  /** Counts one more in the window of `key`; the answer is the larger of the local and shared counts. */
  incr(key: string, callback: Callback, timeWindow: number, max: number): void {
    let w = this.current(key, timeWindow);
    if (w) w.count++;
    else this.windows.set(key, (w = { start: this.clock.now(), count: 1 }));
    const local = w;
    const answer = (count: number) => callback(null, { current: Math.max(local.count, count), ttl: local.start + timeWindow - this.clock.now() });
    if (!this.shared) return answer(0);
    this.shared.record(key, max, timeWindow).then(answer, () => answer(0));
  }

  /** Refuses `key` until `untilMs` (another node found it over the limit). */
  block(key: string, untilMs: number): void {
    if (untilMs > this.clock.now()) this.blocked.set(key, untilMs);
  }

  /** Every limiter shares this one store: keys carry their own prefix. */
  child(): this {
    return this;
  }
}
