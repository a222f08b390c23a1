/**
 * docs/security.md J-92: an invitation link works once, before its expiry, for its own email only —
 * also under concurrent accepts. Only the token's SHA-256 is stored.
 */
import { describe, expect } from 'vitest';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { stored } from '@gatehouse/testing/stored';
import { call, session, type ConsoleSession } from './management-helpers.js';
import { accept, invite, member, MEMBER_PASSWORD, sessionOf } from './member-helpers.js';
import { testsOn } from './fixtures.js';

const on = testsOn(STORE_KINDS);

describe.each(STORE_KINDS)('J-92 invitations (%s)', (kind) => {
  const it = on(kind);
  /** The operator's session: signed in again when a test's clock outlives it. */
  let operator: ConsoleSession;
  it.beforeAll(async ({ t, operator: signedIn }) => {
    operator = signedIn;
    for (const slug of ['alpha', 'beta'])
      expect((await call(t, { session: operator }, 'POST', '/environments', { slug })).status).toBe(201);
  });

  it('J-92 the link is shown once, only its hash is stored, and the first use only succeeds', async ({ t }) => {
    const res = await call(t, { session: operator }, 'POST', '/environments/alpha/invitations', {
      email: 'Ida@Tenant-A.test',
      role: 'developer',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({
      environment: 'alpha',
      email: 'ida@tenant-a.test',
      role: 'developer',
      link: expect.stringMatching(/^https:\/\/gatehouse\.test\/console\/invitations\/[\w-]{40,}$/),
    });
    const token = String(res.body.link).split('/').pop()!;
    expect(JSON.stringify(await stored(t).invitations())).not.toContain(token);
    const first = await accept(t, token);
    expect(first.status).toBe(200);
    expect(first.body.email).toBe('ida@tenant-a.test');
    const s = sessionOf(first);
    expect((await call(t, { session: s }, 'GET', '/environments/alpha/integrations')).status).toBe(200);
    const second = await accept(t, token);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_invitation');
    expect(await stored(t).membershipsOf('ida@tenant-a.test')).toEqual([{ slug: 'alpha', role: 'developer' }]);
    const events = (await call(t, { session: operator }, 'GET', '/environments/alpha/audit')).body.items as {
      actor: string;
      action: string;
    }[];
    expect(events.map((e) => `${e.action} ${e.actor}`)).toEqual(
      expect.arrayContaining(['member.invite admin:ada@example.com', 'member.accept member:ida@tenant-a.test']),
    );
  });

  it('J-92 an expired link is refused', async ({ t }) => {
    const token = await invite(t, operator, 'alpha', 'late@tenant-a.test', 'viewer');
    t.clock.advance(7 * 86400);
    const res = await accept(t, token);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_invitation');
    expect(await stored(t).membershipsOf('late@tenant-a.test')).toEqual([]);
    expect(await stored(t).accountsWithEmail('late@tenant-a.test')).toEqual([]);
    // A second short of the expiry it still worked (the session expired with the clock: sign in again).
    operator = await session(t);
    const fresh = await invite(t, operator, 'alpha', 'early@tenant-a.test', 'viewer');
    t.clock.advance(7 * 86400 - 1);
    expect((await accept(t, fresh)).status).toBe(200);
    operator = await session(t);
  });

  it('J-92 a user signed in with another email can not accept; the invitee still can', async ({ t }) => {
    const token = await invite(t, operator, 'alpha', 'joe@tenant-a.test', 'owner');
    const other = await member(t, operator, 'beta', 'eve@tenant-b.test', 'viewer');
    const refused = await accept(t, token, MEMBER_PASSWORD, other.cookie);
    expect(refused.status).toBe(403);
    expect(await stored(t).membershipsOf('joe@tenant-a.test')).toEqual([]);
    expect(await stored(t).membershipsOf('eve@tenant-b.test')).toEqual([{ slug: 'beta', role: 'viewer' }]);
    expect((await accept(t, token)).status).toBe(200);
    expect(await stored(t).membershipsOf('joe@tenant-a.test')).toEqual([{ slug: 'alpha', role: 'owner' }]);
  });

  it('J-92 unknown and oversized tokens are refused without a 5xx', async ({ t }) => {
    expect((await accept(t, 'no-such-token')).status).toBe(400);
    expect((await accept(t, 'x'.repeat(5000))).status).toBe(400);
  });

  it('J-92 an existing account joins with its own password only', async ({ t }) => {
    const token = await invite(t, operator, 'beta', 'ida@tenant-a.test', 'viewer');
    const wrong = await accept(t, token, 'not the right password at all');
    expect(wrong.status).toBe(401);
    expect(await stored(t).membershipsOf('ida@tenant-a.test')).toEqual([{ slug: 'alpha', role: 'developer' }]);
    expect((await accept(t, token, MEMBER_PASSWORD)).status).toBe(200);
    expect(await stored(t).membershipsOf('ida@tenant-a.test')).toEqual([
      { slug: 'alpha', role: 'developer' },
      { slug: 'beta', role: 'viewer' },
    ]);
  });

  it('J-92 concurrent accepts of one link: exactly one succeeds', async ({ t }) => {
    const token = await invite(t, operator, 'alpha', 'race@tenant-a.test', 'admin');
    const results = await Promise.all(Array.from({ length: 4 }, () => accept(t, token)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400, 400]);
    expect(await stored(t).membershipsOf('race@tenant-a.test')).toEqual([{ slug: 'alpha', role: 'admin' }]);
    expect(await stored(t).accountsWithEmail('race@tenant-a.test')).toHaveLength(1);
  });
});
