/**
 * Store contract (issue #24) of customers and the content they or integrations own (projects,
 * outputs) and environment assets: repository methods called directly on SQLite and PostgreSQL,
 * every read scoped by environment and owner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/db.js';
import { isUniqueViolation, type Repositories } from '../../src/store/repositories/index.js';
import { repositories, unitOfWork } from '../../src/store/unit-of-work.js';
import type { AssetTable, CustomerTable, OutputTable, ProjectTable } from '../../src/store/schema.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { openStoreOf, seedEnvironment, type OpenStore } from './helpers.js';

describe.each(STORE_KINDS)('store contract: customers, projects, outputs, assets (%s)', (kind) => {
  let open: OpenStore;
  let store: Store;
  let repos: Repositories;
  let envId: string;
  let otherEnv: string;
  beforeAll(async () => {
    open = await openStoreOf(kind);
    store = open.store;
    repos = repositories(store);
    envId = await seedEnvironment(store, 'content');
    otherEnv = await seedEnvironment(store, 'content-other');
  });
  afterAll(() => open.close());

  const customer = (id: string, environmentId = envId): CustomerTable => ({
    environment_id: environmentId,
    id,
    name: `Customer ${id}`,
    fields: '{"a":1}',
    created_at: 10,
    last_seen_at: 10,
  });
  const project = (id: string, ownerType: string, ownerId: string, environmentId = envId): ProjectTable => ({
    id,
    environment_id: environmentId,
    owner_type: ownerType,
    owner_id: ownerId,
    created_at: 10,
    name: `Project ${id}`,
    description: '',
    data: '{}',
    updated_at: 10,
  });
  const output = (id: string, ownerType: string, ownerId: string): OutputTable => ({
    id,
    environment_id: envId,
    owner_type: ownerType,
    owner_id: ownerId,
    created_at: 10,
    project_id: 'pr-1',
    format: 'pdf',
    status: 'done',
  });
  const alice = { ownerType: 'customer', ownerId: 'alice' } as const;
  const bot = { ownerType: 'integration', ownerId: 'alice' } as const;

  it('customers: insertIfNew() is true once (of concurrent inserts exactly one); get(); updateSeen(); update() only the given fields (none for an empty patch), false for no such customer; page() by id after a cursor, at most `limit`, one environment', async () => {
    const inserted = await Promise.all(
      Array.from({ length: 4 }, () => repos.customers.insertIfNew(customer('c-race'))),
    );
    expect(inserted.filter(Boolean)).toHaveLength(1);
    expect(await repos.customers.insertIfNew({ ...customer('c-race'), name: 'ignored' })).toBe(false);
    expect(await repos.customers.get(envId, 'c-race')).toEqual(customer('c-race'));
    expect(await repos.customers.get(otherEnv, 'c-race')).toBeUndefined();
    expect(await repos.customers.insertIfNew(customer('c-race', otherEnv))).toBe(true);

    await repos.customers.updateSeen(envId, 'c-race', null, '{"b":2}', 50);
    expect(await repos.customers.get(envId, 'c-race')).toMatchObject({
      name: null,
      fields: '{"b":2}',
      last_seen_at: 50,
      created_at: 10,
    });
    expect((await repos.customers.get(otherEnv, 'c-race'))!.last_seen_at).toBe(10);
    expect(await repos.customers.update(envId, 'c-race', { name: 'Named' })).toBe(true);
    expect(await repos.customers.get(envId, 'c-race')).toMatchObject({ name: 'Named', fields: '{"b":2}' });
    expect(await repos.customers.update(envId, 'c-race', { fields: '{}' })).toBe(true);
    expect(await repos.customers.get(envId, 'c-race')).toMatchObject({ name: 'Named', fields: '{}' });
    expect(await repos.customers.update(envId, 'absent', { name: 'x' })).toBe(false);
    // An empty patch (PATCH {}) changes nothing: true for a customer that exists, false for none.
    expect(await repos.customers.update(envId, 'c-race', {})).toBe(true);
    expect(await repos.customers.update(envId, 'absent', {})).toBe(false);
    expect(await repos.customers.get(envId, 'c-race')).toMatchObject({ name: 'Named', fields: '{}' });

    for (const id of ['c-b', 'c-a', 'c-c']) await repos.customers.insertIfNew(customer(id));
    const ids = async (limit: number, cursor?: string) =>
      (await repos.customers.page(envId, limit, cursor)).map((c) => c.id);
    expect(await ids(10)).toEqual(['c-a', 'c-b', 'c-c', 'c-race']);
    expect(await ids(2)).toEqual(['c-a', 'c-b']);
    expect(await ids(10, 'c-b')).toEqual(['c-c', 'c-race']);
    expect(await ids(10, 'c-race')).toEqual([]);
    expect((await repos.customers.page(otherEnv, 10)).map((c) => c.id)).toEqual(['c-race']);
  });

  it("customers: delete() takes the projects and outputs the customer owns (not an integration's of the same id, nor another environment's); false and nothing deleted for no such customer", async () => {
    await repos.customers.insertIfNew(customer('alice'));
    await repos.projects.insert(project('cd-p1', 'customer', 'alice'));
    await repos.projects.insert(project('cd-p2', 'integration', 'alice'));
    await repos.projects.insert(project('cd-p3', 'customer', 'alice', otherEnv));
    await repos.outputs.insert(output('cd-o1', 'customer', 'alice'));
    expect(await repos.customers.delete(envId, 'absent')).toBe(false);
    expect(await unitOfWork(store, (uow) => uow.customers.delete(envId, 'alice'))).toBe(true);
    expect(await repos.customers.get(envId, 'alice')).toBeUndefined();
    expect(await repos.projects.get(envId, alice, 'cd-p1')).toBeUndefined();
    expect(await repos.outputs.get(envId, alice, 'cd-o1')).toBeUndefined();
    expect(await repos.projects.get(envId, bot, 'cd-p2')).toBeDefined();
    expect(await repos.projects.get(otherEnv, alice, 'cd-p3')).toBeDefined();
    expect(await repos.customers.delete(envId, 'alice')).toBe(false);
  });

  it("projects: insert() (a duplicate id is a unique violation); get() and page() only the owner's in that environment, by id after a cursor; update() sets the patch and updated_at, delete(); both false for another owner", async () => {
    for (const id of ['pr-2', 'pr-1', 'pr-3']) await repos.projects.insert(project(id, 'customer', 'bob'));
    await repos.projects.insert(project('pr-bot', 'integration', 'bob'));
    const bob = { ownerType: 'customer', ownerId: 'bob' } as const;
    const botBob = { ownerType: 'integration', ownerId: 'bob' } as const;
    expect(
      isUniqueViolation(await repos.projects.insert(project('pr-1', 'customer', 'bob')).catch((e: unknown) => e)),
    ).toBe(true);
    expect(await repos.projects.get(envId, bob, 'pr-1')).toEqual(project('pr-1', 'customer', 'bob'));
    expect(await repos.projects.get(envId, botBob, 'pr-1')).toBeUndefined();
    expect(await repos.projects.get(otherEnv, bob, 'pr-1')).toBeUndefined();
    const ids = async (q: { limit: number; cursor?: string }) =>
      (await repos.projects.page(envId, bob, q)).map((p) => p.id);
    expect(await ids({ limit: 10 })).toEqual(['pr-1', 'pr-2', 'pr-3']);
    expect(await ids({ limit: 2 })).toEqual(['pr-1', 'pr-2']);
    expect(await ids({ limit: 10, cursor: 'pr-2' })).toEqual(['pr-3']);
    expect((await repos.projects.page(envId, botBob, { limit: 10 })).map((p) => p.id)).toEqual(['pr-bot']);

    expect(
      await unitOfWork(store, (uow) => uow.projects.update(envId, bob, 'pr-1', { name: 'New', data: '{"x":1}' }, 77)),
    ).toBe(true);
    expect(await repos.projects.get(envId, bob, 'pr-1')).toMatchObject({
      name: 'New',
      data: '{"x":1}',
      description: '',
      updated_at: 77,
      created_at: 10,
    });
    expect(await repos.projects.update(envId, botBob, 'pr-1', { name: 'Stolen' }, 78)).toBe(false);
    expect(await repos.projects.update(otherEnv, bob, 'pr-1', { name: 'Stolen' }, 78)).toBe(false);
    expect((await repos.projects.get(envId, bob, 'pr-1'))!.name).toBe('New');
    expect(await repos.projects.delete(envId, botBob, 'pr-1')).toBe(false);
    expect(await repos.projects.delete(envId, bob, 'pr-1')).toBe(true);
    expect(await repos.projects.delete(envId, bob, 'pr-1')).toBe(false);
  });

  it("outputs: insert(); get() and page() only the owner's, by id after a cursor, at most `limit`", async () => {
    for (const id of ['o-2', 'o-1', 'o-3']) await repos.outputs.insert(output(id, 'customer', 'carol'));
    const carol = { ownerType: 'customer', ownerId: 'carol' } as const;
    expect(await repos.outputs.get(envId, carol, 'o-1')).toEqual(output('o-1', 'customer', 'carol'));
    expect(await repos.outputs.get(envId, { ownerType: 'integration', ownerId: 'carol' }, 'o-1')).toBeUndefined();
    expect(await repos.outputs.get(otherEnv, carol, 'o-1')).toBeUndefined();
    expect((await repos.outputs.page(envId, carol, { limit: 2 })).map((o) => o.id)).toEqual(['o-1', 'o-2']);
    expect((await repos.outputs.page(envId, carol, { limit: 10, cursor: 'o-2' })).map((o) => o.id)).toEqual(['o-3']);
    expect(await repos.outputs.page(envId, { ownerType: 'customer', ownerId: 'nobody' }, { limit: 10 })).toEqual([]);
  });

  it('assets: insert(); get() and page() by environment and kind, by id after a cursor, at most `limit`', async () => {
    const asset = (id: string, kindOf: string): AssetTable => ({
      id,
      environment_id: envId,
      kind: kindOf,
      name: `${id}.png`,
      content_type: 'image/png',
      size: 3,
      checksum: 'sum',
      created_by: 'cli',
      created_at: 10,
    });
    for (const id of ['a-2', 'a-1', 'a-3']) await repos.assets.insert(asset(id, 'media'));
    await unitOfWork(store, (uow) => uow.assets.insert(asset('f-1', 'fonts')));
    expect(await repos.assets.get(envId, 'media', 'a-1')).toEqual(asset('a-1', 'media'));
    expect(await repos.assets.get(envId, 'fonts', 'a-1')).toBeUndefined();
    expect(await repos.assets.get(otherEnv, 'media', 'a-1')).toBeUndefined();
    expect((await repos.assets.page(envId, 'media', { limit: 2 })).map((a) => a.id)).toEqual(['a-1', 'a-2']);
    expect((await repos.assets.page(envId, 'media', { limit: 10, cursor: 'a-2' })).map((a) => a.id)).toEqual(['a-3']);
    expect((await repos.assets.page(envId, 'fonts', { limit: 10 })).map((a) => a.id)).toEqual(['f-1']);
    expect(isUniqueViolation(await repos.assets.insert(asset('a-1', 'media')).catch((e: unknown) => e))).toBe(true);
  });
});
