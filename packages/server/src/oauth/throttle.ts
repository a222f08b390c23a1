/**
 * Throttling of failed client authentications (RFC 6749 §10.10, SECURITY.md A-11, F-60), built on
 * @fastify/rate-limit: per `client_id` (known or not) and per IP, fixed one-minute windows. Only
 * failures count: a request peeks at both windows (`increment: false`) before any secret is
 * hashed, and a failed authentication counts one in each. So an honest client is never
 * throttled, one client's failures never lock out another (unless they share an IP flooding past
 * the IP limit), and windows end, so a lockout is never permanent.
 *
 * Counts live in Redis when `GATEHOUSE_REDIS_URL` is set (the plugin's Redis store, shared by
 * every node), otherwise in a {@link WindowStore} shared through the Gatehouse store.
 * @packageDocumentation
 */
import rateLimit, { type FastifyRateLimitStore } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { TooManyRequests } from '../errors/oauth-error.js';
import type { WindowStore } from './throttle-store.js';

/** Limits in failures per window. */
export interface ThrottleLimits {
  perClient: number;
  perIp: number;
  /** Window length, milliseconds. */
  windowMs: number;
}

/** Defaults: 10 failures a minute per client_id, 100 per IP. */
export const DEFAULT_THROTTLE: ThrottleLimits = { perClient: 10, perIp: 100, windowMs: 60_000 };

/** Which window: the client_id's or the IP's. */
export type ThrottleScope = 'client' | 'ip';

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/** Where the windows are counted. */
export type ThrottleBackend = { redis: Redis; prefix: string } | { store: WindowStore };

/** The two windows of the OAuth endpoints' client authentication, on one @fastify/rate-limit limiter. */
export class AuthThrottle {
  /**
   * @param limiter the limiter of the registered plugin; it reads the key to count under from `subjects`.
   * @param subjects the window key each in-flight request is being checked against.
   */
  constructor(
    private readonly limiter: Limiter,
    private readonly subjects: WeakMap<FastifyRequest, string>,
  ) {}

  private static keys(request: FastifyRequest, clientId: string): Array<[ThrottleScope, string]> {
    return [['client', `c:${clientId}`], ['ip', `i:${request.ip}`]];
  }

  /**
   * Refuses the attempt when the client's or the IP's window is full; counts nothing.
   * @throws TooManyRequests (429) with `Retry-After` in seconds until the window ends.
   */
  async check(request: FastifyRequest, clientId: string): Promise<void> {
    for (const [, key] of AuthThrottle.keys(request, clientId)) {
      this.subjects.set(request, key);
      const state = await this.limiter(request, { increment: false });
      if (!state.isAllowed && state.remaining === 0) throw new TooManyRequests(state.ttl / 1000, 'too many failed authentications, retry later');
    }
  }

  /** Counts a failed authentication of `clientId`; answers the windows this failure filled. */
  async fail(request: FastifyRequest, clientId: string): Promise<ThrottleScope[]> {
    const filled: ThrottleScope[] = [];
    for (const [scope, key] of AuthThrottle.keys(request, clientId)) {
      this.subjects.set(request, key);
      const state = await this.limiter(request);
      if (!state.isAllowed && state.remaining === 0 && !state.isExceeded) filled.push(scope);
    }
    return filled;
  }
}

/**
 * Registers @fastify/rate-limit in `scope` (no global hook: only failures are counted) on
 * `backend`, and returns the throttle built on it. Redis errors never fail a request: the
 * windows are then skipped (see `docs/deploy.md`).
 */
export async function registerAuthThrottle(scope: FastifyInstance, backend: ThrottleBackend, limits: ThrottleLimits = DEFAULT_THROTTLE): Promise<AuthThrottle> {
  const subjects = new WeakMap<FastifyRequest, string>();
  const windows = {
    global: false,
    timeWindow: limits.windowMs,
    // One limiter for both windows (no per-limiter child store, so Redis keys are just prefix + key).
    keyGenerator: (request: FastifyRequest) => subjects.get(request) ?? '',
    max: (_request: FastifyRequest, key: string) => (key.startsWith('c:') ? limits.perClient : limits.perIp),
  };
  if ('redis' in backend) {
    await scope.register(rateLimit, { ...windows, redis: backend.redis, nameSpace: backend.prefix, skipOnError: true });
  } else {
    const shared = backend.store;
    // The plugin constructs its store; this one hands the limiter the runtime's shared windows.
    const store = class implements FastifyRateLimitStore {
      incr = shared.incr.bind(shared);
      read = shared.read.bind(shared);
      child() {
        return this;
      }
    };
    await scope.register(rateLimit, { ...windows, store });
  }
  return new AuthThrottle(scope.createRateLimit(), subjects);
}
