/**
 * docs/security.md K-103: the console's signed-in routes (the current session, sign-out, the
 * profile, invitation acceptance) are one authenticating context whose hook authenticates the
 * session cookie and decides the route's action. A bearer token, however strong, is no session:
 * it reaches none of them, and changes nothing.
 */
import { describe, expect } from 'vitest';
import { accessToken, ADMIN_EMAIL, ADMIN_PASSWORD, call, session } from './management-helpers.js';
import { it } from './fixtures.js';

/** Every profile route, with a body it would accept from a session. */
const PROFILE_ROUTES: [string, string, unknown][] = [
  ['GET', '/profile', undefined],
  ['POST', '/profile/password', { current_password: ADMIN_PASSWORD, new_password: 'a brand new passphrase 1' }],
  ['POST', '/profile/totp', { password: ADMIN_PASSWORD }],
  ['POST', '/profile/totp/confirm', { code: '123456' }],
  ['POST', '/profile/totp/disable', { code: '123456', password: ADMIN_PASSWORD }],
  ['POST', '/profile/recovery-codes', { code: '123456' }],
];

describe('K-103 the console signed-in context (sqlite)', () => {
  let bearer: string;
  // The administrator exists (the tests sign in themselves).
  it.beforeAll(async ({ t, administrator: _created }) => {
    bearer = await accessToken(t, await t.integration({ preset: 'all-permissions' }));
  });

  it('K-103 a bearer token calls none of the profile routes (401), and changes nothing', async ({ t }) => {
    // The token is good: the management API takes it.
    expect((await call(t, { bearer }, 'GET', '/environments/default')).status).toBe(200);
    for (const [method, path, body] of PROFILE_ROUTES) {
      const res = await call(t, { bearer }, method, path, body);
      expect([method, path, res.status, res.body.error]).toEqual([method, path, 401, 'unauthorized']);
    }
    // The password is the same (this sign-in takes it) and TOTP is still off.
    const s = await session(t);
    const profile = await call(t, { session: s }, 'GET', '/profile');
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ email: ADMIN_EMAIL, totp: { enabled: false } });
  });

  it('K-103 nor the current session (401), and its sign-out ends no session', async ({ t }) => {
    const s = await session(t);
    expect((await call(t, { bearer }, 'GET', '/session')).status).toBe(401);
    expect((await call(t, { bearer }, 'DELETE', '/session')).status).toBe(204);
    expect((await call(t, { session: s }, 'GET', '/session')).status).toBe(200);
  });

  it('K-103 the hook checks the session as every session route: CSRF on a state-changing profile route', async ({
    t,
  }) => {
    const s = await session(t);
    const res = await call(t, { session: s, csrf: false }, 'POST', '/profile/totp', { password: ADMIN_PASSWORD });
    expect([res.status, res.body.error]).toEqual([403, 'invalid_csrf_token']);
    const ok = await call(t, { session: s }, 'POST', '/profile/totp', { password: ADMIN_PASSWORD });
    expect(ok.status).toBe(200);
  });

  it('K-103 sign-out and invitation acceptance: a session sent is authenticated by the hook, none runs anonymously', async ({
    t,
  }) => {
    const s = await session(t);
    // With a session, the hook checks it before the handler: no CSRF header, nothing done.
    const out = await call(t, { session: s, csrf: false }, 'DELETE', '/session');
    expect([out.status, out.body.error]).toEqual([403, 'invalid_csrf_token']);
    const accept = await call(t, { session: s, csrf: false }, 'POST', '/invitations/accept', { token: 'x'.repeat(40) });
    expect([accept.status, accept.body.error]).toEqual([403, 'invalid_csrf_token']);
    expect((await call(t, { session: s }, 'GET', '/session')).status).toBe(200);
    // A dead cookie is no session: sign-out answers 204 and clears it.
    const dead = await call(t, { session: { ...s, cookie: 'gatehouse_session=forged' } }, 'DELETE', '/session');
    expect(dead.status).toBe(204);
    expect(dead.headers.get('set-cookie')).toMatch(/^gatehouse_session=;.*Max-Age=0/i);
    // Signing out with the session ends it.
    expect((await call(t, { session: s }, 'DELETE', '/session')).status).toBe(204);
    expect((await call(t, { session: s }, 'GET', '/session')).status).toBe(401);
  });
});
