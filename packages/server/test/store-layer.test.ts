/**
 * The store layer (issue #16 item 1): a unit of work writes a change, its change-feed entry and its
 * audit event together or not at all, and lists run a constant number of queries however many
 * rows they show (no N+1). On SQLite and PostgreSQL, on a real store opened as the CLI opens it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, type Context } from '../src/context.js';
import { openContext, prepareStore } from '../src/runtime.js';
import { createEnvironment, listEnvironments } from '../src/services/environments.js';
import { createIntegration, listIntegrations } from '../src/services/integrations.js';
import { unitOfWork } from '../src/store/unit-of-work.js';
import { testConfig } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { newStoreLocation, STORE_KINDS, type StoreLocation } from '@gatehouse/testing/stores';

describe.each(STORE_KINDS)('store layer (%s)', (kind) => {
  let location: StoreLocation;
  let ctx: Context;
  beforeAll(async () => {
    location = newStoreLocation(kind);
    ctx = await openContext(testConfig(location));
    await prepareStore(ctx);
  });
  afterAll(async () => {
    await ctx.store.close();
    await location.dispose();
  });

  const rows = async (ref: string) => ({
    changes: (await stored(ctx).changesOf(ref)).length,
    events: (await stored(ctx).auditEvents({ target: ref })).length,
  });

  /** How many statements `work` runs on the store. */
  async function queries(work: () => Promise<unknown>): Promise<number> {
    let n = 0;
    const before = ctx.store.onQuery;
    ctx.store.onQuery = () => void n++;
    try {
      await work();
    } finally {
      ctx.store.onQuery = before;
    }
    return n;
  }

  it('a unit of work that fails midway writes nothing: neither the change, nor its change-feed entry, nor its audit event', async () => {
    const now = Math.floor(Date.now() / 1000);
    const failure = new Error('storage failed midway');
    await expect(
      unitOfWork(ctx.store, async (uow) => {
        await uow.environments.update('env_none', { name: 'x' }, now);
        await uow.change('environment', 'uow-rolled-back', now);
        await uow.audit(
          CLI_ACTOR,
          { environmentId: null, action: 'test.write', target: 'uow-rolled-back' },
          Date.now(),
        );
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await rows('uow-rolled-back')).toEqual({ changes: 0, events: 0 });

    await unitOfWork(ctx.store, async (uow) => {
      await uow.change('environment', 'uow-committed', now);
      await uow.audit(CLI_ACTOR, { environmentId: null, action: 'test.write', target: 'uow-committed' }, Date.now());
    });
    expect(await rows('uow-committed')).toEqual({ changes: 1, events: 1 });
  });

  it('a service change commits its change-feed entry and audit event with it', async () => {
    const env = await createEnvironment(ctx, CLI_ACTOR, 'store-layer');
    expect((await stored(ctx).changesOf(env.id)).map((r) => r.kind)).toEqual(['environment']);
    expect((await stored(ctx).auditEvents({ target: 'store-layer' })).map((r) => r.action)).toEqual([
      'environment.create',
    ]);
  });

  it('listing integrations runs the same number of queries for 2 and for 12 integrations', async () => {
    await createEnvironment(ctx, CLI_ACTOR, 'n-plus-one');
    for (let i = 0; i < 2; i++)
      await createIntegration(ctx, CLI_ACTOR, 'n-plus-one', { name: `few ${i}`, preset: 'read-only' });
    let listed = 0;
    const few = await queries(async () => (listed = (await listIntegrations(ctx, 'n-plus-one')).items.length));
    expect(listed).toBe(2);
    for (let i = 0; i < 10; i++)
      await createIntegration(ctx, CLI_ACTOR, 'n-plus-one', { name: `many ${i}`, preset: 'read-only' });
    const many = await queries(async () => (listed = (await listIntegrations(ctx, 'n-plus-one')).items.length));
    expect(listed).toBe(12);
    expect(many).toBe(few);
    // The environment (3 queries) and one page: integrations, grants, keys, and their usage (2).
    expect(many).toBeLessThanOrEqual(8);
  });

  it('listing environments runs the same number of queries however many environments there are', async () => {
    const before = await queries(() => listEnvironments(ctx));
    for (let i = 0; i < 4; i++) await createEnvironment(ctx, CLI_ACTOR, `more-${i}`);
    let listed: string[] = [];
    const after = await queries(async () => (listed = (await listEnvironments(ctx)).map((e) => e.slug)));
    expect(listed).toContain('more-3');
    expect(after).toBe(before);
  });
});
