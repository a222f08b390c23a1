/**
 * Repository contract of the reads a command decides on (docs/security.md K-100), on SQLite and
 * PostgreSQL: each answers like its plain read, and a second transaction reading the same row the
 * same way waits for the first and then reads what it wrote. On PostgreSQL the second is seen
 * blocked on the first's lock (`pg_blocking_pids`) before the first writes; on SQLite every
 * transaction begins immediate, so the second one starts only after the first has committed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Transaction } from 'kysely';
import { CLI_ACTOR, type Context } from '../src/context.js';
import { openContext, prepareStore } from '../src/runtime.js';
import { createAdmin } from '../src/services/admins.js';
import { createIntegration } from '../src/services/integrations.js';
import { Repositories } from '../src/store/repositories/index.js';
import type { Database } from '../src/store/schema.js';
import { testConfig } from '@gatehouse/testing/server';
import { newStoreLocation, STORE_KINDS, type StoreLocation } from '@gatehouse/testing/stores';

describe.each(STORE_KINDS)('repository locks (%s)', (kind) => {
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

  const inTransaction = <T>(work: (repos: Repositories) => Promise<T>) =>
    ctx.db.transaction().execute((trx) => work(new Repositories(trx, ctx.store.dialect)));

  /** Resolves once another connection waits for a lock `trx` holds (PostgreSQL). */
  async function someoneWaitsOn(trx: Transaction<Database>): Promise<void> {
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
    const pid = rows[0]!.pid;
    for (let tries = 0; tries < 500; tries++) {
      const waiting = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))`.execute(ctx.db);
      if (waiting.rows[0]!.n > 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the second transaction never waited for the lock');
  }

  /**
   * Runs `first` in a transaction, then starts `second` in another, then (once `second` waits for
   * `first`'s lock, on PostgreSQL) runs `write` in the first and commits it.
   * @returns what `second` returned.
   */
  async function raced<T>(
    first: (repos: Repositories) => Promise<unknown>,
    write: (repos: Repositories) => Promise<unknown>,
    second: (repos: Repositories) => Promise<T>,
  ): Promise<T> {
    let other: Promise<T> | undefined;
    await ctx.db.transaction().execute(async (trx) => {
      const repos = new Repositories(trx, ctx.store.dialect);
      await first(repos);
      other = inTransaction(second);
      if (kind === 'postgres') await someoneWaitsOn(trx);
      await write(repos);
    });
    return other!;
  }

  it('K-100 integrations.loadForUpdate reads like load, and a second one waits for the first and reads its write', async () => {
    const c = await createIntegration(ctx, CLI_ACTOR, 'default', { name: 'locked', scopes: ['projects:read'] });
    const plain = await inTransaction((r) => r.integrations.load('client_id', c.client_id));
    expect(await inTransaction((r) => r.integrations.loadForUpdate('client_id', c.client_id))).toEqual(plain);
    expect(await inTransaction((r) => r.integrations.loadForUpdate('id', c.id))).toEqual(plain);
    expect(await inTransaction((r) => r.integrations.loadForUpdate('client_id', 'nobody'))).toBeUndefined();
    const seen = await raced(
      (r) => r.integrations.loadForUpdate('client_id', c.client_id),
      (r) => r.integrations.update(c.id, { name: 'renamed by the first' }, 1),
      async (r) => (await r.integrations.loadForUpdate('client_id', c.client_id))?.name,
    );
    expect(seen).toBe('renamed by the first');
  });

  it('K-100 integrations.environmentIdOf names the environment, undefined when absent', async () => {
    const c = await createIntegration(ctx, CLI_ACTOR, 'default', { name: 'where', scopes: ['projects:read'] });
    const env = await inTransaction((r) => r.environments.load('slug', 'default', ctx.config.audience));
    expect(await inTransaction((r) => r.integrations.environmentIdOf(c.client_id))).toBe(env!.id);
    expect(await inTransaction((r) => r.integrations.environmentIdOf('nobody'))).toBeUndefined();
  });

  it('K-100 environments.lock: by id or slug, undefined when absent; an update lock waits for a share lock and reads its write', async () => {
    const env = (await inTransaction((r) => r.environments.load('slug', 'default', ctx.config.audience)))!;
    expect(await inTransaction((r) => r.environments.lock('slug', 'default', 'share'))).toBe(env.id);
    expect(await inTransaction((r) => r.environments.lock('id', env.id, 'update'))).toBe(env.id);
    expect(await inTransaction((r) => r.environments.lock('slug', 'nowhere', 'update'))).toBeUndefined();
    const seen = await raced(
      (r) => r.environments.lock('id', env.id, 'share'),
      (r) => r.environments.update(env.id, { name: 'named under a share lock' }, 1),
      async (r) => {
        await r.environments.lock('id', env.id, 'update');
        return (await r.environments.load('id', env.id, ctx.config.audience))?.name;
      },
    );
    expect(seen).toBe('named under a share lock');
    if (kind === 'postgres') {
      // Two share locks don't wait for each other (integration commands of one environment run side by side).
      await ctx.db.transaction().execute(async (trx) => {
        await new Repositories(trx, 'postgres').environments.lock('id', env.id, 'share');
        expect(await inTransaction((r) => r.environments.lock('id', env.id, 'share'))).toBe(env.id);
      });
    }
  });

  it('K-100 operators.countForUpdate counts like count; a second count waits for a deletion and counts after it', async () => {
    await createAdmin(ctx, CLI_ACTOR, 'first@example.com', 'correct horse battery staple');
    const second = await createAdmin(ctx, CLI_ACTOR, 'second@example.com', 'correct horse battery staple');
    const count = await inTransaction((r) => r.operators.count());
    expect(await inTransaction((r) => r.operators.countForUpdate())).toBe(count);
    const seen = await raced(
      (r) => r.operators.countForUpdate(),
      (r) => r.operators.delete(second.id),
      (r) => r.operators.countForUpdate(),
    );
    expect(seen).toBe(count - 1);
  });

  it('K-100 operators.passwordHashForUpdate reads the hash; a second read waits for a change and reads the new hash', async () => {
    const admin = await createAdmin(ctx, CLI_ACTOR, 'hash@example.com', 'correct horse battery staple');
    const stored = (await inTransaction((r) => r.operators.byId(admin.id)))!.passwordHash;
    expect(await inTransaction((r) => r.operators.passwordHashForUpdate(admin.id))).toBe(stored);
    expect(await inTransaction((r) => r.operators.passwordHashForUpdate('adm_nobody'))).toBeUndefined();
    const seen = await raced(
      (r) => r.operators.passwordHashForUpdate(admin.id),
      (r) => r.operators.setPasswordHash(admin.id, 'another hash'),
      (r) => r.operators.passwordHashForUpdate(admin.id),
    );
    expect(seen).toBe('another hash');
  });
});
