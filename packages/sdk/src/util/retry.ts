/**
 * Retry with capped exponential backoff and jitter, honouring `Retry-After`.
 * @packageDocumentation
 * @internal
 */
import { HttpError, NetworkError } from '../errors/http-errors.js';
import type { Sleep } from '../types.js';

/**
 * How failed requests to the authorization server are retried. Only network errors, 429 and 5xx
 * are retried; every other 4xx (notably `invalid_client`) fails at once.
 *
 * @example
 * ```ts
 * createTokenSource({ issuer, clientId, clientSecret, retry: { maxAttempts: 6, baseDelay: 100, maxDelay: 2000, maxRetryAfter: 30 } });
 * ```
 */
export interface RetryOptions {
  /** Attempts in total, the first included (default 4; 1 switches retries off). */
  maxAttempts?: number;
  /** First backoff step in milliseconds (default 200); doubled per attempt. */
  baseDelay?: number;
  /** Cap of one backoff step in milliseconds (default 5000). */
  maxDelay?: number;
  /** Longest `Retry-After` in **seconds** the source will wait (default 60); longer ones fail at once. */
  maxRetryAfter?: number;
}

/** Dependencies of {@link withRetry}, injectable for tests. */
export interface RetryDeps {
  sleep: Sleep;
  /** A number in [0, 1), `Math.random` by default. */
  random: () => number;
}

/** The default sleep: a `setTimeout` promise. */
export const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether an error is worth another attempt: network failure, 429 or 5xx. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof NetworkError) return true;
  return err instanceof HttpError && (err.status === 429 || err.status >= 500);
}

/**
 * Runs `operation` until it succeeds, fails with a non-retryable error, or `maxAttempts` is spent.
 * Waits `max(Retry-After, backoff)` between attempts, where backoff is "equal jitter":
 * half of `min(maxDelay, baseDelay·2^(n−1))` plus a random share of the other half.
 */
export async function withRetry<T>(operation: () => Promise<T>, options: RetryOptions, deps: RetryDeps): Promise<T> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const baseDelay = options.baseDelay ?? 200;
  const maxDelay = options.maxDelay ?? 5000;
  const maxRetryAfter = options.maxRetryAfter ?? 60;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (err) {
      if (attempt >= maxAttempts || !isRetryable(err)) throw err;
      const retryAfter = err instanceof HttpError ? err.retryAfter : undefined;
      if (retryAfter !== undefined && retryAfter > maxRetryAfter) throw err;
      const step = Math.min(maxDelay, baseDelay * 2 ** (attempt - 1));
      const backoff = step / 2 + deps.random() * (step / 2);
      await deps.sleep(Math.max((retryAfter ?? 0) * 1000, Math.round(backoff)));
    }
  }
}
