/**
 * Shared setup of the store contract tests (`*.contract.test.ts`, issue #24): a migrated store of
 * each kind, rows made through the repositories themselves, and {@link contend}, which runs two
 * units of work against each other deterministically (no sleeps).
 * @packageDocumentation
 */
import { sql } from 'kysely';
import type { Context } from '../../src/context.js';
import { openContext, prepareStore } from '../../src/runtime.js';
import type { Store } from '../../src/store/db.js';
import { repositories, unitOfWork, UnitOfWork } from '../../src/store/unit-of-work.js';
import type { IntegrationTable } from '../../src/store/schema.js';
import { testConfig } from '@gatehouse/testing/server';
import { newStoreLocation, type StoreKind, type StoreLocation } from '@gatehouse/testing/stores';

/** An open store for a contract test file; `close` drops it. */
export interface OpenStore {
  ctx: Context;
  store: Store;
  close(): Promise<void>;
}

/** A migrated store of `kind` opened as the server opens it (with the `default` environment and a signing key). */
export async function openStoreOf(kind: StoreKind): Promise<OpenStore> {
  const location: StoreLocation = newStoreLocation(kind);
  const ctx = await openContext(testConfig(location));
  await prepareStore(ctx);
  return {
    ctx,
    store: ctx.store,
    async close() {
      await ctx.store.close();
      await location.dispose();
    },
  };
}

/** The audience the contract tests load environments with. */
export const AUDIENCE = 'https://gatehouse.test/api';

/**
 * Inserts environment `env_<slug>` (environment key `key_<slug>`) with its built-in API
 * `api_<slug>` (scopes `read`, `write`), created at `now` (seconds). @returns its id.
 */
export async function seedEnvironment(store: Store, slug: string, now = 1000): Promise<string> {
  const id = `env_${slug}`;
  await unitOfWork(store, (uow) =>
    uow.environments.insert(
      {
        id,
        slug,
        name: `Environment ${slug}`,
        token_lifetime: 600,
        refresh_before: 60,
        customer_scopes: 'read',
        customer_token_max_lifetime: 300,
        environment_key: `key_${slug}`,
        created_at: now,
        updated_at: now,
      },
      {
        id: `api_${slug}`,
        environment_id: id,
        name: 'Environment API',
        audience: `urn:env:${slug}`,
        built_in: 1,
        created_at: now,
      },
      [
        { value: 'read', description: 'Read' },
        { value: 'write', description: 'Write' },
      ],
    ),
  );
  return id;
}

/** An integration row of environment `environmentId` (client_id `cl_<id>`), with `extra` over the defaults. */
export function integrationRow(
  environmentId: string,
  id: string,
  extra: Partial<IntegrationTable> = {},
): IntegrationTable {
  return {
    id,
    environment_id: environmentId,
    client_id: `cl_${id}`,
    name: `Integration ${id}`,
    description: '',
    enabled: 1,
    secret_hash: 'hash',
    previous_secret_hash: null,
    previous_secret_expires_at: null,
    secret_expires_at: null,
    token_generation: 1,
    token_quota_per_hour: null,
    created_at: 1000,
    updated_at: 1000,
    jwks_uri: null,
    dpop_bound: 0,
    ...extra,
  };
}

/** Inserts integration `id` with no grants or keys. */
export async function seedIntegration(
  store: Store,
  environmentId: string,
  id: string,
  extra: Partial<IntegrationTable> = {},
) {
  await unitOfWork(store, (uow) => uow.integrations.insert(integrationRow(environmentId, id, extra), new Map(), []));
}

/** Inserts console account `id` (`<id>@store.test`), an operator unless `operator` is 0. */
export async function seedAccount(store: Store, id: string, operator: 0 | 1 = 1, createdAt = 1000): Promise<string> {
  await repositories(store).admins.insert({
    id,
    email: `${id}@store.test`,
    password_hash: `hash-${id}`,
    created_at: createdAt,
    operator,
  });
  return id;
}

/** The outcome of {@link contend}. */
export interface Contended<T> {
  /** What the waiting unit of work returned. */
  result: T;
  /**
   * PostgreSQL: the waiting unit of work was seen blocked on the holder's locks before the holder
   * wrote. SQLite: always true (Kysely's one connection runs the waiter after the holder commits).
   */
  waited: boolean;
}

/**
 * Runs two units of work against each other, deterministically: `hold` takes its locks in the
 * first; then the second (`waiter`) starts; once the waiter is seen waiting on a lock the first holds
 * (PostgreSQL: `pg_blocking_pids` names the first's backend; polled, not slept on) — or has finished,
 * when it took no lock — the first runs `write` and commits. A lock that serializes the two makes
 * the waiter read what `write` wrote; a missing lock shows as `waited: false` and a stale read.
 */
export async function contend<T>(
  store: Store,
  hold: (uow: UnitOfWork) => Promise<unknown>,
  write: (uow: UnitOfWork) => Promise<unknown>,
  waiter: (uow: UnitOfWork) => Promise<T>,
): Promise<Contended<T>> {
  let second: Promise<T> | undefined;
  let waited = store.dialect === 'sqlite';
  await store.db.transaction().execute(async (trx) => {
    const uow = new UnitOfWork(trx, store.dialect);
    const pid =
      store.dialect === 'postgres'
        ? (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid
        : 0;
    await hold(uow);
    let done = false;
    second = unitOfWork(store, waiter).finally(() => (done = true));
    second.catch(() => {});
    if (store.dialect === 'postgres') waited = await blockedBehind(store, pid, () => done);
    await write(uow);
  });
  return { result: await second!, waited };
}

/** Polls until a backend waits on a lock held by backend `pid` (true) or `finished()` (false); 10 s at most. */
async function blockedBehind(store: Store, pid: number, finished: () => boolean): Promise<boolean> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
      where ${pid} = any(pg_blocking_pids(pid))`.execute(store.db);
    if (rows[0]!.n > 0) return true;
    if (finished()) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the second unit of work neither waited nor finished within 10 s');
}
