/**
 * Store contract (issue #24) of integrations (with grants and registered keys) and their usage
 * columns: repository methods called directly on SQLite and PostgreSQL, with `loadForUpdate`'s row
 * lock run against a second unit of work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/db.js';
import { isUniqueViolation, type Repositories } from '../../src/store/repositories/index.js';
import { repositories, unitOfWork } from '../../src/store/unit-of-work.js';
import type { IssuedTokenTable } from '../../src/store/schema.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { contend, integrationRow, openStoreOf, seedEnvironment, seedIntegration, type OpenStore } from './helpers.js';

const key = (kid: string, createdAt: number) => ({ kid, alg: 'ES256', jwk: { kty: 'EC', kid }, createdAt });

describe.each(STORE_KINDS)('store contract: integrations (%s)', (kind) => {
  let open: OpenStore;
  let store: Store;
  let repos: Repositories;
  let envId: string;
  beforeAll(async () => {
    open = await openStoreOf(kind);
    store = open.store;
    repos = repositories(store);
    envId = await seedEnvironment(store, 'integrations');
  });
  afterAll(() => open.close());

  it('insert() with grants and keys; load() by id and client_id returns the record (grants per API, keys oldest first, flags as booleans); environmentIdOf(); undefined when absent; a taken client_id is a unique violation', async () => {
    await unitOfWork(store, (uow) =>
      uow.integrations.insert(
        integrationRow(envId, 'int-a', {
          previous_secret_hash: 'prev',
          previous_secret_expires_at: 900,
          secret_expires_at: 5000,
          token_quota_per_hour: 10,
          jwks_uri: 'https://jwks.test/keys',
          dpop_bound: 1,
          token_exchange: 1,
          exchange_audiences: 'urn:a urn:b',
        }),
        new Map([['api_integrations', new Set(['read', 'write'])]]),
        [key('k-2', 20), key('k-1', 10)],
      ),
    );
    const c = (await repos.integrations.load('client_id', 'cl_int-a'))!;
    expect(c).toMatchObject({
      id: 'int-a',
      clientId: 'cl_int-a',
      environmentId: envId,
      enabled: true,
      secretHash: 'hash',
      previousSecretHash: 'prev',
      previousSecretExpiresAt: 900,
      secretExpiresAt: 5000,
      generation: 1,
      tokenQuotaPerHour: 10,
      createdAt: 1000,
      updatedAt: 1000,
      hasSecret: true,
      jwksUri: 'https://jwks.test/keys',
      dpopBound: true,
      tokenExchange: { enabled: true, audiences: ['urn:a', 'urn:b'] },
    });
    expect([...c.grants.get('api_integrations')!].sort()).toEqual(['read', 'write']);
    expect(c.keys).toEqual([key('k-1', 10), key('k-2', 20)]);
    expect((await repos.integrations.load('id', 'int-a'))!.clientId).toBe('cl_int-a');
    expect(await repos.integrations.load('id', 'absent')).toBeUndefined();
    expect(await repos.integrations.environmentIdOf('cl_int-a')).toBe(envId);
    expect(await repos.integrations.environmentIdOf('absent')).toBeUndefined();

    await seedIntegration(store, envId, 'int-keyonly', { secret_hash: 'none' });
    expect((await repos.integrations.load('id', 'int-keyonly'))!).toMatchObject({
      hasSecret: false,
      keys: [],
      grants: new Map(),
      tokenExchange: { enabled: false, audiences: null },
    });
    const dup = await seedIntegration(store, envId, 'int-dup', { client_id: 'cl_int-a' }).catch((e: unknown) => e);
    expect(isUniqueViolation(dup)).toBe(true);
    expect(await repos.integrations.load('id', 'int-dup')).toBeUndefined();
  });

  it('update() sets the given columns and updated_at, bumping the generation only when asked; replaceGrants(); insertKeys() (none is a no-op); deleteKey(); endReuse(); delete() with its grants, keys and reusable tokens', async () => {
    await seedIntegration(store, envId, 'int-u');
    await unitOfWork(store, (uow) =>
      uow.integrations.update('int-u', { name: 'Renamed', enabled: 0, token_quota_per_hour: 5 }, 2000),
    );
    expect((await repos.integrations.load('id', 'int-u'))!).toMatchObject({
      name: 'Renamed',
      enabled: false,
      tokenQuotaPerHour: 5,
      generation: 1,
      updatedAt: 2000,
      description: '',
    });
    await unitOfWork(store, (uow) => uow.integrations.update('int-u', {}, 2001, true));
    expect((await repos.integrations.load('id', 'int-u'))!).toMatchObject({
      generation: 2,
      updatedAt: 2001,
      name: 'Renamed',
    });

    await repos.integrations.replaceGrants('int-u', new Map([['api_integrations', new Set(['read'])]]));
    await repos.integrations.replaceGrants('int-u', new Map([['api_integrations', new Set(['write'])]]));
    expect([...(await repos.integrations.load('id', 'int-u'))!.grants.get('api_integrations')!]).toEqual(['write']);
    await repos.integrations.replaceGrants('int-u', new Map());
    expect((await repos.integrations.load('id', 'int-u'))!.grants.size).toBe(0);

    await repos.integrations.insertKeys('int-u', []);
    await repos.integrations.insertKeys('int-u', [key('u-1', 1), key('u-2', 1)]);
    expect((await repos.integrations.load('id', 'int-u'))!.keys.map((k) => k.kid)).toEqual(['u-1', 'u-2']);
    const dupKey = await repos.integrations.insertKeys('int-u', [key('u-1', 2)]).catch((e: unknown) => e);
    expect(isUniqueViolation(dupKey)).toBe(true);
    await repos.integrations.deleteKey('int-u', 'u-1');
    await repos.integrations.deleteKey('int-u', 'absent');
    expect((await repos.integrations.load('id', 'int-u'))!.keys.map((k) => k.kid)).toEqual(['u-2']);

    const reuse = (k: string) => ({
      reuse_key: k,
      integration_id: 'int-u',
      jti: k,
      token_enc: 'x',
      scope: 's',
      expires_at: 100,
      refresh_at: 90,
    });
    await repos.tokens.putReusable(reuse('u-reuse-1'), 0);
    await repos.integrations.endReuse('int-u');
    expect(await repos.tokens.reusable('u-reuse-1')).toBeUndefined();
    await repos.tokens.putReusable(reuse('u-reuse-2'), 0);
    await unitOfWork(store, (uow) => uow.integrations.delete('int-u'));
    expect(await repos.integrations.load('id', 'int-u')).toBeUndefined();
    expect(await repos.tokens.reusable('u-reuse-2')).toBeUndefined();
    // Its key rows went with it: the kid is free again for a new integration of that id.
    await seedIntegration(store, envId, 'int-u');
    await repos.integrations.insertKeys('int-u', [key('u-2', 1)]);
  });

  it('page() lists an environment by id after a cursor, at most `limit`, each with its grants and keys; q matches a name part case-insensitively, non-ASCII letters too (literally: % and _ are not wildcards) or an exact client_id', async () => {
    const pageEnv = await seedEnvironment(store, 'paged');
    for (const [id, name] of [
      ['p-3', 'Billing Sync'],
      ['p-1', 'billing export'],
      ['p-2', 'Reports 100%'],
      ['p-4', 'Reports_x'],
    ])
      await unitOfWork(store, (uow) =>
        uow.integrations.insert(integrationRow(pageEnv, id!, { name }), new Map([['api_paged', new Set(['read'])]]), [
          key(`${id}-k`, 1),
        ]),
      );
    const ids = async (q: Parameters<Repositories['integrations']['page']>[1]) =>
      (await repos.integrations.page(pageEnv, q)).map((c) => c.id);
    expect(await ids({ limit: 10 })).toEqual(['p-1', 'p-2', 'p-3', 'p-4']);
    expect(await ids({ limit: 2 })).toEqual(['p-1', 'p-2']);
    expect(await ids({ limit: 2, cursor: 'p-2' })).toEqual(['p-3', 'p-4']);
    expect(await ids({ limit: 2, cursor: 'p-4' })).toEqual([]);
    expect(await ids({ limit: 10, q: 'BILLING' })).toEqual(['p-1', 'p-3']);
    expect(await ids({ limit: 10, q: '100%' })).toEqual(['p-2']);
    expect(await ids({ limit: 10, q: 's_' })).toEqual(['p-4']);
    expect(await ids({ limit: 10, q: '%' })).toEqual(['p-2']);
    expect(await ids({ limit: 10, q: 'cl_p-3' })).toEqual(['p-3']);
    expect(await ids({ limit: 10, q: 'CL_P-3' })).toEqual([]);
    // Case-insensitive beyond ASCII on both stores (SQLite's own lower() folds ASCII only).
    await seedIntegration(store, pageEnv, 'p-5', { name: 'Équipe Ærø' });
    expect(await ids({ limit: 10, q: 'équipe' })).toEqual(['p-5']);
    expect(await ids({ limit: 10, q: 'ÉQUIPE ÆRØ' })).toEqual(['p-5']);
    const [first] = await repos.integrations.page(pageEnv, { limit: 1 });
    expect([...first!.grants.get('api_paged')!]).toEqual(['read']);
    expect(first!.keys.map((k) => k.kid)).toEqual(['p-1-k']);
    expect(await repos.integrations.page('absent', { limit: 10 })).toEqual([]);
  });

  it('loadForUpdate() locks the row (FOR UPDATE on PostgreSQL): a second loadForUpdate waits and then reads what the first wrote', async () => {
    await seedIntegration(store, envId, 'int-lock');
    const { result, waited } = await contend(
      store,
      (uow) => uow.integrations.loadForUpdate('id', 'int-lock'),
      (uow) => uow.integrations.update('int-lock', { name: 'Locked write' }, 3000, true),
      async (uow) => {
        const c = (await uow.integrations.loadForUpdate('client_id', 'cl_int-lock'))!;
        return [c.name, c.generation];
      },
    );
    expect({ result, waited }).toEqual({ result: ['Locked write', 2], waited: true });
    expect(await unitOfWork(store, (uow) => uow.integrations.loadForUpdate('id', 'absent'))).toBeUndefined();
  });

  it('usage: load() gives last use, secret age and live tokens (neither expired nor revoked at now) per existing id; writeLastUsed() never moves a time back and skips absent ids; markSecretCreated()', async () => {
    await seedIntegration(store, envId, 'use-1');
    await seedIntegration(store, envId, 'use-2');
    const tok = (jti: string, extra: Partial<IssuedTokenTable>): IssuedTokenTable => ({
      jti,
      integration_id: 'use-1',
      environment_id: envId,
      audience: 'urn:a',
      scope: '',
      kid: 'k',
      issued_at: 1,
      expires_at: 101,
      revoked_at: null,
      ...extra,
    });
    await repos.tokens.insertIssued(tok('use-live', {}));
    await repos.tokens.insertIssued(tok('use-live-2', {}));
    await repos.tokens.insertIssued(tok('use-expiring-now', { expires_at: 100 }));
    await repos.tokens.insertIssued(tok('use-revoked', { revoked_at: 50 }));

    expect(await repos.integrationUsage.load([], 100)).toEqual(new Map());
    const usage = await repos.integrationUsage.load(['use-1', 'use-2', 'absent'], 100);
    expect([...usage.keys()].sort()).toEqual(['use-1', 'use-2']);
    expect(usage.get('use-1')).toEqual({ lastUsedAt: null, secretCreatedAt: null, liveTokens: 2 });
    expect(usage.get('use-2')).toEqual({ lastUsedAt: null, secretCreatedAt: null, liveTokens: 0 });

    await unitOfWork(store, (uow) =>
      uow.integrationUsage.writeLastUsed(
        new Map([
          ['use-1', 500],
          ['use-2', 400],
          ['absent', 1],
        ]),
      ),
    );
    await repos.integrationUsage.writeLastUsed(
      new Map([
        ['use-1', 300],
        ['use-2', 401],
      ]),
    );
    await repos.integrationUsage.markSecretCreated('use-2', 77);
    const after = await repos.integrationUsage.load(['use-1', 'use-2'], 100);
    expect(after.get('use-1')!.lastUsedAt).toBe(500);
    expect(after.get('use-2')).toEqual({ lastUsedAt: 401, secretCreatedAt: 77, liveTokens: 0 });
  });
});
