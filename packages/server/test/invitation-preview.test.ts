/**
 * `POST /api/v1/invitations/preview` (issue #25: the invitation page says which environment, role
 * and email): anonymous, the token in the body; it answers the pending invitation's email,
 * environment (slug and name), role, expiry and whether an account of the email exists, and
 * changes nothing. A used, revoked, expired or unknown token is refused `invalid_invitation` like
 * acceptance; unknown tokens count in acceptance's throttle windows, a pending one's previews are
 * refunded. Also the ways of `POST /api/v1/invitations/accept` the other files leave out: signed
 * in as the invited account (no password), signed in as another email (403), no password (401 for
 * an existing account, 400 for a new one), and inviting an email that is not one (400).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { request, type Res } from '@gatehouse/testing/http';
import { call, createTestAdmin, session, type ConsoleSession } from './management-helpers.js';
import { accept, invite, member, MEMBER_PASSWORD } from './member-helpers.js';
import { acceptInvitationAs, invitationOf, MAX_INVITATION_TOKEN_LENGTH } from '../src/services/invitations.js';

const TTL = 3600;

describe.each(HTTP_STORE_KINDS)('invitation preview (%s)', (kind) => {
  let t: TestServer;
  let operator: ConsoleSession;
  beforeAll(async () => {
    t = await startTestServer(kind, { config: { invitationTtl: TTL } });
    await createTestAdmin(t);
    operator = await session(t);
    expect(
      (await call(t, { session: operator }, 'POST', '/environments', { slug: 'acme-eu', name: 'Acme (EU)' })).status,
    ).toBe(201);
  });
  afterAll(() => t.close());

  const preview = (token: unknown): Promise<Res> =>
    request(`${t.url}/api/v1/invitations/preview`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });

  it('answers the email, environment, role and expiry of a pending invitation, and changes nothing', async () => {
    const token = await invite(t, operator, 'acme-eu', 'Dana@Example.com', 'developer');
    const expected = {
      email: 'dana@example.com',
      role: 'developer',
      environment: { slug: 'acme-eu', name: 'Acme (EU)' },
      expires_at: new Date((t.clock.seconds() + TTL) * 1000).toISOString(),
      account_exists: false,
    };
    // Previews of a pending invitation are refunded: more than the throttle's 5 per token and address.
    for (let i = 0; i < 7; i++) {
      const res = await preview(token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expected);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    // Still pending: it is accepted, and then its preview is refused like a used link.
    expect((await accept(t, token)).status).toBe(200);
    const used = await preview(token);
    expect([used.status, used.body.error]).toEqual([400, 'invalid_invitation']);
  });

  it('says when an account of the email exists', async () => {
    const token = await invite(t, operator, 'acme-eu', 'dana@example.com', 'viewer');
    expect((await preview(token)).body).toMatchObject({ role: 'viewer', account_exists: true });
  });

  it('refuses unknown, expired and malformed tokens with a clear error; unknown tokens are throttled', async () => {
    const token = await invite(t, operator, 'acme-eu', 'late@example.com', 'viewer');
    t.clock.advance(TTL + 1);
    expect((await preview(token)).body.error).toBe('invalid_invitation');
    for (const bad of ['', 'x'.repeat(201), null, { token: 'x' }]) {
      const res = await preview(bad);
      expect([res.status, res.body.error], JSON.stringify(bad)).toEqual([400, 'invalid_request']);
    }
    // The service bounds the token itself too, before any lookup (a caller without the route's schema).
    for (const bad of ['', 'x'.repeat(MAX_INVITATION_TOKEN_LENGTH + 1)])
      await expect(invitationOf(t.server.runtime.ctx, bad)).rejects.toMatchObject({ code: 'invalid_invitation' });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await preview('no-such-invitation-token')).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });

  /** `POST /api/v1/invitations/accept` with `body` as a signed-in `s`. */
  const acceptSignedIn = (s: ConsoleSession, body: object): Promise<Res> =>
    request(`${t.url}/api/v1/invitations/accept`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const roles = async (env: string) =>
    (
      (await call(t, { session: operator }, 'GET', `/environments/${env}/members`)).body.items as {
        email: string;
        role: string;
      }[]
    ).map((m) => `${m.email}:${m.role}`);

  it('signed in as the invited account, accepting needs no password: it joins and answers this session', async () => {
    expect((await call(t, { session: operator }, 'POST', '/environments', { slug: 'joined' })).status).toBe(201);
    const sam = await member(t, operator, 'acme-eu', 'sam@example.com', 'viewer');
    const token = await invite(t, operator, 'joined', 'Sam@Example.com', 'developer');
    const res = await acceptSignedIn(sam, { token });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // The same session (no new cookie), now a member of the environment.
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.body).toMatchObject({ email: 'sam@example.com', csrf_token: sam.csrf });
    expect(await roles('joined')).toEqual(['sam@example.com:developer']);
    expect((await call(t, { session: sam }, 'GET', '/environments/joined')).status).toBe(200);
    // The link is used up.
    expect((await preview(token)).body.error).toBe('invalid_invitation');

    // An invitation of the role it holds already: used up, audited, nothing else changes.
    const again = await invite(t, operator, 'joined', 'sam@example.com', 'developer');
    expect((await acceptSignedIn(sam, { token: again })).status).toBe(200);
    expect(await roles('joined')).toEqual(['sam@example.com:developer']);
    expect((await preview(again)).body.error).toBe('invalid_invitation');
    const audit = await call(t, { session: operator }, 'GET', '/environments/joined/audit?action=member.accept');
    expect((audit.body.items as unknown[]).length).toBe(2);
  });

  it('signed in as another email: 403, and the invitation stays pending', async () => {
    const rita = await member(t, operator, 'acme-eu', 'rita@example.com', 'viewer');
    expect((await call(t, { session: operator }, 'POST', '/environments', { slug: 'elsewhere' })).status).toBe(201);
    const token = await invite(t, operator, 'elsewhere', 'paul@example.com', 'viewer');
    const res = await acceptSignedIn(rita, { token, password: MEMBER_PASSWORD });
    expect(res.status).toBe(403);
    expect(String(res.body.error_description)).toContain('another email');
    expect(await roles('elsewhere')).toEqual([]);
    expect((await preview(token)).status).toBe(200);
  });

  it('without a password: an existing account is asked to sign in (401), a new one to choose a password (400)', async () => {
    await member(t, operator, 'acme-eu', 'olive@example.com', 'viewer');
    expect((await call(t, { session: operator }, 'POST', '/environments', { slug: 'nopass' })).status).toBe(201);
    const existing = await invite(t, operator, 'nopass', 'olive@example.com', 'viewer');
    const fresh = await invite(t, operator, 'nopass', 'nora@example.com', 'viewer');
    const post = (token: string) =>
      request(`${t.url}/api/v1/invitations/accept`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
    const asked = await post(existing);
    expect(asked.status).toBe(401);
    expect(String(asked.body.error_description)).toContain('olive@example.com exists');
    const choose = await post(fresh);
    expect(choose.status).toBe(400);
    expect(String(choose.body.error_description)).toContain('choose a password');
    expect(await roles('nopass')).toEqual([]);
    expect((await preview(existing)).status).toBe(200);
    expect((await preview(fresh)).status).toBe(200);
  });

  it('inviting something that is not an email is refused (400) and nothing is pending', async () => {
    const res = await call(t, { session: operator }, 'POST', '/environments/acme-eu/invitations', {
      email: 'not-an-email',
      role: 'viewer',
    });
    expect(res.status).toBe(400);
    const pending = await call(t, { session: operator }, 'GET', '/environments/acme-eu/invitations');
    expect((pending.body.items as { email: string }[]).some((i) => i.email === 'not-an-email')).toBe(false);
  });

  it('accepting as an account of another email is refused by the service itself (403), and the invitation stays pending', async () => {
    const token = await invite(t, operator, 'acme-eu', 'erin@example.com', 'viewer');
    const { invitation } = await invitationOf(t.server.runtime.ctx, token);
    await expect(
      acceptInvitationAs(t.server.runtime.ctx, invitation.id, { id: 'adm_someone', email: 'Mallory@Example.com' }),
    ).rejects.toMatchObject({ status: 403 });
    const still = await preview(token);
    expect(still.status).toBe(200);
    expect(still.body).toMatchObject({ email: 'erin@example.com', role: 'viewer' });
  });
});
