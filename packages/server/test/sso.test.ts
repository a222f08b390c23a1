/**
 * Console single sign-on against a real OpenID Connect provider (node-oidc-provider, started
 * here): the whole authorization code + PKCE round trip over real HTTP, then docs/security.md J-93 —
 * wrong `state`, a replayed code, a `nonce` mismatch, an ID token of another issuer or audience,
 * an unverified email, an unknown email, a disallowed domain: refused, and no session.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ISSUER, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { request } from '@gatehouse/testing/http';
import { loginAtIdp, startIdp, type TestIdp } from '@gatehouse/testing/oidc-idp';
import { createTestAdmin, signIn } from './management-helpers.js';
import { testWithIdp } from './fixtures.js';
import { CLI_ACTOR } from '../src/context.js';
import { createInvitation, invitationOf } from '../src/services/invitations.js';
import { SsoClient } from '../src/services/sso.js';

const CALLBACK = `${ISSUER}/api/v1/session/sso/callback`;

/** The file's fixtures over a server whose SSO uses a provider knowing these accounts. */
const it = testWithIdp(
  {
    ada: { email: 'Ada@Example.com', email_verified: true },
    eve: { email: 'ada@example.com', email_verified: false },
    bob: { email: 'bob@example.com', email_verified: true },
    mallory: { email: 'mallory@elsewhere.test', email_verified: true },
  },
  { sso: { allowedDomains: ['example.com'] } },
);

describe('console single sign-on (sqlite)', () => {
  // The file's server and provider (fixtures), bound for the tests and helpers below.
  let t: TestServer;
  let idp: TestIdp;
  it.beforeAll(async ({ t: server, idp: provider, administrator: _created }) => {
    t = server;
    idp = provider;
    await createTestAdmin(t, 'mallory@elsewhere.test');
  });

  /** Starts a sign-in at Gatehouse: the provider URL and the login cookie. */
  async function start(): Promise<{ authorizationUrl: URL; cookie: string }> {
    const res = await fetch(`${t.url}/api/v1/session/sso`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('gatehouse_sso='))!;
    expect(setCookie.toLowerCase()).toEqual(expect.stringContaining('httponly'));
    expect(setCookie.toLowerCase()).toEqual(expect.stringContaining('samesite=lax'));
    return { authorizationUrl: new URL(res.headers.get('location')!), cookie: setCookie.split(';')[0]! };
  }

  /** Calls Gatehouse's callback with the provider's answer (as the browser would). */
  async function callback(query: string, cookie: string | undefined) {
    const res = await fetch(`${t.url}/api/v1/session/sso/callback?${query}`, {
      redirect: 'manual',
      headers: cookie ? { cookie } : {},
    });
    const session = res.headers.getSetCookie().find((c) => c.startsWith('gatehouse_session='));
    return { status: res.status, location: res.headers.get('location') ?? '', session: session?.split(';')[0] };
  }

  async function countSessions(): Promise<number> {
    return (await stored(t).sessions()).length;
  }

  async function refusedWithoutSession(query: string, cookie: string | undefined, reason: string) {
    const before = await countSessions();
    const res = await callback(query, cookie);
    expect(res.status).toBe(303);
    expect(res.location).toBe(`/console/?sso_error=${reason}`);
    expect(res.session).toBeUndefined();
    expect(await countSessions()).toBe(before);
  }

  it('advertises SSO to the console', async () => {
    const res = await request(`${t.url}/api/v1/session/options`);
    expect(res.body).toEqual({ password: true, sso: { name: 'SSO' } });
  });

  it('signs an operator in by verified email: code + PKCE S256, state, nonce; the session works', async () => {
    const { authorizationUrl, cookie } = await start();
    expect(authorizationUrl.origin).toBe(idp.issuer);
    const params = authorizationUrl.searchParams;
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(params.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(params.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(params.get('redirect_uri')).toBe(CALLBACK);
    const back = await loginAtIdp(authorizationUrl.href, 'ada');
    expect(back.href.startsWith(CALLBACK)).toBe(true);
    const res = await callback(back.search.slice(1), cookie);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/console/');
    expect(res.session).toMatch(/^gatehouse_session=[\w-]{40,}$/);
    const me = await request(`${t.url}/api/v1/session`, { headers: { cookie: res.session! } });
    expect(me.body).toMatchObject({ email: 'ada@example.com', auth_method: 'sso' });
    expect((await request(`${t.url}/api/v1/environments`, { headers: { cookie: res.session! } })).status).toBe(200);
    expect(idp.challengeMethods.every((m) => m === 'S256')).toBe(true);
  });

  it('J-93 wrong state: refused, no session', async () => {
    const { authorizationUrl, cookie } = await start();
    const back = await loginAtIdp(authorizationUrl.href, 'ada');
    back.searchParams.set('state', 'not-the-state-gatehouse-sent');
    await refusedWithoutSession(back.search.slice(1), cookie, 'invalid_state');
  });

  it('J-93 callback without the login cookie (another browser), or with a forged one: refused', async () => {
    const { authorizationUrl } = await start();
    const back = await loginAtIdp(authorizationUrl.href, 'ada');
    await refusedWithoutSession(back.search.slice(1), undefined, 'invalid_state');
    await refusedWithoutSession(back.search.slice(1), 'gatehouse_sso=v1.forged.value.x', 'invalid_state');
  });

  it('J-93 replayed code: the second use is refused, no second session', async () => {
    const { authorizationUrl, cookie } = await start();
    const back = await loginAtIdp(authorizationUrl.href, 'ada');
    const first = await callback(back.search.slice(1), cookie);
    expect(first.session).toBeDefined();
    await refusedWithoutSession(back.search.slice(1), cookie, 'provider_error');
  });

  it('J-93 the login cookie expires after 10 minutes', async () => {
    const { authorizationUrl, cookie } = await start();
    const back = await loginAtIdp(authorizationUrl.href, 'ada');
    t.clock.advance(601);
    await refusedWithoutSession(back.search.slice(1), cookie, 'invalid_state');
  });

  for (const [name, tamper] of [
    ['nonce mismatch', (c: Record<string, unknown>) => ({ ...c, nonce: 'another-nonce' })],
    ['ID token from another issuer', (c: Record<string, unknown>) => ({ ...c, iss: 'http://127.0.0.1:1' })],
    ['ID token for another audience', (c: Record<string, unknown>) => ({ ...c, aud: 'another-client' })],
  ] as const) {
    it(`J-93 ${name} (validly signed by the provider's key): refused, no session`, async () => {
      const { authorizationUrl, cookie } = await start();
      const back = await loginAtIdp(authorizationUrl.href, 'ada');
      idp.tamper = tamper;
      try {
        await refusedWithoutSession(back.search.slice(1), cookie, 'invalid_response');
      } finally {
        idp.tamper = undefined;
      }
    });
  }

  it('J-93 the untampered re-signing path is accepted (the forgery tests test the claim, not the signature)', async () => {
    const { authorizationUrl, cookie } = await start();
    const back = await loginAtIdp(authorizationUrl.href, 'ada');
    idp.tamper = (c) => c;
    try {
      expect((await callback(back.search.slice(1), cookie)).session).toBeDefined();
    } finally {
      idp.tamper = undefined;
    }
  });

  for (const [login, reason] of [
    ['eve', 'email_unverified'],
    ['bob', 'no_account'],
    ['mallory', 'domain_not_allowed'],
  ] as const) {
    it(`J-93 ${reason.replace('_', ' ')} (${login}): refused, nobody provisioned`, async () => {
      const { authorizationUrl, cookie } = await start();
      const back = await loginAtIdp(authorizationUrl.href, login);
      await refusedWithoutSession(back.search.slice(1), cookie, reason);
      const admins = await stored(t).accounts();
      expect(admins.map((a) => a.email).sort()).toEqual(['ada@example.com', 'mallory@elsewhere.test']);
    });
  }

  it('an error from the provider (access_denied) is refused', async () => {
    const { authorizationUrl, cookie } = await start();
    const query = new URLSearchParams({
      error: 'access_denied',
      state: authorizationUrl.searchParams.get('state')!,
      iss: idp.issuer,
    });
    await refusedWithoutSession(query.toString(), cookie, 'provider_error');
  });

  it('an email in the ID token is used without asking UserInfo; a non-string email is none; an over-long sub is refused', async () => {
    const verified = { email: 'Ada@Example.com', email_verified: true };
    for (const [tamper, reason] of [
      [(c: Record<string, unknown>) => ({ ...c, ...verified }), undefined],
      [(c: Record<string, unknown>) => ({ ...c, email: 42, email_verified: true }), 'email_unverified'],
      [(c: Record<string, unknown>) => ({ ...c, ...verified, sub: 'x'.repeat(256) }), 'invalid_response'],
    ] as const) {
      const { authorizationUrl, cookie } = await start();
      const back = await loginAtIdp(authorizationUrl.href, 'ada');
      idp.tamper = tamper;
      try {
        if (reason) await refusedWithoutSession(back.search.slice(1), cookie, reason);
        else expect((await callback(back.search.slice(1), cookie)).session).toBeDefined();
      } finally {
        idp.tamper = undefined;
      }
    }
  });

  it('a provider whose metadata cannot be fetched is provider_unavailable, and discovery is tried again next time', async () => {
    const client = new SsoClient({
      issuer: 'http://127.0.0.1:1',
      clientId: 'x',
      clientSecret: undefined,
      allowedDomains: [],
      redirectUri: CALLBACK,
      name: 'Down',
      allowHttp: true,
    });
    for (let i = 0; i < 2; i++)
      await expect(client.start(t.server.runtime.ctx)).rejects.toMatchObject({ reason: 'provider_unavailable' });
  });
});

describe('password sign-in switched off', () => {
  let t: TestServer;
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startIdp([CALLBACK]);
    t = await startTestServer('sqlite', {
      config: {
        passwordSignIn: false,
        sso: { issuer: idp.issuer, clientId: idp.clientId, allowHttp: true, name: 'Acme ID' },
      },
    });
    await createTestAdmin(t);
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  it('refuses a right password with 403 password_sign_in_disabled, and says so to the console', async () => {
    const res = await signIn(t, 'ada@example.com', 'correct horse battery staple');
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('password_sign_in_disabled');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect((await request(`${t.url}/api/v1/session/options`)).body).toEqual({
      password: false,
      sso: { name: 'Acme ID' },
    });
  });

  it('refuses to accept an invitation by choosing a password (403 password_sign_in_disabled); it stays pending', async () => {
    const ctx = t.server.runtime.ctx;
    const { link } = await createInvitation(ctx, CLI_ACTOR, 'default', 'newcomer@example.com', 'viewer');
    const token = link.split('/').pop()!;
    const res = await request(`${t.url}/api/v1/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: 'violet tractor umbrella 42' }),
    });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('password_sign_in_disabled');
    expect(res.headers.get('set-cookie')).toBeNull();
    expect((await invitationOf(ctx, token)).existing).toBeUndefined();
  });
});
