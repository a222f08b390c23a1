/**
 * The "never the last" rules hold under concurrent requests, on both stores: two owners demoted at
 * once leave exactly one owner (docs/security.md J-91), and two environments deleted at once leave
 * exactly one environment. Without a row lock, PostgreSQL let both requests count two and pass.
 */
import { describe, expect } from 'vitest';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { stored } from '@gatehouse/testing/stored';
import { call } from './management-helpers.js';
import { member } from './member-helpers.js';
import { testsOn } from './fixtures.js';

const on = testsOn(STORE_KINDS);

describe.each(STORE_KINDS)('never the last owner or environment, concurrently (%s)', (kind) => {
  const it = on(kind);

  it('J-91 two owners demoted at once: one succeeds, one is refused (409), one owner remains', async ({
    t,
    operator,
  }) => {
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
      expect(await stored(t).ownerCount(slug)).toBe(1);
    }
  });

  it('two environments deleted at once when only two exist: one is deleted, one refused (409)', async ({
    t,
    operator,
  }) => {
    const slugs = (await stored(t).environments()).map((e) => e.slug);
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
    expect(await stored(t).environments()).toHaveLength(1);
  });
});
