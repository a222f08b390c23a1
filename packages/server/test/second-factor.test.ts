/**
 * TOTP second factor over real HTTP on both stores: enrolment (secret sealed at rest, confirmed by
 * a code, recovery codes shown once and stored hashed), the TOTP step of sign-in (wrong code,
 * code replayed within its step, recovery code used twice, throttled attempts, expired
 * challenge), and the requirement server-wide and per environment.
 */
import { Secret, TOTP } from 'otpauth';
import { beforeAll, describe, expect } from 'vitest';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { request } from '@gatehouse/testing/http';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  call,
  createTestAdmin,
  signIn,
  type ConsoleSession,
} from './management-helpers.js';
import { it } from './fixtures.js';
import { member, MEMBER_PASSWORD } from './member-helpers.js';

/** The code of `secret` at the test clock's instant (+ `steps` × 30 s). */
function codeAt(t: TestServer, secret: string, steps = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: t.clock.now() + steps * 30_000,
  });
}

async function passwordSession(t: TestServer, email = ADMIN_EMAIL): Promise<ConsoleSession> {
  const res = await signIn(t, email, ADMIN_PASSWORD);
  if (res.status !== 200 || !res.body.csrf_token) throw new Error(`sign-in failed: ${res.status} ${res.text}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0]!, csrf: String(res.body.csrf_token), setCookie };
}

function post(t: TestServer, s: ConsoleSession, path: string, body?: unknown) {
  return request(`${t.url}/api/v1${path}`, {
    method: 'POST',
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
}

/** Enrols TOTP for the signed-in account (its password re-entered); answers the secret and the recovery codes. */
async function enrol(
  t: TestServer,
  s: ConsoleSession,
  password = ADMIN_PASSWORD,
): Promise<{ secret: string; recovery: string[] }> {
  const begun = await post(t, s, '/profile/totp', { password });
  expect(begun.status).toBe(200);
  const secret = String(begun.body.secret);
  const confirmed = await post(t, s, '/profile/totp/confirm', { code: codeAt(t, secret) });
  expect(confirmed.status).toBe(200);
  return { secret, recovery: confirmed.body.recovery_codes as string[] };
}

function totpStep(t: TestServer, challenge: string, code: string) {
  return request(`${t.url}/api/v1/session/totp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ challenge, code }),
  });
}

async function challenge(t: TestServer, email = ADMIN_EMAIL): Promise<string> {
  const res = await signIn(t, email, ADMIN_PASSWORD);
  expect(res.status).toBe(200);
  expect(res.body.second_factor).toBe('totp');
  expect(res.headers.get('set-cookie')).toBeNull();
  return String(res.body.challenge);
}

describe('TOTP second factor (sqlite)', () => {
  let t: TestServer;
  let secret: string;
  let recovery: string[];
  it.beforeAll(async ({ t: server, administrator: _created }) => {
    t = server;
  });

  it('enrols: a wrong code is refused, the right one confirms; the secret is sealed and the recovery codes hashed', async () => {
    const s = await passwordSession(t);
    // The session cookie alone doesn't enrol (K-97): the current password is asked.
    const bare = await post(t, s, '/profile/totp');
    expect({ status: bare.status, error: bare.body.error }).toEqual({
      status: 403,
      error: 'current_password_required',
    });
    const wrongPassword = await post(t, s, '/profile/totp', { password: 'not the password at all' });
    expect({ status: wrongPassword.status, error: wrongPassword.body.error }).toEqual({
      status: 403,
      error: 'invalid_credentials',
    });
    const begun = await post(t, s, '/profile/totp', { password: ADMIN_PASSWORD });
    expect(begun.body.otpauth_uri).toMatch(/^otpauth:\/\/totp\/Gatehouse:ada%40example\.com\?.*secret=/);
    const wrong = await post(t, s, '/profile/totp/confirm', {
      code: codeAt(t, String(begun.body.secret)) === '000000' ? '111111' : '000000',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_code');
    ({ secret, recovery } = await enrol(t, s));
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    const rows = JSON.stringify([await stored(t).totpFactorRows(), await stored(t).recoveryCodes()]);
    expect(rows).not.toContain(secret);
    for (const code of recovery) expect(rows).not.toContain(code);
    const profile = await request(`${t.url}/api/v1/profile`, { headers: { cookie: s.cookie } });
    expect(profile.body).toMatchObject({ email: ADMIN_EMAIL, totp: { enabled: true, recovery_codes_left: 10 } });
    // A second enrolment needs TOTP disabled first.
    expect((await post(t, s, '/profile/totp', { password: ADMIN_PASSWORD })).status).toBe(409);
  });

  it('sign-in asks for the code after the password; a wrong code opens nothing; the right one does', async () => {
    const c = await challenge(t);
    const wrong = await totpStep(t, c, codeAt(t, secret, 5));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_code');
    expect(wrong.headers.get('set-cookie')).toBeNull();
    t.clock.advance(30);
    const ok = await totpStep(t, c, codeAt(t, secret));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ email: ADMIN_EMAIL, auth_method: 'password+totp', amr: ['pwd', 'otp'] });
    expect(ok.headers.get('set-cookie')).toMatch(/^gatehouse_session=/);
  });

  it('a code replayed within the same step is refused (and an older step after a newer one)', async () => {
    t.clock.advance(30);
    const code = codeAt(t, secret);
    expect((await totpStep(t, await challenge(t), code)).status).toBe(200);
    const replay = await totpStep(t, await challenge(t), code);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_code');
    expect((await totpStep(t, await challenge(t), codeAt(t, secret, -1))).status).toBe(401);
    t.clock.advance(30);
    expect((await totpStep(t, await challenge(t), codeAt(t, secret))).status).toBe(200);
  });

  it('a recovery code works once; used twice it is refused', async () => {
    // The wrong codes above (enrolment's too: every code check counts, K-96) filled 4 of the 5 attempts: a new window.
    t.clock.advance(15 * 60);
    const code = recovery[0]!;
    const first = await totpStep(t, await challenge(t), code.toUpperCase());
    expect(first.status).toBe(200);
    const second = await totpStep(t, await challenge(t), code);
    expect(second.status).toBe(401);
    expect(second.headers.get('set-cookie')).toBeNull();
  });

  it('a forged or expired challenge is refused', async () => {
    t.clock.advance(30);
    expect((await totpStep(t, 'v1.forged.challenge.x', codeAt(t, secret))).body.error).toBe('invalid_challenge');
    const c = await challenge(t);
    t.clock.advance(301);
    expect((await totpStep(t, c, codeAt(t, secret))).body.error).toBe('invalid_challenge');
  });

  it('code attempts are throttled per account: the 6th wrong code in a row is 429', async () => {
    await createTestAdmin(t, 'grace@example.com');
    const g = await passwordSession(t, 'grace@example.com');
    const { secret: graceSecret } = await enrol(t, g);
    t.clock.advance(30);
    const c = await challenge(t, 'grace@example.com');
    const bad = codeAt(t, graceSecret) === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await totpStep(t, c, bad)).status).toBe(401);
    const limited = await totpStep(t, c, codeAt(t, graceSecret));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('disabling needs a valid code; then the password alone signs in', async () => {
    t.clock.advance(30 * 60);
    const s = await passwordSessionWithTotp(t, secret);
    expect((await post(t, s, '/profile/totp/disable', { code: '12', password: ADMIN_PASSWORD })).status).toBe(400);
    t.clock.advance(30);
    // Without the current password the right code doesn't turn it off (K-97).
    expect((await post(t, s, '/profile/totp/disable', { code: codeAt(t, secret) })).body.error).toBe(
      'current_password_required',
    );
    expect(
      (await post(t, s, '/profile/totp/disable', { code: codeAt(t, secret), password: ADMIN_PASSWORD })).status,
    ).toBe(204);
    expect((await signIn(t, ADMIN_EMAIL, ADMIN_PASSWORD)).body.csrf_token).toBeDefined();
  });

  it("an environment that requires TOTP refuses its members' password-only sessions everywhere until they enrol (operators: server-wide setting only)", async () => {
    const s = await passwordSession(t);
    const m = await member(t, s, 'default', 'mia@tenant-a.test', 'developer');
    expect(
      (await call(t, { session: s }, 'PUT', '/environments/default/require-totp', { required: true })).status,
    ).toBe(200);
    const refused = await call(t, { session: m }, 'GET', '/environments/default/integrations');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('totp_required');
    // The profile says so, and which environment: the console sends the member there.
    const profileOf = async (x: ConsoleSession) =>
      (await request(`${t.url}/api/v1/profile`, { headers: { cookie: x.cookie } })).body;
    expect(await profileOf(m)).toMatchObject({ totp_required: true, totp_required_environments: ['default'] });
    expect(await profileOf(s)).toMatchObject({ totp_required: false, totp_required_environments: [] });
    // The operator is a server-wide account: GATEHOUSE_REQUIRE_TOTP binds it, an environment's setting doesn't.
    expect((await call(t, { session: s }, 'GET', '/environments/default/integrations')).status).toBe(200);
    // The requirement binds the account on every route (K-94), its own list too; the profile stays open to enrol.
    expect((await call(t, { session: m }, 'GET', '/environments')).body.error).toBe('totp_required');
    t.clock.advance(30);
    const enrolled = await enrol(t, m, MEMBER_PASSWORD);
    expect((await call(t, { session: m }, 'GET', '/environments')).status).toBe(200);
    expect((await call(t, { session: m }, 'GET', '/environments/default/integrations')).status).toBe(200);
    expect(await profileOf(m)).toMatchObject({
      totp_required: false,
      totp_required_environments: ['default'],
      totp_can_turn_off: false,
    });
    // While the environment requires it, the member can't turn TOTP off (it would lock itself out).
    t.clock.advance(30);
    const kept = await post(t, m, '/profile/totp/disable', {
      code: codeAt(t, enrolled.secret),
      password: MEMBER_PASSWORD,
    });
    expect(kept.status).toBe(409);
    expect(kept.body.error_description).toBe('TOTP is required of the members of environment default');
    expect((await call(t, { session: m }, 'GET', '/environments/default/integrations')).status).toBe(200);
    expect(
      (await call(t, { session: s }, 'PUT', '/environments/default/require-totp', { required: false })).status,
    ).toBe(200);
    // Both changes of the requirement are in the environment's own audit log.
    const audit = await call(t, { session: s }, 'GET', '/environments/default/audit?action=environment.require_totp');
    expect((audit.body.items as { target: string }[]).map((e) => e.target)).toEqual(['default:off', 'default:on']);
    // Once it isn't required, the member may turn it off.
    expect(await profileOf(m)).toMatchObject({ totp_required_environments: [], totp_can_turn_off: true });
    t.clock.advance(30);
    expect(
      (await post(t, m, '/profile/totp/disable', { code: codeAt(t, enrolled.secret), password: MEMBER_PASSWORD }))
        .status,
    ).toBe(204);
  });
});

async function passwordSessionWithTotp(t: TestServer, secret: string): Promise<ConsoleSession> {
  const c = await challenge(t);
  const res = await totpStep(t, c, codeAt(t, secret));
  if (res.status !== 200) throw new Error(`TOTP step failed: ${res.status} ${res.text}`);
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrf: String(res.body.csrf_token), setCookie: '' };
}

describe('TOTP required server-wide (GATEHOUSE_REQUIRE_TOTP=on)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('sqlite', { config: { requireTotp: true } });
    await createTestAdmin(t);
  });

  it('a password session may only enrol until TOTP is set up', async () => {
    const s = await passwordSession(t);
    const refused = await call(t, { session: s }, 'GET', '/environments');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('totp_required');
    const profile = await request(`${t.url}/api/v1/profile`, { headers: { cookie: s.cookie } });
    expect(profile.body.totp_required).toBe(true);
    const { secret } = await enrol(t, s);
    expect((await call(t, { session: s }, 'GET', '/environments')).status).toBe(200);
    t.clock.advance(30);
    expect(
      (await post(t, s, '/profile/totp/disable', { code: codeAt(t, secret), password: ADMIN_PASSWORD })).status,
    ).toBe(409);
  });
});
