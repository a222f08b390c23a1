/**
 * The guards a handler meets when its request was not authenticated as the route's hook should
 * have done (a route registered without the hook): no principal is a 401, never a crash, and a
 * request without the session cookie has no session, without reading the store. A unit test: no
 * server, no store.
 */
import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { actorFor, principalOf } from '../../src/management/authenticate.js';
import { SESSION_COOKIE } from '../../src/console/session-cookie.js';
import { authenticateSession } from '../../src/auth/session.js';
import type { SessionLookup } from '../../src/auth/deps.js';
import { optionalSignedIn, signedInAs } from '../../src/console/authenticate.js';
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
    // A lookup that throws on any use: the answer must come before it.
    const sessions: SessionLookup = {
      find: () => {
        throw new Error('the store was read');
      },
    };
    expect(await authenticateSession(sessions, request({ cookies: {} }))).toBeUndefined();
    expect(await authenticateSession(sessions, request({ cookies: { [SESSION_COOKIE]: '' } }))).toBeUndefined();
  });

  it('a console handler answers from the session its hook authenticated, and 401 without one', () => {
    const principal = { type: 'account', accountId: 'acc_1', email: 'ada@example.com' } as Principal;
    // No session authenticated (an anonymous call of a session-optional route): nobody is signed in.
    expect(optionalSignedIn(request({ principal }))).toBeUndefined();
    expect(() => signedInAs(request({}))).toThrow(Unauthenticated);
    const consoleSession = { email: 'ada@example.com', cookie: 'c', csrfToken: 't', amr: ['pwd'] };
    expect(signedInAs(request({ principal, consoleSession })).session).toBe(consoleSession);
    const operator = { type: 'console', adminId: 'adm_1', email: 'op@example.com' } as Principal;
    expect(signedInAs(request({ principal: operator, consoleSession }))).toMatchObject({ accountId: 'adm_1' });
    // A bearer principal is no console account, whatever the request carries.
    const bearer = { type: 'admin', email: 'x' } as unknown as Principal;
    expect(optionalSignedIn(request({ principal: bearer, consoleSession }))).toBeUndefined();
  });
});
