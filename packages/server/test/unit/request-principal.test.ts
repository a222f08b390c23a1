/**
 * The guards a handler meets when its request was not authenticated as the route's hook should
 * have done (a route registered without the hook): no principal is a 401, never a crash, and a
 * request without the session cookie has no session, without reading the store. A unit test: no
 * server, no store.
 */
import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import type { Context } from '../../src/context.js';
import { actorFor, principalOf } from '../../src/management/authenticate.js';
import { requestSession, SESSION_COOKIE } from '../../src/console/session-cookie.js';
import { Unauthenticated } from '../../src/errors/domain-errors.js';
import type { Principal } from '../../src/auth/principal.js';

const request = (fields: object) => ({ ip: '192.0.2.1', headers: {}, ...fields }) as unknown as FastifyRequest;

describe('request guards', () => {
  it('a management handler without an authenticated principal answers 401, with one it names its actor', () => {
    expect(() => principalOf(request({}))).toThrow(Unauthenticated);
    expect(() => actorFor(request({}))).toThrow(Unauthenticated);
    const principal = { type: 'console', accountId: 'acc_1', email: 'ada@example.com' } as unknown as Principal;
    expect(principalOf(request({ principal }))).toBe(principal);
    expect(actorFor(request({ principal })).ip).toBe('192.0.2.1');
  });

  it('a request without the session cookie (or with it empty) has no session; the store is not read', async () => {
    // A context whose store throws on any use: the answer must come before it.
    const ctx = new Proxy({} as Context, {
      get: () => {
        throw new Error('the store was read');
      },
    });
    expect(await requestSession(ctx, request({ cookies: {} }))).toBeUndefined();
    expect(await requestSession(ctx, request({ cookies: { [SESSION_COOKIE]: '' } }))).toBeUndefined();
  });
});
