/**
 * docs/security.md K-96..K-99 over HTTP (the in-process test server; a real OpenID Connect
 * provider for single sign-on):
 * - K-96 every code check (sign-in step, confirm enrolment, regenerate recovery codes, disable
 *   TOTP) runs under the account's code windows: once full, even the right code is 429 until the
 *   window ends (the injected clock moves it);
 * - K-97 enrolling or removing TOTP with the session cookie alone is refused; the current password
 *   is asked (throttled like sign-in) unless the account was provisioned by SSO (it has none);
 * - K-98 emails compare ASCII case-insensitively: an identity provider's email that differs by
 *   Unicode folding matches nothing; identities are linked by (`iss`, `sub`) after the first
 *   sign-in and an email change at the provider doesn't move the account;
 * - K-99 an invitation never changes the accepter's own role (the last owner is kept) and a
 *   removal revokes the member's pending invitations.
 */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS, STORE_KINDS } from '@gatehouse/testing/stores';
import type { TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { request, type Res } from '@gatehouse/testing/http';
import { loginAtIdp, type TestIdp } from '@gatehouse/testing/oidc-idp';
import { startWithIdp } from '@gatehouse/testing/sso-server';
import { beginTotp, confirmTotp } from '../src/services/totp.js';
import { normalizeEmail } from '../src/services/admins.js';
import { repositories, unitOfWork } from '../src/store/unit-of-work.js';
import { call, createTestAdmin, signIn, type ConsoleSession } from './management-helpers.js';
import { test as onSqlite, testsOn } from './fixtures.js';
import { accept, invite, member, MEMBER_PASSWORD } from './member-helpers.js';

const PASSWORD = 'correct horse battery staple';

function codeOf(t: TestServer, secret: string): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: t.clock.now(),
  });
}
const wrongCode = (right: string) => (right === '000000' ? '111111' : '000000');
const sessionFrom = (res: Res): ConsoleSession => ({
  cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!,
  csrf: String(res.body.csrf_token),
  setCookie: '',
});

function totpStep(t: TestServer, challenge: string, code: string): Promise<Res> {
  return request(`${t.url}/api/v1/session/totp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ challenge, code }),
  });
}

describe('K-96 K-97 code checks and factor changes (sqlite)', () => {
  const it = onSqlite;
  // The file's server (fixture), bound for the tests and helpers below.
  let t: TestServer;
  it.beforeAll(({ t: server }) => {
    t = server;
  });

  /** A new operator with TOTP enrolled (through the services) and a session opened with it. */
  async function enrolled(email: string): Promise<{ s: ConsoleSession; secret: string; id: string }> {
    await createTestAdmin(t, email, PASSWORD);
    const ctx = t.server.runtime.ctx;
    const id = (await repositories(ctx.store).accounts.byEmail(email))!.id;
    const { secret } = await beginTotp(ctx, { id, email });
    await confirmTotp(ctx, id, codeOf(t, secret));
    t.clock.advance(30);
    const first = await signIn(t, email, PASSWORD);
    const res = await totpStep(t, String(first.body.challenge), codeOf(t, secret));
    expect(res.body.amr).toEqual(['pwd', 'otp']);
    return { s: sessionFrom(res), secret, id };
  }

  /** Each code-checking route: a wrong attempt, the right attempt (given the current code), its success status. */
  const ROUTES: {
    name: string;
    setup: (email: string) => Promise<{ attempt: (code: string) => Promise<Res>; secret: () => string }>;
    wrongStatus: number;
    okStatus: number;
  }[] = [
    {
      name: 'sign-in step (POST /session/totp)',
      wrongStatus: 401,
      okStatus: 200,
      async setup(email) {
        const { secret } = await enrolled(email);
        return {
          secret: () => secret,
          attempt: async (code) => totpStep(t, String((await signIn(t, email, PASSWORD)).body.challenge), code),
        };
      },
    },
    {
      name: 'regenerate recovery codes',
      wrongStatus: 400,
      okStatus: 200,
      async setup(email) {
        const { s, secret } = await enrolled(email);
        return {
          secret: () => secret,
          attempt: (code) => call(t, { session: s }, 'POST', '/profile/recovery-codes', { code }),
        };
      },
    },
    {
      name: 'disable TOTP',
      wrongStatus: 400,
      okStatus: 204,
      async setup(email) {
        const { s, secret } = await enrolled(email);
        return {
          secret: () => secret,
          attempt: (code) => call(t, { session: s }, 'POST', '/profile/totp/disable', { code, password: PASSWORD }),
        };
      },
    },
    {
      name: 'confirm enrolment',
      wrongStatus: 400,
      okStatus: 200,
      async setup(email) {
        await createTestAdmin(t, email, PASSWORD);
        const s = sessionFrom(await signIn(t, email, PASSWORD));
        const begun = await call(t, { session: s }, 'POST', '/profile/totp', { password: PASSWORD });
        return {
          secret: () => String(begun.body.secret),
          attempt: (code) => call(t, { session: s }, 'POST', '/profile/totp/confirm', { code }),
        };
      },
    },
  ];

  it.each(ROUTES.map((r, i) => [r.name, i] as const))(
    'K-96 %s: 5 wrong codes, then the right one is 429 until the window ends',
    async (_name, i) => {
      const route = ROUTES[i]!;
      const { attempt, secret } = await route.setup(`k96-${i}@example.com`);
      t.clock.advance(30);
      for (let n = 0; n < 5; n++)
        expect((await attempt(wrongCode(codeOf(t, secret())))).status).toBe(route.wrongStatus);
      const limited = await attempt(codeOf(t, secret()));
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // The window ends (15 minutes on the injected clock): the right code works again.
      t.clock.advance(15 * 60 + 30);
      expect((await attempt(codeOf(t, secret()))).status).toBe(route.okStatus);
    },
  );

  it('K-96 an invitation revoked while its accepter is at the code step: the right code opens no session and joins nothing', async () => {
    const { s: op } = await enrolled('inviter@example.com');
    for (const slug of ['first-env', 'second-env'])
      expect((await call(t, { session: op }, 'POST', '/environments', { slug })).status).toBe(201);
    // A member who then turns TOTP on.
    await member(t, op, 'first-env', 'mia@example.com', 'viewer');
    const ctx = t.server.runtime.ctx;
    const id = (await repositories(ctx.store).accounts.byEmail('mia@example.com'))!.id;
    const { secret } = await beginTotp(ctx, { id, email: 'mia@example.com' });
    await confirmTotp(ctx, id, codeOf(t, secret));
    t.clock.advance(30);
    const token = await invite(t, op, 'second-env', 'mia@example.com', 'developer');
    const first = await accept(t, token, MEMBER_PASSWORD);
    expect(first.status).toBe(200);
    expect(first.body.second_factor).toBe('totp');
    const pending = await call(t, { session: op }, 'GET', '/environments/second-env/invitations');
    const invitationId = (pending.body.items as { id: string }[])[0]!.id;
    expect(
      (await call(t, { session: op }, 'DELETE', `/environments/second-env/invitations/${invitationId}`)).status,
    ).toBe(204);
    const step = await totpStep(t, String(first.body.challenge), codeOf(t, secret));
    expect(step.status).toBe(400);
    expect(step.body.error).toBe('invalid_invitation');
    expect(step.headers.get('set-cookie')).toBeNull();
    const members = await call(t, { session: op }, 'GET', '/environments/second-env/members');
    expect(members.body.items).toEqual([]);
  });

  it('K-97 enrolment and removal with the session cookie alone are refused; the password is throttled like sign-in', async () => {
    await createTestAdmin(t, 'k97@example.com', PASSWORD);
    const s = sessionFrom(await signIn(t, 'k97@example.com', PASSWORD));
    const bare = await call(t, { session: s }, 'POST', '/profile/totp', {});
    expect([bare.status, bare.body.error]).toEqual([403, 'current_password_required']);
    const id = (await repositories(t.server.runtime.ctx.store).accounts.byEmail('k97@example.com'))!.id;
    const factors = () => stored(t).totpFactorRows(id);
    expect(await factors()).toEqual([]);
    for (let n = 0; n < 5; n++)
      expect(
        (await call(t, { session: s }, 'POST', '/profile/totp', { password: `wrong password ${n}` })).body.error,
      ).toBe('invalid_credentials');
    // The email's sign-in window is full: even the right password waits (and so does sign-in).
    expect((await call(t, { session: s }, 'POST', '/profile/totp', { password: PASSWORD })).status).toBe(429);
    expect((await signIn(t, 'k97@example.com', PASSWORD)).status).toBe(429);
    t.clock.advance(15 * 60 + 1);
    const begun = await call(t, { session: s }, 'POST', '/profile/totp', { password: PASSWORD });
    expect(begun.status).toBe(200);
    const confirmed = await call(t, { session: s }, 'POST', '/profile/totp/confirm', {
      code: codeOf(t, String(begun.body.secret)),
    });
    expect(confirmed.status).toBe(200);
    t.clock.advance(30);
    const noPassword = await call(t, { session: s }, 'POST', '/profile/totp/disable', {
      code: codeOf(t, String(begun.body.secret)),
    });
    expect([noPassword.status, noPassword.body.error]).toEqual([403, 'current_password_required']);
    expect((await factors()).map((f) => f.confirmed_at !== null)).toEqual([true]);
  });
});

describe.each(HTTP_STORE_KINDS)('K-98 K-99 SSO identities and invitations (%s)', (kind) => {
  let t: TestServer;
  let idp: TestIdp;
  let operator: ConsoleSession;
  beforeAll(async () => {
    ({ t, idp } = await startWithIdp(
      kind,
      {
        kelvin: { email: '\u212Aate@example.com', email_verified: true },
        dotted: { email: '\u0130da@example.com', email_verified: true },
        longs: { email: '\u017Fam@example.com', email_verified: true },
        lin: { email: 'LIN@Example.com', email_verified: true },
        imposter: { email: 'lin@example.com', email_verified: true },
        newbie: { email: 'newbie@example.com', email_verified: true },
      },
      { sso: { allowedDomains: [] } },
    ));
    await createTestAdmin(t, 'ada@example.com', PASSWORD);
    for (const email of ['kate@example.com', 'ida@example.com', 'sam@example.com', 'lin@example.com'])
      await createTestAdmin(t, email, PASSWORD);
    operator = sessionFrom(await signIn(t, 'ada@example.com', PASSWORD));
    expect((await call(t, { session: operator }, 'POST', '/environments', { slug: 'alpha' })).status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  async function sso(
    login: string,
  ): Promise<{ error: string | null; email?: string; amr?: string[]; session?: ConsoleSession }> {
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
    const location = new URL(res.headers.get('location')!, t.url);
    const session = res.headers
      .getSetCookie()
      .find((c) => c.startsWith('gatehouse_session='))
      ?.split(';')[0];
    if (!session) return { error: location.searchParams.get('sso_error') };
    const me = await request(`${t.url}/api/v1/session`, { headers: { cookie: session } });
    return {
      error: null,
      email: String(me.body.email),
      amr: me.body.amr as string[],
      session: { cookie: session, csrf: String(me.body.csrf_token), setCookie: '' },
    };
  }

  it('K-98 emails compare ASCII case-insensitively only', () => {
    expect(normalizeEmail(' Kate@EXAMPLE.com ')).toBe('kate@example.com');
    expect(normalizeEmail('\u212Aate@example.com')).toBe('\u212Aate@example.com');
    expect(normalizeEmail('\u0130da@example.com')).toBe('\u0130da@example.com');
    expect(normalizeEmail('\u017Fam@example.com')).toBe('\u017Fam@example.com');
  });

  it.each(['kelvin', 'dotted', 'longs'])(
    'K-98 a verified email differing by Unicode folding (%s) signs nobody in',
    async (login) => {
      expect(await sso(login)).toEqual({ error: 'no_account' });
    },
  );

  it('K-98 the first sign-in links (iss, sub); an email change at the provider does not move the account; another subject asserting the email is refused', async () => {
    expect(await sso('lin')).toMatchObject({ error: null, email: 'lin@example.com', amr: ['sso'] });
    const links = await stored(t).ssoIdentities();
    expect(links.map((l) => [l.issuer, l.subject])).toEqual([[idp.issuer, 'lin']]);
    // The provider now asserts another (unverified even) email for that subject: still lin's account.
    idp.accounts.set('lin', { email: 'someone-else@example.com', email_verified: false });
    expect(await sso('lin')).toMatchObject({ error: null, email: 'lin@example.com', amr: ['sso'] });
    // Another subject asserting lin's verified email gets nothing.
    expect(await sso('imposter')).toEqual({ error: 'no_account' });
  });

  it('K-98 an account provisioned by SSO (nobody knows its password) enrols TOTP without one', async () => {
    await invite(t, operator, 'alpha', 'newbie@example.com', 'viewer');
    const { error, session: s } = await sso('newbie');
    expect(error).toBeNull();
    expect((await call(t, { session: s! }, 'POST', '/profile/totp', {})).status).toBe(200);
  });

  it('K-99 the sole owner accepting an invitation of its own email as viewer: 409, still owner', async () => {
    expect((await call(t, { session: operator }, 'POST', '/environments', { slug: 'solo' })).status).toBe(201);
    const owner = await member(t, operator, 'solo', 'olga@tenant.test', 'owner');
    const token = await invite(t, owner, 'solo', 'olga@tenant.test', 'viewer');
    const bySession = await request(`${t.url}/api/v1/invitations/accept`, {
      method: 'POST',
      headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(bySession.status).toBe(409);
    // By password (a sign-in of the same account): the same rule.
    const byPassword = await accept(t, token, MEMBER_PASSWORD);
    expect(byPassword.status).toBe(409);
    const members = await call(t, { session: operator }, 'GET', '/environments/solo/members');
    expect((members.body.items as { email: string; role: string }[]).map((m) => `${m.email}:${m.role}`)).toEqual([
      'olga@tenant.test:owner',
    ]);
    // The invitation was not used: an owner may still revoke it.
    const pending = await call(t, { session: operator }, 'GET', '/environments/solo/invitations');
    expect((pending.body.items as unknown[]).length).toBe(1);
  });

  it('K-99 a removal revokes the member pending invitations (audited): an older link does not bring it back', async () => {
    const m = await member(t, operator, 'alpha', 'rex@tenant.test', 'developer');
    expect(m.cookie).toMatch(/^gatehouse_session=/);
    const old = await invite(t, operator, 'alpha', 'rex@tenant.test', 'admin');
    const id = (await repositories(t.server.runtime.ctx.store).accounts.byEmail('rex@tenant.test'))!.id;
    expect((await call(t, { session: operator }, 'DELETE', `/environments/alpha/members/${id}`)).status).toBe(204);
    const res = await accept(t, old, MEMBER_PASSWORD);
    expect([res.status, res.body.error]).toEqual([400, 'invalid_invitation']);
    const members = await call(t, { session: operator }, 'GET', '/environments/alpha/members');
    expect(JSON.stringify(members.body)).not.toContain('rex@tenant.test');
    const audit = await call(t, { session: operator }, 'GET', '/environments/alpha/audit?action=invitation.revoke');
    expect((audit.body.items as { target: string }[]).map((e) => e.target)).toContain('rex@tenant.test:admin');
  });
});

const on = testsOn(STORE_KINDS);

describe.each(STORE_KINDS)('K-98 SSO identity links in the store (%s)', (kind) => {
  const it = on(kind);
  let t: TestServer;
  it.beforeAll(async ({ t: server }) => {
    t = server;
    await createTestAdmin(t, 'a@example.com', PASSWORD);
    await createTestAdmin(t, 'b@example.com', PASSWORD);
  });

  it('K-98 a pair links once; one identity per provider per account; lookups by the pair', async () => {
    const ctx = t.server.runtime.ctx;
    const repo = () => repositories(ctx.store).ssoIdentities;
    const id = async (email: string) => (await repositories(ctx.store).accounts.byEmail(email))!.id;
    const [a, b] = [await id('a@example.com'), await id('b@example.com')];
    const link = (sub: string, account: string) =>
      unitOfWork(ctx.store, (uow) => uow.ssoIdentities.link('https://idp.test', sub, account, 1));
    // Concurrent first links of one pair: exactly one wins.
    const results = await Promise.all([link('s1', a), link('s1', b)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = (await repo().account('https://idp.test', 's1'))!;
    expect([a, b]).toContain(winner.id);
    // A second subject of the same provider can't link the same account.
    await expect(link('s2', winner.id)).rejects.toThrow();
    expect(await repo().linkedAt(winner.id, 'https://idp.test')).toBe(true);
    expect(await repo().linkedAt(winner.id, 'https://other.test')).toBe(false);
    expect(await repo().account('https://idp.test', 's2')).toBeUndefined();
    // Deleting the operator drops its links.
    expect(await unitOfWork(ctx.store, (uow) => uow.operators.delete(winner.id))).toBe(true);
    expect(await repo().account('https://idp.test', 's1')).toBeUndefined();
  });
});
