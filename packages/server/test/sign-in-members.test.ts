/**
 * Sign-in factors for member accounts (delegated administration + #18 items 3–4): a member signs
 * in by single sign-on with its verified email; an environment's `require_totp` applies to its
 * members and is set by its owners (not developers); the operator routes list and delete
 * operators only, and are refused to members; a member has a profile.
 */
import { describe, expect } from 'vitest';
import type { TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { request } from '@gatehouse/testing/http';
import { loginAtIdp } from '@gatehouse/testing/oidc-idp';
import { call, type ConsoleSession } from './management-helpers.js';
import { invite, member } from './member-helpers.js';
import { testWithIdp } from './fixtures.js';

/** The file's fixtures over a server whose SSO uses a provider knowing these accounts. */
const it = testWithIdp(
  {
    dev: { email: 'Dev@Tenant-A.test', email_verified: true },
    devfake: { email: 'dev@tenant-a.test', email_verified: false },
    newbie: { email: 'newbie@tenant-a.test', email_verified: true },
    newfake: { email: 'newfake@tenant-a.test', email_verified: false },
  },
  { sso: { allowedDomains: [] } },
);

describe('sign-in factors of members (sqlite)', () => {
  // The file's server and operator (fixtures), bound for the tests and helpers below.
  let t: TestServer;
  let operator: ConsoleSession;
  let owner: ConsoleSession;
  let developer: ConsoleSession;
  const idOf = (email: string) => stored(t).accountId(email);

  it.beforeAll(async ({ t: server, operator: signedIn }) => {
    t = server;
    operator = signedIn;
    expect((await call(t, { session: operator }, 'POST', '/environments', { slug: 'alpha' })).status).toBe(201);
    owner = await member(t, operator, 'alpha', 'olga@tenant-a.test', 'owner');
    developer = await member(t, operator, 'alpha', 'dev@tenant-a.test', 'developer');
  });

  async function ssoSignIn(login: string): Promise<{ location: string; session: string | undefined }> {
    const started = await fetch(`${t.url}/api/v1/session/sso`, { redirect: 'manual' });
    const cookie = started.headers
      .getSetCookie()
      .find((c) => c.startsWith('gatehouse_sso='))!
      .split(';')[0]!;
    const back = await loginAtIdp(started.headers.get('location')!, login);
    const res = await fetch(`${t.url}/api/v1/session/sso/callback${back.search}`, {
      redirect: 'manual',
      headers: { cookie },
    });
    return {
      location: res.headers.get('location') ?? '',
      session: res.headers
        .getSetCookie()
        .find((c) => c.startsWith('gatehouse_session='))
        ?.split(';')[0],
    };
  }

  it('a member signs in by SSO with its verified email and acts by its role; an unverified one is refused', async () => {
    const refused = await ssoSignIn('devfake');
    expect(refused.location).toBe('/console/?sso_error=email_unverified');
    expect(refused.session).toBeUndefined();
    const { location, session: cookie } = await ssoSignIn('dev');
    expect(location).toBe('/console/');
    const me = await request(`${t.url}/api/v1/session`, { headers: { cookie: cookie! } });
    expect(me.body).toMatchObject({ email: 'dev@tenant-a.test', auth_method: 'sso' });
    const sso: ConsoleSession = { cookie: cookie!, csrf: String(me.body.csrf_token), setCookie: '' };
    expect((await call(t, { session: sso }, 'GET', '/environments/alpha/integrations')).status).toBe(200);
    expect((await call(t, { session: sso }, 'PATCH', '/environments/alpha', { name: 'Nope' })).status).toBe(403);
    expect((await call(t, { session: sso }, 'GET', '/operators')).status).toBe(403);
  });

  it('a pending invitation is accepted by SSO with its verified email (once); an unverified email is refused', async () => {
    await invite(t, operator, 'alpha', 'newbie@tenant-a.test', 'viewer');
    await invite(t, operator, 'alpha', 'newfake@tenant-a.test', 'viewer');
    const fake = await ssoSignIn('newfake');
    expect(fake.location).toBe('/console/?sso_error=email_unverified');
    expect(fake.session).toBeUndefined();
    const { location, session: cookie } = await ssoSignIn('newbie');
    expect(location).toBe('/console/');
    const me = await request(`${t.url}/api/v1/session`, { headers: { cookie: cookie! } });
    expect(me.body).toMatchObject({ email: 'newbie@tenant-a.test', auth_method: 'sso' });
    const s: ConsoleSession = { cookie: cookie!, csrf: String(me.body.csrf_token), setCookie: '' };
    expect((await call(t, { session: s }, 'GET', '/environments/alpha/integrations')).status).toBe(200);
    expect(
      (await call(t, { session: s }, 'POST', '/environments/alpha/integrations', { name: 'x', preset: 'read-only' }))
        .status,
    ).toBe(403);
    const invitations = (await stored(t).invitations()).filter((i) => i.email === 'newbie@tenant-a.test');
    expect(invitations.map((i) => i.used_at !== null)).toEqual([true]);
    // A second SSO sign-in finds the account; nothing new is created.
    expect((await ssoSignIn('newbie')).location).toBe('/console/');
    expect(await stored(t).accountsWithEmail('newbie@tenant-a.test')).toHaveLength(1);
  });

  it("require_totp of an environment: its owner sets it, a developer can't; it binds the members' password sessions", async () => {
    expect(
      (await call(t, { session: developer }, 'PUT', '/environments/alpha/require-totp', { required: true })).status,
    ).toBe(403);
    const set = await call(t, { session: owner }, 'PUT', '/environments/alpha/require-totp', { required: true });
    expect({ status: set.status, body: set.body }).toEqual({ status: 200, body: { required: true } });
    const res = await call(t, { session: developer }, 'GET', '/environments/alpha/integrations');
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('totp_required');
    // The profile stays open so the member can enrol.
    const profile = await request(`${t.url}/api/v1/profile`, { headers: { cookie: developer.cookie } });
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ email: 'dev@tenant-a.test', totp: { enabled: false } });
    // Operators are bound by GATEHOUSE_REQUIRE_TOTP only; the environment's setting binds its members.
    expect((await call(t, { session: operator }, 'GET', '/environments/alpha/integrations')).status).toBe(200);
    expect(
      (await call(t, { session: operator }, 'PUT', '/environments/alpha/require-totp', { required: false })).status,
    ).toBe(200);
    expect((await call(t, { session: developer }, 'GET', '/environments/alpha/integrations')).status).toBe(200);
  });

  it('operators are listed and deleted as operators only; a member is not an operator', async () => {
    const list = await call(t, { session: operator }, 'GET', '/operators');
    expect(list.status).toBe(200);
    expect((list.body.items as { email: string }[]).map((o) => o.email)).toEqual(['ada@example.com']);
    expect(
      (await call(t, { session: operator }, 'DELETE', `/operators/${await idOf('dev@tenant-a.test')}`)).status,
    ).toBe(404);
    expect((await call(t, { session: owner }, 'DELETE', `/operators/${await idOf('ada@example.com')}`)).status).toBe(
      403,
    );
    const members = await call(t, { session: operator }, 'GET', '/environments/alpha/members');
    expect(members.text).toContain('dev@tenant-a.test');
  });
});
