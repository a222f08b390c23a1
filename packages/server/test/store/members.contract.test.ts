/**
 * Store contract (issue #24) of memberships and invitations: repository methods called directly
 * on SQLite and PostgreSQL, with the races their conditional statements settle (concurrent
 * accepts, a revoke racing an accept, concurrent upserts of one membership).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/db.js';
import { isUniqueViolation, type Repositories } from '../../src/store/repositories/index.js';
import { repositories, unitOfWork } from '../../src/store/unit-of-work.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { openStoreOf, seedAccount, seedEnvironment, type OpenStore } from './helpers.js';

describe.each(STORE_KINDS)('store contract: memberships and invitations (%s)', (kind) => {
  let open: OpenStore;
  let store: Store;
  let repos: Repositories;
  let envId: string;
  beforeAll(async () => {
    open = await openStoreOf(kind);
    store = open.store;
    repos = repositories(store);
    envId = await seedEnvironment(store, 'members');
    await seedAccount(store, 'inviter', 1);
  });
  afterAll(() => open.close());

  it('memberships: upsert() adds or changes the role keeping created_at (concurrent upserts of one pair leave one row); role(); ofAccount() by slug; list() oldest first then by email, at most `limit`; updateRole() and delete() are false for none; countOwners()', async () => {
    const other = await seedEnvironment(store, 'a-members');
    for (const [id, at] of [
      ['m-c', 30],
      ['m-b', 20],
      ['m-a', 20],
    ] as const) {
      await seedAccount(store, id, 0);
      await repos.memberships.upsert({ accountId: id, environmentId: envId, role: 'viewer', createdAt: at });
    }
    await Promise.all(
      ['owner', 'admin', 'owner'].map((role) =>
        repos.memberships.upsert({ accountId: 'm-a', environmentId: envId, role, createdAt: 99 }),
      ),
    );
    await unitOfWork(store, (uow) =>
      uow.memberships.upsert({ accountId: 'm-a', environmentId: other, role: 'admin', createdAt: 5 }),
    );
    expect(['owner', 'admin']).toContain(await repos.memberships.role('m-a', envId));
    await repos.memberships.upsert({ accountId: 'm-a', environmentId: envId, role: 'owner', createdAt: 99 });
    expect(await repos.memberships.role('m-a', envId)).toBe('owner');
    expect(await repos.memberships.role('m-a', 'absent')).toBeUndefined();

    expect(await repos.memberships.ofAccount('m-a')).toEqual([
      { environmentId: other, slug: 'a-members', role: 'admin' },
      { environmentId: envId, slug: 'members', role: 'owner' },
    ]);
    expect(await repos.memberships.ofAccount('absent')).toEqual([]);
    expect(await repos.memberships.list(envId, 10)).toEqual([
      { accountId: 'm-a', email: 'm-a@store.test', role: 'owner', createdAt: 20 },
      { accountId: 'm-b', email: 'm-b@store.test', role: 'viewer', createdAt: 20 },
      { accountId: 'm-c', email: 'm-c@store.test', role: 'viewer', createdAt: 30 },
    ]);
    expect((await repos.memberships.list(envId, 2)).map((m) => m.accountId)).toEqual(['m-a', 'm-b']);

    expect(await repos.memberships.countOwners(envId)).toBe(1);
    expect(await repos.memberships.updateRole('m-b', envId, 'owner')).toBe(true);
    expect(await repos.memberships.countOwners(envId)).toBe(2);
    expect(await repos.memberships.updateRole('m-b', other, 'owner')).toBe(false);
    expect(await unitOfWork(store, (uow) => uow.memberships.delete('m-b', envId))).toBe(true);
    expect(await repos.memberships.delete('m-b', envId)).toBe(false);
    expect(await repos.memberships.countOwners(envId)).toBe(1);
    expect(await repos.memberships.countOwners('absent')).toBe(0);
  });

  const invitation = (
    id: string,
    extra: Partial<{ email: string; createdAt: number; expiresAt: number; environmentId: string }> = {},
  ) => ({
    id,
    tokenHash: `hash-${id}`,
    environmentId: envId,
    email: `${id}@invited.test`,
    role: 'editor',
    invitedBy: 'inviter',
    createdAt: 100,
    expiresAt: 200,
    ...extra,
  });

  it('invitations: insert() (a duplicate token digest is a unique violation); byId() and byTokenHash() without the token; pendingIn() unused and unexpired at now, oldest first, by email or id, at most `limit`; pendingFor() an email across environments', async () => {
    await repos.invitations.insert(invitation('inv-2', { createdAt: 101, email: 'same@invited.test' }));
    await repos.invitations.insert(invitation('inv-1', { createdAt: 101, email: 'same@invited.test' }));
    await repos.invitations.insert(invitation('inv-0', { createdAt: 100 }));
    await repos.invitations.insert(invitation('inv-expiring', { createdAt: 99, expiresAt: 150 }));
    const dup = await repos.invitations
      .insert({ ...invitation('inv-dup'), tokenHash: 'hash-inv-1' })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(dup)).toBe(true);

    const expected = {
      id: 'inv-1',
      environmentId: envId,
      email: 'same@invited.test',
      role: 'editor',
      invitedBy: 'inviter',
      createdAt: 101,
      expiresAt: 200,
      usedAt: null,
    };
    expect(await repos.invitations.byId('inv-1')).toEqual(expected);
    expect(await repos.invitations.byTokenHash('hash-inv-1')).toEqual(expected);
    expect(await repos.invitations.byId('absent')).toBeUndefined();
    expect(await repos.invitations.byTokenHash('absent')).toBeUndefined();

    const ids = async (now: number, q: { limit: number; email?: string; id?: string }) =>
      (await repos.invitations.pendingIn(envId, now, q)).map((i) => i.id).filter((id) => id.startsWith('inv-'));
    expect(await ids(149, { limit: 10 })).toEqual(['inv-expiring', 'inv-0', 'inv-1', 'inv-2']);
    // Expiring exactly now: no longer pending.
    expect(await ids(150, { limit: 10 })).toEqual(['inv-0', 'inv-1', 'inv-2']);
    expect(await ids(150, { limit: 2 })).toEqual(['inv-0', 'inv-1']);
    expect(await ids(150, { limit: 10, email: 'same@invited.test' })).toEqual(['inv-1', 'inv-2']);
    expect(await ids(150, { limit: 10, id: 'inv-2' })).toEqual(['inv-2']);
    expect(await repos.invitations.pendingIn('absent', 150, { limit: 10 })).toEqual([]);

    const elsewhere = await seedEnvironment(store, 'members-elsewhere');
    await repos.invitations.insert(
      invitation('inv-3', { createdAt: 102, email: 'same@invited.test', environmentId: elsewhere }),
    );
    // Oldest first (inv-1 and inv-2 share a creation time: either order).
    const pending = await repos.invitations.pendingFor('same@invited.test', 150);
    expect(
      pending
        .slice(0, 2)
        .map((i) => i.id)
        .sort(),
    ).toEqual(['inv-1', 'inv-2']);
    expect(pending.slice(2)).toEqual([{ id: 'inv-3', environmentId: elsewhere, role: 'editor' }]);
    expect(pending[0]).toMatchObject({ environmentId: envId, role: 'editor' });
    expect(await repos.invitations.pendingFor('same@invited.test', 200)).toEqual([]);
  });

  it('invitations: of concurrent claim()s exactly one wins; claim() and revoke() refuse an expired (at exactly expiresAt) or used one; of a revoke and a claim racing exactly one wins; deleteSpent() drops used and expired ones', async () => {
    await repos.invitations.insert(invitation('race-claim'));
    const claims = await Promise.all(
      Array.from({ length: 5 }, () => unitOfWork(store, (uow) => uow.invitations.claim('race-claim', 150))),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await repos.invitations.byId('race-claim'))!.usedAt).toBe(150);
    expect(await repos.invitations.revoke('race-claim', envId, 150)).toBe(false);

    await repos.invitations.insert(invitation('edge'));
    expect(await repos.invitations.claim('edge', 200)).toBe(false);
    expect(await repos.invitations.revoke('edge', envId, 200)).toBe(false);
    expect(await repos.invitations.revoke('edge', 'other-env', 199)).toBe(false);
    expect(await repos.invitations.claim('absent', 150)).toBe(false);

    await repos.invitations.insert(invitation('race-revoke'));
    const outcomes = await Promise.all([
      unitOfWork(store, (uow) => uow.invitations.revoke('race-revoke', envId, 150)),
      unitOfWork(store, (uow) => uow.invitations.claim('race-revoke', 150)),
    ]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);

    await repos.invitations.insert(invitation('kept', { expiresAt: 201 }));
    await repos.invitations.deleteSpent(200);
    expect(await repos.invitations.byId('race-claim')).toBeUndefined();
    expect(await repos.invitations.byId('edge')).toBeUndefined();
    expect(await repos.invitations.byId('kept')).toBeDefined();
  });
});
