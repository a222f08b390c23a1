/**
 * docs/security.md K-94, K-95: one sign-in pipeline and one session hook.
 * - K-95: a TABLE of pathway × requirement — every way of becoming signed in (password, single
 *   sign-on against a real OpenID Connect provider, accepting an invitation as an existing
 *   account, a recovery code) against TOTP enrolled on the account, TOTP required by an
 *   environment of the account, required by the server, password sign-in off, the email's window
 *   full — answers what password sign-in answers, and the session records its factors (`amr`).
 * - K-94: a session without the second factor the account requires gets 403 `totp_required` on a
 *   table of routes (Environment API, management, profile, invitations), nothing changed; only
 *   reading the profile, enrolling and signing out stay open.
 */
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import type { TestServer } from '@gatehouse/testing/server';
import { request, type Res } from '@gatehouse/testing/http';
import { stored } from '@gatehouse/testing/stored';
import { loginAtIdp, type TestIdp } from '@gatehouse/testing/oidc-idp';
import { startWithIdp } from '@gatehouse/testing/sso-server';
import { CLI_ACTOR } from '../src/context.js';
import { createEnvironment } from '../src/services/environments.js';
import { acceptInvitationAsNewAccount, createInvitation, invitationOf } from '../src/services/invitations.js';
import { beginTotp, confirmTotp } from '../src/services/totp.js';
import { setRequireTotp } from '../src/services/second-factor-requirement.js';
import { call, createTestAdmin, signIn, type ConsoleSession } from './management-helpers.js';
import { MEMBER_PASSWORD } from './member-helpers.js';

const PATHWAYS = ['password', 'sso', 'invitation', 'recovery_code'] as const;
type Pathway = (typeof PATHWAYS)[number];
const REQUIREMENTS = [
  'totp_enrolled',
  'required_by_environment',
  'required_by_server',
  'password_sign_in_off',
  'email_window_full',
] as const;
type Requirement = (typeof REQUIREMENTS)[number];

/** What a pathway ended in, normalized so the table compares pathways with one another. */
interface Outcome {
  /** `session`, `second_factor`, or `<status> <error>` of a refusal. */
  first: string;
  /** The session's factors (`amr`), once one is open. */
  amr?: string[];
  /** `GET /api/v1/environments/alpha/customers` with the session: 200 or `403 totp_required`. */
  api?: string;
  /** Invitation pathway: whether the account joined the invited environment. */
  joined?: boolean;
}

function totpCode(t: TestServer, secret: string): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: t.clock.now(),
  });
}

const refusal = (res: Res) => `${res.status} ${String(res.body?.error ?? '')}`.trim();

/** What password sign-in answers for `requirement`: the outcome every pathway must share. */
function expected(pathway: Pathway, requirement: Requirement): Outcome {
  const first = pathway === 'sso' ? 'sso' : 'pwd';
  const joined = pathway === 'invitation' ? { joined: true } : {};
  const refused = (r: string): Outcome => ({ first: r, ...(pathway === 'invitation' && { joined: false }) });
  // The recovery-code pathway is the second step of an account that has TOTP.
  if (requirement === 'totp_enrolled' || pathway === 'recovery_code') {
    if (requirement === 'password_sign_in_off') return refused('403 password_sign_in_disabled');
    if (requirement === 'email_window_full') return refused('429 temporarily_unavailable');
    return { first: 'second_factor', amr: [first, 'otp'], api: '200', ...joined };
  }
  switch (requirement) {
    case 'required_by_environment':
    case 'required_by_server':
      return { first: 'session', amr: [first], api: '403 totp_required', ...joined };
    case 'password_sign_in_off':
      return pathway === 'sso'
        ? { first: 'session', amr: ['sso'], api: '200' }
        : refused('403 password_sign_in_disabled');
    case 'email_window_full':
      return refused('429 temporarily_unavailable');
  }
}

describe.each(HTTP_STORE_KINDS)('K-95 one sign-in pipeline (%s)', (kind) => {
  describe.each(REQUIREMENTS)('requirement: %s', (requirement) => {
    let t: TestServer;
    let idp: TestIdp;
    const secrets = new Map<string, { secret: string; recovery: string[] }>();
    const emailOf = (p: Pathway) => `${p.replace('_', '-')}@tenant.test`;

    beforeAll(async () => {
      ({ t, idp } = await startWithIdp(
        kind,
        Object.fromEntries(PATHWAYS.map((p) => [p, { email: emailOf(p), email_verified: true }])),
        {
          sso: { allowedDomains: [] },
          config: {
            ...(requirement === 'required_by_server' && { requireTotp: true }),
            ...(requirement === 'password_sign_in_off' && { passwordSignIn: false }),
          },
        },
      ));
      const ctx = t.server.runtime.ctx;
      await createTestAdmin(t);
      await createEnvironment(ctx, CLI_ACTOR, 'alpha');
      await createEnvironment(ctx, CLI_ACTOR, 'extra');
      for (const p of PATHWAYS) {
        // Every account is a member of alpha (with the password MEMBER_PASSWORD).
        const { link } = await createInvitation(ctx, CLI_ACTOR, 'alpha', emailOf(p), 'owner', t.url);
        const { invitation } = await invitationOf(ctx, link.split('/').pop()!);
        const account = await acceptInvitationAsNewAccount(ctx, invitation, MEMBER_PASSWORD);
        if (requirement === 'totp_enrolled' || p === 'recovery_code') {
          const { secret } = await beginTotp(ctx, account);
          const { recovery_codes } = await confirmTotp(ctx, account.id, totpCode(t, secret));
          secrets.set(p, { secret, recovery: recovery_codes });
        }
      }
      t.clock.advance(30);
      if (requirement === 'required_by_environment') await setRequireTotp(ctx, CLI_ACTOR, 'alpha', true);
      if (requirement === 'email_window_full')
        for (const p of PATHWAYS)
          for (let i = 0; i < 5; i++)
            expect((await signIn(t, emailOf(p), 'a wrong password, again and again')).status).toBe(401);
    });
    afterAll(async () => {
      await t?.close();
      await idp?.close();
    });

    /** The second step with a TOTP code (or the first recovery code): the session's answer. */
    async function secondStep(p: Pathway, challenge: string): Promise<Res> {
      t.clock.advance(30);
      const { secret, recovery } = secrets.get(p)!;
      return request(`${t.url}/api/v1/session/totp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ challenge, code: p === 'recovery_code' ? recovery[0] : totpCode(t, secret) }),
      });
    }

    /** The session's factors and what the Environment API answers it. */
    async function probe(cookie: string): Promise<Pick<Outcome, 'amr' | 'api'>> {
      const me = await request(`${t.url}/api/v1/session`, { headers: { cookie } });
      const api = await request(`${t.url}/api/v1/environments/alpha/customers`, { headers: { cookie } });
      return { amr: me.body.amr as string[], api: api.status === 200 ? '200' : refusal(api) };
    }

    const cookieOf = (res: Res) => (res.headers.get('set-cookie') ?? '').split(';')[0]!;

    /** A JSON answer of a first step (password, invitation): session, second step, or refusal. */
    async function fromJson(p: Pathway, res: Res): Promise<Outcome> {
      if (res.status !== 200) return { first: refusal(res) };
      if (res.body.second_factor === 'totp') {
        const done = await secondStep(p, String(res.body.challenge));
        expect(done.status).toBe(200);
        return { first: 'second_factor', ...(await probe(cookieOf(done))) };
      }
      return { first: 'session', ...(await probe(cookieOf(res))) };
    }

    async function viaSso(p: Pathway): Promise<Outcome> {
      const started = await fetch(`${t.url}/api/v1/session/sso`, { redirect: 'manual' });
      const cookie = started.headers
        .getSetCookie()
        .find((c) => c.startsWith('gatehouse_sso='))!
        .split(';')[0]!;
      const back = await loginAtIdp(started.headers.get('location')!, p);
      const res = await fetch(`${t.url}/api/v1/session/sso/callback${back.search}`, {
        redirect: 'manual',
        headers: { cookie },
      });
      const location = new URL(res.headers.get('location')!, t.url);
      const session = res.headers.getSetCookie().find((c) => c.startsWith('gatehouse_session='));
      const error = location.searchParams.get('sso_error');
      if (error) {
        expect(session).toBeUndefined();
        return { first: error === 'too_many_attempts' ? '429 temporarily_unavailable' : `sso_error ${error}` };
      }
      if (location.searchParams.get('second_factor') === 'totp') {
        expect(session).toBeUndefined();
        const challenge = decodeURIComponent(location.hash.replace(/^#challenge=/, ''));
        const done = await secondStep(p, challenge);
        expect(done.status).toBe(200);
        return { first: 'second_factor', ...(await probe(cookieOf(done))) };
      }
      return { first: 'session', ...(await probe(session!.split(';')[0]!)) };
    }

    async function joinedExtra(email: string): Promise<boolean> {
      const rows = (await stored(t).membershipsOf(email)).filter((m) => m.slug === 'extra');
      return rows.length === 1;
    }

    async function attempt(p: Pathway): Promise<Outcome> {
      switch (p) {
        case 'password':
        case 'recovery_code':
          return fromJson(p, await signIn(t, emailOf(p), MEMBER_PASSWORD));
        case 'sso':
          return viaSso(p);
        case 'invitation': {
          const { link } = await createInvitation(t.server.runtime.ctx, CLI_ACTOR, 'extra', emailOf(p), 'viewer');
          const res = await request(`${t.url}/api/v1/invitations/accept`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ token: link.split('/').pop(), password: MEMBER_PASSWORD }),
          });
          const outcome = await fromJson(p, res);
          return { ...outcome, joined: await joinedExtra(emailOf(p)) };
        }
      }
    }

    it.each(PATHWAYS)(`K-95 pathway %s answers as password sign-in does (${requirement})`, async (pathway) => {
      expect(await attempt(pathway)).toEqual(expected(pathway, requirement));
    });
  });
});

describe.each(HTTP_STORE_KINDS)('K-94 one session hook (%s)', (kind) => {
  let t: TestServer;
  let idp: TestIdp;
  let s: ConsoleSession;
  const ADMIN_PASSWORD = 'correct horse battery staple';

  beforeAll(async () => {
    ({ t, idp } = await startWithIdp(kind, {}, { config: { requireTotp: true } }));
    await createTestAdmin(t);
    const res = await signIn(t, 'ada@example.com', ADMIN_PASSWORD);
    expect(res.body.amr).toEqual(['pwd']);
    const { link } = await createInvitation(t.server.runtime.ctx, CLI_ACTOR, 'default', 'ada@example.com', 'viewer');
    REFUSED[REFUSED.length - 1]![2] = { token: link.split('/').pop() };
    s = {
      cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!,
      csrf: String(res.body.csrf_token),
      setCookie: '',
    };
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });

  /** Everything a refused request could have changed. */
  async function state(): Promise<string> {
    const store = stored(t);
    return JSON.stringify([
      await store.environmentCredentials(),
      (await store.environments()).map(({ slug, require_totp }) => ({ slug, require_totp })),
      await store.invitations(),
      await store.accountPasswords(),
      await store.recoveryCodes(),
      await store.totpFactors(),
      await store.memberships(),
    ]);
  }

  const REFUSED: [string, string, unknown?][] = [
    ['GET', '/environments/default/customers'],
    ['POST', '/environments/default/credentials/secret'],
    ['POST', '/environments/default/credentials/rotate-secret', {}],
    ['POST', '/environments/default/credentials/public-keys', { alg: 'ES256', key: '{}', allow_admin: true }],
    ['GET', '/environments/default/credentials'],
    ['GET', '/environments'],
    ['POST', '/environments', { slug: 'sneaky' }],
    ['GET', '/environments/default/integrations'],
    ['GET', '/operators'],
    ['PUT', '/environments/default/require-totp', { required: false }],
    ['POST', '/environments/default/invitations', { email: 'x@tenant.test', role: 'owner' }],
    ['POST', '/profile/password', { current_password: ADMIN_PASSWORD, new_password: 'another long passphrase 93' }],
    ['POST', '/profile/recovery-codes', { code: '123456' }],
    ['POST', '/profile/totp/disable', { code: '123456', password: ADMIN_PASSWORD }],
    ['POST', '/invitations/accept', { token: 'set in beforeAll' }],
  ];

  it('K-94 a password-only session where TOTP is required: 403 totp_required on every route, nothing changed', async () => {
    const before = await state();
    const answers = await Promise.all(
      REFUSED.map(async ([method, path, body]) => {
        const res = await call(t, { session: s }, method, path, body);
        return `${method} ${path} → ${refusal(res)}`;
      }),
    );
    expect(answers).toEqual(REFUSED.map(([method, path]) => `${method} ${path} → 403 totp_required`));
    expect(await state()).toBe(before);
  });

  it('K-94 reading the profile, enrolling and signing out stay open; after enrolment the same session acts', async () => {
    const profile = await call(t, { session: s }, 'GET', '/profile');
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ totp_required: true, amr: ['pwd'] });
    const begun = await call(t, { session: s }, 'POST', '/profile/totp', { password: ADMIN_PASSWORD });
    expect(begun.status).toBe(200);
    const confirmed = await call(t, { session: s }, 'POST', '/profile/totp/confirm', {
      code: totpCode(t, String(begun.body.secret)),
    });
    expect(confirmed.status).toBe(200);
    // The code that confirmed enrolment proved the factor in this session.
    expect((await call(t, { session: s }, 'GET', '/profile')).body).toMatchObject({ amr: ['pwd', 'otp'] });
    expect((await call(t, { session: s }, 'GET', '/environments/default/customers')).status).toBe(200);
    expect((await call(t, { session: s }, 'DELETE', '/session')).status).toBe(204);
  });

  it('K-94 another password-only session of an account that has TOTP now (opened before enrolment) is refused', async () => {
    await createTestAdmin(t, 'bea@example.com');
    const res = await signIn(t, 'bea@example.com', ADMIN_PASSWORD);
    const first: ConsoleSession = { cookie: cookieOf(res), csrf: String(res.body.csrf_token), setCookie: '' };
    const second: ConsoleSession = await (async () => {
      const r = await signIn(t, 'bea@example.com', ADMIN_PASSWORD);
      return { cookie: cookieOf(r), csrf: String(r.body.csrf_token), setCookie: '' };
    })();
    t.clock.advance(30);
    const begun = await call(t, { session: first }, 'POST', '/profile/totp', { password: ADMIN_PASSWORD });
    await call(t, { session: first }, 'POST', '/profile/totp/confirm', {
      code: totpCode(t, String(begun.body.secret)),
    });
    expect((await call(t, { session: first }, 'GET', '/environments')).status).toBe(200);
    const other = await call(t, { session: second }, 'GET', '/environments');
    expect(refusal(other)).toBe('403 totp_required');
    expect((await call(t, { session: second }, 'DELETE', '/session')).status).toBe(204);
  });
});

function cookieOf(res: Res): string {
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}
