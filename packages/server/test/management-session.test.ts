/**
 * Console sign-in over real HTTP: the session cookie's attributes, what the store keeps, CSRF on
 * state-changing requests, expiry on the injected clock, sign-out, and throttled failures that
 * don't tell a wrong password from an unknown email.
 */
import { createHash } from 'node:crypto';
import { describe, expect } from 'vitest';
import { settle, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { request } from '@gatehouse/testing/http';
import { ADMIN_EMAIL, ADMIN_PASSWORD, call, session, signIn } from './management-helpers.js';
import { it } from './fixtures.js';
import { addSessionFactor, loadSession } from '../src/services/sessions.js';
import { runCli, storeFlags } from '../../cli/test/helpers/cli.js';

describe('console sessions (sqlite)', () => {
  let t: TestServer;
  it.beforeAll(async ({ t: server, administrator: _created }) => {
    t = server;
  });

  it('signs in: HttpOnly, SameSite=Strict, Path=/, Secure (https issuer) opaque cookie; only its SHA-256 is stored', async () => {
    const res = await signIn(t, 'Ada@Example.com ', ADMIN_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      email: ADMIN_EMAIL,
      csrf_token: expect.stringMatching(/^[\w-]{40,}$/),
      auth_method: 'password',
      amr: ['pwd'],
    });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^gatehouse_session=[\w-]{40,};/);
    const attributes = cookie
      .split(';')
      .slice(1)
      .map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(
      expect.arrayContaining(['httponly', 'samesite=strict', 'path=/', 'secure', 'max-age=43200']),
    );
    const value = cookie.split(';')[0]!.split('=')[1]!;
    const rows = await stored(t).sessions();
    expect(rows.some((r) => r.id_hash === createHash('sha256').update(value).digest('base64url'))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(value);
    const admins = await stored(t).accountRows();
    expect(admins[0]!.password_hash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(admins)).not.toContain(ADMIN_PASSWORD);
  });

  it('GET /session answers the session and its CSRF token, or 401', async () => {
    const s = await session(t);
    const me = await request(`${t.url}/api/v1/session`, { headers: { cookie: s.cookie } });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ email: ADMIN_EMAIL, csrf_token: s.csrf, auth_method: 'password', amr: ['pwd'] });
    expect((await request(`${t.url}/api/v1/session`)).status).toBe(401);
    expect((await request(`${t.url}/api/v1/session`, { headers: { cookie: 'gatehouse_session=forged' } })).status).toBe(
      401,
    );
  });

  it('state-changing requests need the CSRF header; reads do not', async () => {
    const s = await session(t);
    expect((await call(t, { session: s, csrf: false }, 'GET', '/environments')).status).toBe(200);
    const before = (await call(t, { session: s }, 'GET', '/environments')).body.items as unknown[];
    for (const csrf of [undefined, 'wrong']) {
      const res = await request(`${t.url}/api/v1/environments`, {
        method: 'POST',
        headers: { cookie: s.cookie, 'content-type': 'application/json', ...(csrf && { 'x-csrf-token': csrf }) },
        body: JSON.stringify({ slug: 'csrf-victim' }),
      });
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('invalid_csrf_token');
    }
    expect((await call(t, { session: s }, 'GET', '/environments')).body.items).toEqual(before);
    // Another session's token doesn't do either.
    const other = await session(t);
    expect(
      (await call(t, { session: { ...s, csrf: other.csrf } }, 'PATCH', '/environments/default', { name: 'x' })).status,
    ).toBe(403);
    expect((await call(t, { session: s }, 'PATCH', '/environments/default', { name: 'Default' })).status).toBe(200);
  });

  it('a session expires after 12 hours on the injected clock', async () => {
    const s = await session(t);
    t.clock.advance(12 * 3600 - 10);
    expect((await call(t, { session: s }, 'GET', '/environments')).status).toBe(200);
    t.clock.advance(11);
    const res = await call(t, { session: s }, 'GET', '/environments');
    expect(res.status).toBe(401);
    expect((await request(`${t.url}/api/v1/session`, { headers: { cookie: s.cookie } })).status).toBe(401);
  });

  it('signs out: the cookie is cleared and the session no longer works', async () => {
    const s = await session(t);
    expect((await request(`${t.url}/api/v1/session`, { method: 'DELETE', headers: { cookie: s.cookie } })).status).toBe(
      403,
    );
    const out = await request(`${t.url}/api/v1/session`, {
      method: 'DELETE',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^gatehouse_session=;.*Max-Age=0/i);
    expect((await call(t, { session: s }, 'GET', '/environments')).status).toBe(401);
    expect((await request(`${t.url}/api/v1/session`, { headers: { cookie: s.cookie } })).status).toBe(401);
  });

  it('a wrong password and an unknown email answer alike; failures are throttled per email, then per IP', async () => {
    const wrong = await signIn(t, ADMIN_EMAIL, 'not the password at all');
    const unknown = await signIn(t, 'nobody@example.com', 'not the password at all');
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'invalid_credentials', error_description: 'wrong email or password' });
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    for (let i = 0; i < 4; i++) expect((await signIn(t, ADMIN_EMAIL, `wrong ${i}`)).status).toBe(401);
    // Locked for this email, even with the right password, until the window ends.
    const locked = await signIn(t, ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    t.clock.advance(15 * 60);
    expect((await signIn(t, ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
    // Per IP: many emails from one address.
    let status = 0;
    for (let i = 0; i < 40 && status !== 429; i++)
      status = (await signIn(t, `guess${i}@example.com`, 'guess guess guess')).status;
    expect(status).toBe(429);
    t.clock.advance(15 * 60);
    await settle(t);
    const audit = await stored(t).auditEvents({ action: 'admin.sign_in' });
    expect(audit.some((e) => e.result === 'failure') && audit.some((e) => e.result === 'success')).toBe(true);
  });

  it('`gatehouse admin create --password-stdin` makes an administrator who can sign in', async () => {
    // The CLI in-process (packages/cli/test/helpers/cli.ts), with the password piped in.
    const run = (password: string, ...args: string[]) =>
      runCli([...storeFlags(t.location), 'admin', 'create', ...args], { stdin: password });
    const ok = await run('a long enough passphrase\n', '--email', 'grace@example.com', '--password-stdin', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ email: 'grace@example.com' });
    expect(ok.stdout + ok.stderr).not.toContain('passphrase');
    expect((await signIn(t, 'grace@example.com', 'a long enough passphrase')).status).toBe(200);
    expect((await run('short', '--email', 'hopper@example.com', '--password-stdin')).stderr).toMatch(
      /12 to 1024 characters/,
    );
    expect((await run('a long enough passphrase', '--email', 'hopper@example.com')).stderr).toMatch(/--password-stdin/);
    expect((await run('a long enough passphrase', '--email', 'grace@example.com', '--password-stdin')).stderr).toMatch(
      /exists/,
    );
  });

  it('the sign-in body is validated: unknown fields and non-JSON are refused', async () => {
    expect(
      (
        await request(`${t.url}/api/v1/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD, isAdmin: true }),
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await request(`${t.url}/api/v1/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `email=${ADMIN_EMAIL}&password=x`,
        })
      ).status,
    ).toBe(415);
  });
  it('sign-out without a live session (none, forged or expired) only clears the cookie: 204, nothing audited', async () => {
    const since = t.clock.now();
    const expired = await session(t);
    t.clock.advance(12 * 3600 + 1);
    const cookies = [undefined, 'gatehouse_session=forged', expired.cookie];
    for (const cookie of cookies) {
      const out = await request(`${t.url}/api/v1/session`, {
        method: 'DELETE',
        headers: { ...(cookie && { cookie, 'x-csrf-token': expired.csrf }) },
      });
      expect(out.status, cookie).toBe(204);
      expect(out.headers.get('set-cookie'), cookie).toMatch(/^gatehouse_session=;.*Max-Age=0/i);
    }
    await settle(t);
    expect(await stored(t).auditEvents({ action: 'admin.sign_out', sinceMs: since })).toEqual([]);
  });

  it('an empty or over-long session cookie is no session; a factor is added to a session once, and never to an unknown one', async () => {
    const me = (cookie: string) => request(`${t.url}/api/v1/session`, { headers: { cookie } });
    expect((await me('gatehouse_session=')).status).toBe(401);
    const s = await session(t);
    const value = s.cookie.split(';')[0]!.split('=')[1]!;
    expect((await me(`gatehouse_session=${value}${'a'.repeat(201 - value.length)}`)).status).toBe(401);
    const ctx = t.server.runtime.ctx;
    expect(await loadSession(ctx, 'x'.repeat(201))).toBeUndefined();
    await addSessionFactor(ctx, 'unknown-session-value', 'otp');
    await addSessionFactor(ctx, value, 'pwd');
    expect((await loadSession(ctx, value))!.amr).toEqual(['pwd']);
    await addSessionFactor(ctx, value, 'otp');
    await addSessionFactor(ctx, value, 'otp');
    expect((await me(s.cookie)).body).toMatchObject({ auth_method: 'password+totp', amr: ['pwd', 'otp'] });
  });
});
