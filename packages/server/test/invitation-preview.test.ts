/**
 * `POST /api/v1/invitations/preview` (issue #25: the invitation page says which environment, role
 * and email): anonymous, the token in the body; it answers the pending invitation's email,
 * environment (slug and name), role, expiry and whether an account of the email exists, and
 * changes nothing. A used, revoked, expired or unknown token is refused `invalid_invitation` like
 * acceptance; unknown tokens count in acceptance's throttle windows, a pending one's previews are
 * refunded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { request, type Res } from '@gatehouse/testing/http';
import { call, createTestAdmin, session, type ConsoleSession } from './management-helpers.js';
import { accept, invite } from './member-helpers.js';

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
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await preview('no-such-invitation-token')).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });
});
