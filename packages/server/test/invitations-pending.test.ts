/**
 * Pending invitations (docs/product.md "Delegated administration"): `GET /environments/{env}/invitations`
 * lists only those that can still be accepted, never a token or its hash; `DELETE …/invitations/{id}`
 * revokes one (audited `invitation.revoke`), after which its link is refused like a used one and
 * nothing changes; inviting an email again replaces its pending invitation. Another environment's
 * invitations are never seen nor revoked (J-90), only owners and operators revoke (J-91), and of a
 * revoke and an accept racing exactly one wins (J-92).
 */
import { describe, expect } from 'vitest';
import type { PendingInvitation } from '@gatehouse/contracts';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import type { TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { accessToken, call, type ConsoleSession } from './management-helpers.js';
import { accept, invite, member } from './member-helpers.js';
import { testsOn } from './fixtures.js';
import { sql } from 'kysely';
import { nowSeconds } from '../src/clock.js';
import { unitOfWork } from '../src/store/unit-of-work.js';

const TTL = 3600;
const on = testsOn(STORE_KINDS, { invitationTtl: TTL, requestTimeoutMs: 10_000 });

describe.each(STORE_KINDS)('pending invitations (%s)', (kind) => {
  const it = on(kind);
  // The file's server and operator (fixtures), bound for the helpers below.
  let t: TestServer;
  let operator: ConsoleSession;
  let owner: ConsoleSession;
  let betaOwner: ConsoleSession;
  it.beforeAll(async ({ t: server, operator: signedIn }) => {
    t = server;
    operator = signedIn;
    for (const slug of ['alpha', 'beta'])
      expect((await call(t, { session: operator }, 'POST', '/environments', { slug })).status).toBe(201);
    owner = await member(t, operator, 'alpha', 'olga@tenant-a.test', 'owner');
    betaOwner = await member(t, operator, 'beta', 'bob@tenant-b.test', 'owner');
  });

  const list = async (s: ConsoleSession, env = 'alpha') => {
    const res = await call(t, { session: s }, 'GET', `/environments/${env}/invitations`);
    expect(res.status).toBe(200);
    return res.body.items as PendingInvitation[];
  };
  const idOf = async (email: string, env = 'alpha') => {
    const found = (await list(operator, env)).find((i) => i.email === email);
    if (!found) throw new Error(`no pending invitation for ${email}`);
    return found.id;
  };
  async function snapshot() {
    return {
      admins: await stored(t).accounts(),
      memberships: await stored(t).memberships(),
      invitations: (await stored(t).invitations()).map(({ id, used_at }) => ({ id, used_at })),
    };
  }
  /** The `invitation.*` events of `env`. */
  const audit = async (env: string) =>
    (await call(t, { session: operator }, 'GET', `/environments/${env}/audit?action=invitation.*`)).body.items as {
      actor: string;
      action: string;
      target: string;
    }[];

  it('lists only pending invitations (not used, expired or revoked), without their tokens', async () => {
    const lateToken = await invite(t, operator, 'alpha', 'late@tenant-a.test', 'viewer');
    t.clock.advance(TTL - 60);
    const usedToken = await invite(t, owner, 'alpha', 'used@tenant-a.test', 'viewer');
    expect((await accept(t, usedToken)).status).toBe(200);
    const gone = await invite(t, owner, 'alpha', 'gone@tenant-a.test', 'viewer');
    const pendingToken = await invite(t, owner, 'alpha', 'Pia@Tenant-A.test', 'developer');
    const created = t.clock.now();
    expect(
      (
        await call(
          t,
          { session: owner },
          'DELETE',
          `/environments/alpha/invitations/${await idOf('gone@tenant-a.test')}`,
        )
      ).status,
    ).toBe(204);
    expect((await list(owner)).map((i) => i.email)).toEqual(['late@tenant-a.test', 'pia@tenant-a.test']);
    t.clock.advance(120);
    const items = await list(owner);
    expect(items).toEqual([
      {
        id: expect.stringMatching(/^inv_[\w-]+$/),
        email: 'pia@tenant-a.test',
        role: 'developer',
        invited_by: 'member:olga@tenant-a.test',
        created_at: new Date(Math.floor(created / 1000) * 1000).toISOString(),
        expires_at: new Date((Math.floor(created / 1000) + TTL) * 1000).toISOString(),
      },
    ]);
    const hashes = (await stored(t).invitations()).map((s) => s.token_hash);
    const text = JSON.stringify(items);
    for (const secret of [lateToken, usedToken, gone, pendingToken, ...hashes]) expect(text).not.toContain(secret);
  });

  it('revoking refuses the link like a used one, changes nothing else and is audited', async () => {
    const token = await invite(t, owner, 'alpha', 'rex@tenant-a.test', 'admin');
    const id = await idOf('rex@tenant-a.test');
    const used = await accept(t, 'no-such-token-' + 'x'.repeat(30));
    expect((await call(t, { session: owner }, 'DELETE', `/environments/alpha/invitations/${id}`)).status).toBe(204);
    const before = await snapshot();
    const refused = await accept(t, token);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual(used.body);
    expect(refused.body.error).toBe('invalid_invitation');
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect(await snapshot()).toEqual(before);
    expect((await list(owner)).some((i) => i.email === 'rex@tenant-a.test')).toBe(false);
    // Revoking it again, or an unknown id, is a 404; so is a used one.
    expect((await call(t, { session: owner }, 'DELETE', `/environments/alpha/invitations/${id}`)).status).toBe(404);
    expect((await call(t, { session: owner }, 'DELETE', '/environments/alpha/invitations/inv_nope')).status).toBe(404);
    const usedId = (await stored(t).invitations()).find((i) => i.used_at !== null)?.id;
    if (usedId)
      expect((await call(t, { session: owner }, 'DELETE', `/environments/alpha/invitations/${usedId}`)).status).toBe(
        404,
      );
    const events = await audit('alpha');
    expect(events).toContainEqual(
      expect.objectContaining({
        actor: 'member:olga@tenant-a.test',
        action: 'invitation.revoke',
        target: 'rex@tenant-a.test:admin',
      }),
    );
    // Bad ids are refused as input, never a 5xx.
    for (const bad of ['x'.repeat(65), 'a%20b', '..%2F..'])
      expect((await call(t, { session: owner }, 'DELETE', `/environments/alpha/invitations/${bad}`)).status).toBe(400);
  });

  it('inviting an email again replaces its pending invitation (the old link is refused)', async () => {
    const first = await invite(t, owner, 'alpha', 'rae@tenant-a.test', 'owner');
    const res = await call(t, { session: owner }, 'POST', '/environments/alpha/invitations', {
      email: 'RAE@tenant-a.test',
      role: 'viewer',
    });
    expect(res.status).toBe(201);
    const second = String(res.body.link).split('/').pop()!;
    const pending = (await list(owner)).filter((i) => i.email === 'rae@tenant-a.test');
    expect(pending.map((i) => [i.id, i.role])).toEqual([[res.body.id, 'viewer']]);
    expect((await accept(t, first)).body.error).toBe('invalid_invitation');
    expect((await audit('alpha')).map((e) => `${e.action} ${e.actor} ${e.target}`)).toContain(
      'invitation.replace member:olga@tenant-a.test rae@tenant-a.test:owner',
    );
    // The same email invited to another environment is another invitation: both stay.
    await invite(t, operator, 'beta', 'rae@tenant-a.test', 'viewer');
    expect((await list(owner)).filter((i) => i.email === 'rae@tenant-a.test')).toHaveLength(1);
    expect((await accept(t, second)).status).toBe(200);
  });

  it('J-90 an owner of another environment never sees nor revokes these invitations', async () => {
    await invite(t, owner, 'alpha', 'secret-hire@tenant-a.test', 'admin');
    const id = await idOf('secret-hire@tenant-a.test');
    const before = await snapshot();
    const listed = await call(t, { session: betaOwner }, 'GET', '/environments/alpha/invitations');
    expect(listed.status).toBe(404);
    expect(listed.text).not.toContain('secret-hire');
    expect((await call(t, { session: betaOwner }, 'DELETE', `/environments/alpha/invitations/${id}`)).status).toBe(404);
    // Through its own environment's path: the same 404 as an unknown id.
    const crossed = await call(t, { session: betaOwner }, 'DELETE', `/environments/beta/invitations/${id}`);
    const unknown = await call(t, { session: betaOwner }, 'DELETE', '/environments/beta/invitations/inv_nope');
    expect(crossed.status).toBe(404);
    expect(crossed.body).toEqual(unknown.body);
    expect((await call(t, { session: operator }, 'DELETE', `/environments/beta/invitations/${id}`)).status).toBe(404);
    // Beta's list holds beta's invitations only (rae was invited to both environments).
    expect((await list(betaOwner, 'beta')).map((i) => i.email)).toEqual(['rae@tenant-a.test']);
    expect(await snapshot()).toEqual(before);
    expect((await list(owner)).map((i) => i.id)).toContain(id);
  });

  it('J-91 viewers and developers list invitations but may not revoke; admins neither revoke', async () => {
    const viewer = await member(t, operator, 'alpha', 'vic@tenant-a.test', 'viewer');
    const developer = await member(t, operator, 'alpha', 'dev@tenant-a.test', 'developer');
    const admin = await member(t, operator, 'alpha', 'abe@tenant-a.test', 'admin');
    await invite(t, owner, 'alpha', 'keep@tenant-a.test', 'viewer');
    const id = await idOf('keep@tenant-a.test');
    for (const s of [viewer, developer, admin]) {
      expect((await list(s)).map((i) => i.email)).toContain('keep@tenant-a.test');
      const before = await snapshot();
      const res = await call(t, { session: s }, 'DELETE', `/environments/alpha/invitations/${id}`);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('forbidden');
      expect(await snapshot()).toEqual(before);
    }
    // An integration's token, even with every management scope: members are managed from the console.
    const backend = await t.integration({ name: 'backend', preset: 'all-permissions' }, 'alpha');
    const token = await accessToken(t, backend);
    expect((await call(t, { bearer: token }, 'GET', '/environments/alpha/invitations')).status).toBe(403);
    expect((await call(t, { bearer: token }, 'DELETE', `/environments/alpha/invitations/${id}`)).status).toBe(403);
    expect((await call(t, { session: operator }, 'DELETE', `/environments/alpha/invitations/${id}`)).status).toBe(204);
  });

  it('J-92 a revoke and an accept of one invitation at once: exactly one wins', { timeout: 60_000 }, async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < 4; round++) {
      const email = `race${round}@tenant-a.test`;
      const token = await invite(t, owner, 'alpha', email, 'developer');
      const id = await idOf(email);
      const [revoked, accepted] = await Promise.all([
        call(t, { session: owner }, 'DELETE', `/environments/alpha/invitations/${id}`),
        accept(t, token),
      ]);
      const joined = (await stored(t).membershipsOf(email)).map(({ role }) => ({ role }));
      const revokeEvents = (await audit('alpha')).filter(
        (e) => e.action === 'invitation.revoke' && e.target === `${email}:developer`,
      );
      if (revoked.status === 204) {
        expect(accepted.status).toBe(400);
        expect(joined).toEqual([]);
        expect(revokeEvents).toHaveLength(1);
      } else {
        expect({ revoked: revoked.status, accepted: accepted.status }).toEqual({ revoked: 404, accepted: 200 });
        expect(joined).toEqual([{ role: 'developer' }]);
        expect(revokeEvents).toEqual([]);
      }
      outcomes.add(`${revoked.status}/${accepted.status}`);
      expect((await list(owner)).some((i) => i.email === email)).toBe(false);
    }
    console.log(`revoke/accept outcomes on ${kind}: ${[...outcomes].join(', ')}`);
  });

  it('J-92 a revoke arriving while an accept holds its claim waits for it, then answers 404', async () => {
    await invite(t, owner, 'alpha', 'held@tenant-a.test', 'viewer');
    const id = await idOf('held@tenant-a.test');
    const ctx = t.server.runtime.ctx;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let claimed!: () => void;
    const isClaimed = new Promise<void>((r) => (claimed = r));
    // The accept's own transaction, claimed and not yet committed.
    const accepting = unitOfWork(ctx.store, async (uow) => {
      expect(await uow.invitations.claim(id, nowSeconds(ctx.clock))).toBe(true);
      claimed();
      await held;
    });
    await isClaimed;
    const revoking = call(t, { session: owner }, 'DELETE', `/environments/alpha/invitations/${id}`);
    // PostgreSQL: wait until the revoke's DELETE waits on the claimed row's lock (SQLite has one
    // writer: the revoke can't run until the accept's transaction ends).
    if (kind === 'postgres')
      for (let waiting = 0; waiting < 1;) {
        await new Promise((r) => setTimeout(r, 5));
        const r = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'
          and query like 'delete from "invitations"%'`.execute(ctx.db);
        waiting = r.rows[0]!.n;
      }
    release();
    await accepting;
    const res = await revoking;
    expect(res.status).toBe(404);
    expect((await audit('alpha')).filter((e) => e.target === 'held@tenant-a.test:viewer')).toEqual([]);
    expect({ used_at: (await stored(t).invitation(id)).used_at }).toEqual({ used_at: expect.anything() });
  });
});
