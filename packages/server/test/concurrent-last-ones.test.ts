/**
 * The "never the last" rules hold under concurrent requests, on both stores: two owners demoted at
 * once leave exactly one owner (docs/security.md J-91), and two environments deleted at once leave
 * exactly one environment. Without a row lock, PostgreSQL let both requests count two and pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { call, createTestAdmin, session, type ConsoleSession } from './management-helpers.js';
import { member } from './member-helpers.js';

describe.each(STORE_KINDS)('never the last owner or environment, concurrently (%s)', (kind) => {
  let t: TestServer;
  let operator: ConsoleSession;

  beforeAll(async () => {
    t = await startTestServer(kind);
    await createTestAdmin(t);
    operator = await session(t);
  });
  afterAll(() => t.close());

  const ownersOf = async (envId: string) =>
    (
      await t.server.runtime.ctx.db
        .selectFrom('memberships')
        .select('account_id')
        .where('environment_id', '=', envId)
        .where('role', '=', 'owner')
        .execute()
    ).length;

  it('J-91 two owners demoted at once: one succeeds, one is refused (409), one owner remains', async () => {
    for (let round = 0; round < 5; round++) {
      const slug = `own-${round}`;
      expect((await call(t, { session: operator }, 'POST', '/environments', { slug })).status).toBe(201);
      await member(t, operator, slug, `a${round}@tenant.test`, 'owner');
      await member(t, operator, slug, `b${round}@tenant.test`, 'owner');
      const listed = await call(t, { session: operator }, 'GET', `/environments/${slug}/members`);
      const ids = (listed.body.items as { account_id: string }[]).map((m) => m.account_id);
      expect(ids).toHaveLength(2);
      const answers = await Promise.all(
        ids.map((id) =>
          call(t, { session: operator }, 'PATCH', `/environments/${slug}/members/${id}`, { role: 'viewer' }),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      const env = await t.server.runtime.ctx.db
        .selectFrom('environments')
        .select('id')
        .where('slug', '=', slug)
        .executeTakeFirstOrThrow();
      expect(await ownersOf(env.id)).toBe(1);
    }
  });

  it('two environments deleted at once when only two exist: one is deleted, one refused (409)', async () => {
    const db = t.server.runtime.ctx.db;
    const slugs = (await db.selectFrom('environments').select('slug').execute()).map((e) => e.slug);
    // Keep two: delete the others one by one first.
    for (const slug of slugs.slice(2)) {
      expect((await call(t, { session: operator }, 'DELETE', `/environments/${slug}?confirm=${slug}`)).status).toBe(
        200,
      );
    }
    const [a, b] = slugs.slice(0, 2);
    const answers = await Promise.all(
      [a, b].map((slug) => call(t, { session: operator }, 'DELETE', `/environments/${slug}?confirm=${slug}`)),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await db.selectFrom('environments').select('id').execute()).toHaveLength(1);
  });
});
