/**
 * Store contract (issue #24) of environments, their APIs and credentials, and removing an
 * environment with its contents: repository methods called directly on SQLite and PostgreSQL,
 * with the environment locks (`FOR UPDATE` / `FOR SHARE`) run against a second unit of work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../../src/context.js';
import { createEnvironment } from '../../src/services/environments.js';
import { createEnvironmentSecret } from '../../src/services/credentials.js';
import type { Store } from '../../src/store/db.js';
import { isUniqueViolation, type Repositories } from '../../src/store/repositories/index.js';
import { repositories, unitOfWork } from '../../src/store/unit-of-work.js';
import type { EnvironmentCredentialTable, IssuedTokenTable } from '../../src/store/schema.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import {
  AUDIENCE,
  contend,
  integrationRow,
  openStoreOf,
  seedEnvironment,
  seedIntegration,
  type OpenStore,
} from './helpers.js';

const token = (
  jti: string,
  environmentId: string,
  integrationId: string,
  extra: Partial<IssuedTokenTable> = {},
): IssuedTokenTable => ({
  jti,
  integration_id: integrationId,
  environment_id: environmentId,
  audience: 'urn:api',
  scope: 'read',
  kid: 'kid',
  issued_at: 100,
  expires_at: 200,
  revoked_at: null,
  ...extra,
});

const credential = (
  id: string,
  environmentId: string,
  extra: Partial<EnvironmentCredentialTable> = {},
): EnvironmentCredentialTable => ({
  id,
  environment_id: environmentId,
  kind: 'secret',
  alg: 'HS256',
  kid: null,
  material: 'sealed',
  allow_admin: 0,
  expires_at: null,
  created_at: 100,
  ...extra,
});

describe.each(STORE_KINDS)('store contract: environments, APIs, credentials (%s)', (kind) => {
  let open: OpenStore;
  let store: Store;
  let repos: Repositories;
  beforeAll(async () => {
    open = await openStoreOf(kind);
    store = open.store;
    repos = repositories(store);
  });
  afterAll(() => open.close());

  it('environments: insert() with its built-in API; load() by id, slug and key (APIs by creation, scopes by position, the built-in audience replaced by the configured one); undefined when absent; a taken slug or environment key is a unique violation', async () => {
    const id = await seedEnvironment(store, 'env-load', 500);
    await unitOfWork(store, (uow) =>
      uow.environments.insertApi(
        { id: 'api_orders', environment_id: id, name: 'Orders', audience: 'urn:orders', built_in: 0, created_at: 600 },
        [
          { value: 'z', description: 'Z' },
          { value: 'a', description: 'A' },
        ],
      ),
    );
    // An API registered with the configured audience is shadowed by the built-in one.
    await repos.environments.insertApi(
      { id: 'api_shadow', environment_id: id, name: 'Shadow', audience: AUDIENCE, built_in: 0, created_at: 700 },
      [],
    );
    const env = (await repos.environments.load('slug', 'env-load', AUDIENCE))!;
    expect(env).toMatchObject({
      id,
      slug: 'env-load',
      tokenLifetime: 600,
      refreshBefore: 60,
      customerScopes: ['read'],
      customerTokenMaxLifetime: 300,
      environmentKey: 'key_env-load',
      requireTotp: false,
      createdAt: 500,
    });
    expect(env.apis.map((a) => a.id)).toEqual(['api_env-load', 'api_orders', 'api_shadow']);
    expect(env.environmentApi).toMatchObject({ id: 'api_env-load', audience: AUDIENCE, builtIn: true });
    expect(env.apiById.get('api_orders')!.scopes).toEqual([
      { value: 'z', description: 'Z' },
      { value: 'a', description: 'A' },
    ]);
    expect([...env.apiById.get('api_orders')!.scopeSet]).toEqual(['z', 'a']);
    expect(env.apiByAudience.get(AUDIENCE)!.id).toBe('api_env-load');
    expect(env.apiByAudience.get('urn:orders')!.id).toBe('api_orders');
    expect((await repos.environments.load('id', id, AUDIENCE))!.slug).toBe('env-load');
    expect((await repos.environments.load('environment_key', 'key_env-load', AUDIENCE))!.id).toBe(id);
    expect(await repos.environments.load('slug', 'absent', AUDIENCE)).toBeUndefined();

    const api2 = {
      id: 'api_load-2',
      environment_id: 'env_load-2',
      name: 'E',
      audience: 'urn:x',
      built_in: 1,
      created_at: 1,
    };
    const row = (slug: string, key: string) => ({
      id: 'env_load-2',
      slug,
      name: 'E',
      token_lifetime: 1,
      refresh_before: 0,
      customer_scopes: '',
      customer_token_max_lifetime: 1,
      environment_key: key,
      created_at: 1,
      updated_at: 1,
    });
    for (const [slug, key] of [
      ['env-load', 'key-free'],
      ['slug-free', 'key_env-load'],
    ])
      expect(
        isUniqueViolation(
          await unitOfWork(store, (uow) => uow.environments.insert(row(slug!, key!), api2, [])).catch(
            (e: unknown) => e,
          ),
        ),
      ).toBe(true);
    // Nothing of a refused insert is left (its unit of work rolled back).
    expect(await repos.environments.load('id', 'env_load-2', AUDIENCE)).toBeUndefined();
    const audienceTaken = await repos.environments
      .insertApi(
        { id: 'api_dup', environment_id: id, name: 'Dup', audience: 'urn:orders', built_in: 0, created_at: 1 },
        [],
      )
      .catch((e: unknown) => e);
    expect(isUniqueViolation(audienceTaken)).toBe(true);
  });

  it('environments: loadAll() returns every environment by slug with its own APIs; update() changes settings and updated_at; integrationCounts(), countIntegrations() and longestTokenLifetime()', async () => {
    const a = await seedEnvironment(store, 'all-b');
    const b = await seedEnvironment(store, 'all-a');
    await seedIntegration(store, a, 'int-count-1');
    await seedIntegration(store, a, 'int-count-2');
    const all = await repos.environments.loadAll(AUDIENCE);
    const slugs = all.map((e) => e.slug);
    expect(slugs).toEqual([...slugs].sort());
    expect(all.find((e) => e.id === a)!.apis.map((x) => x.id)).toEqual(['api_all-b']);
    expect(all.find((e) => e.id === b)!.environmentApi.audience).toBe(AUDIENCE);

    await unitOfWork(store, (uow) =>
      uow.environments.update(b, { name: 'Renamed', token_lifetime: 99_999, customer_scopes: 'x y' }, 4242),
    );
    const updated = (await repos.environments.load('id', b, AUDIENCE))!;
    expect(updated).toMatchObject({
      name: 'Renamed',
      tokenLifetime: 99_999,
      customerScopes: ['x', 'y'],
      refreshBefore: 60,
    });
    expect(await repos.environments.longestTokenLifetime()).toBe(99_999);

    const counts = await repos.environments.integrationCounts();
    expect(counts.get(a)).toBe(2);
    expect(counts.get(b) ?? 0).toBe(0);
    expect(await repos.environments.countIntegrations(a)).toBe(2);
    expect(await repos.environments.countIntegrations('absent')).toBe(0);
  });

  it('environments: lock("update") makes a second lock wait until the first unit of work commits, which then reads its write; lock("share") holders do not wait for each other; lock() of an absent environment is undefined', async () => {
    const id = await seedEnvironment(store, 'env-lock');
    const locked = await contend(
      store,
      (uow) => uow.environments.lock('id', id, 'update'),
      (uow) => uow.environments.update(id, { name: 'Written under lock' }, 2000),
      async (uow) => {
        expect(await uow.environments.lock('slug', 'env-lock', 'update')).toBe(id);
        return (await uow.environments.load('id', id, AUDIENCE))!.name;
      },
    );
    expect(locked).toEqual({ result: 'Written under lock', waited: true });

    const shared = await contend(
      store,
      (uow) => uow.environments.lock('id', id, 'share'),
      async () => {},
      (uow) => uow.environments.lock('id', id, 'share'),
    );
    expect(shared.result).toBe(id);
    // PostgreSQL: a second share lock goes on; SQLite has one writer at a time anyway.
    expect(shared.waited).toBe(kind === 'sqlite');

    const updateAfterShare = await contend(
      store,
      (uow) => uow.environments.lock('id', id, 'share'),
      (uow) => uow.environments.update(id, { name: 'Under share' }, 2001),
      async (uow) => {
        await uow.environments.lock('id', id, 'update');
        return (await uow.environments.load('id', id, AUDIENCE))!.name;
      },
    );
    expect(updateAfterShare).toEqual({ result: 'Under share', waited: true });
    expect(await unitOfWork(store, (uow) => uow.environments.lock('slug', 'absent', 'update'))).toBeUndefined();
  });

  it('apis: holders() lists integrations holding a scope of the API by client_id with their scopes; rename(); replaceScopes() in order; removeGrantedScopes(); delete() takes its scopes and grants along', async () => {
    const envId = await seedEnvironment(store, 'apis');
    const grants = (scopes: string[]) => new Map([['api_apis', new Set(scopes)]]);
    await unitOfWork(store, async (uow) => {
      await uow.integrations.insert(
        { ...integrationRow(envId, 'h-2'), client_id: 'cl_b' },
        grants(['write', 'read']),
        [],
      );
      await uow.integrations.insert({ ...integrationRow(envId, 'h-1'), client_id: 'cl_a' }, grants(['read']), []);
      await uow.integrations.insert(integrationRow(envId, 'h-none'), new Map(), []);
    });
    expect(await repos.apis.holders('api_apis')).toEqual([
      { integrationId: 'h-1', clientId: 'cl_a', scopes: ['read'] },
      { integrationId: 'h-2', clientId: 'cl_b', scopes: ['read', 'write'] },
    ]);
    expect(await repos.apis.holders('absent')).toEqual([]);

    await unitOfWork(store, async (uow) => {
      await uow.apis.rename('api_apis', 'New name');
      await uow.apis.replaceScopes('api_apis', [
        { value: 'write', description: 'W' },
        { value: 'admin', description: 'A' },
        { value: 'read', description: 'R' },
      ]);
      await uow.apis.removeGrantedScopes('api_apis', ['read']);
      await uow.apis.removeGrantedScopes('api_apis', []);
    });
    const api = (await repos.environments.load('id', envId, AUDIENCE))!.environmentApi;
    expect(api.name).toBe('New name');
    expect(api.scopes.map((s) => s.value)).toEqual(['write', 'admin', 'read']);
    expect(await repos.apis.holders('api_apis')).toEqual([
      { integrationId: 'h-2', clientId: 'cl_b', scopes: ['write'] },
    ]);

    await repos.apis.replaceScopes('api_apis', []);
    expect((await repos.environments.load('id', envId, AUDIENCE))!.environmentApi.scopes).toEqual([]);

    await repos.environments.insertApi(
      { id: 'api_gone', environment_id: envId, name: 'Gone', audience: 'urn:gone', built_in: 0, created_at: 1 },
      [{ value: 's', description: '' }],
    );
    await repos.integrations.replaceGrants('h-1', new Map([['api_gone', new Set(['s'])]]));
    await unitOfWork(store, (uow) => uow.apis.delete('api_gone'));
    expect((await repos.environments.load('id', envId, AUDIENCE))!.apiById.has('api_gone')).toBe(false);
    expect((await repos.integrations.load('id', 'h-1'))!.grants.size).toBe(0);
  });

  it("apis: endTokensForAudience() bumps the holders' token generation, drops their reusable tokens and (unless keepTokens) revokes their unexpired, unrevoked tokens for the audience at now; no holders is 0", async () => {
    const envId = await seedEnvironment(store, 'end-tokens');
    await seedIntegration(store, envId, 'et-1');
    await seedIntegration(store, envId, 'et-other');
    for (const [jti, extra] of [
      ['et-live', {}],
      ['et-expiring-now', { expires_at: 150 }],
      ['et-revoked', { revoked_at: 120 }],
      ['et-other-aud', { audience: 'urn:other' }],
    ] as const)
      await repos.tokens.insertIssued(token(jti, envId, 'et-1', extra));
    await repos.tokens.insertIssued(token('et-not-holder', envId, 'et-other'));
    await repos.tokens.putReusable(
      {
        reuse_key: 'et-reuse',
        integration_id: 'et-1',
        jti: 'et-live',
        token_enc: 'x',
        scope: 'read',
        expires_at: 200,
        refresh_at: 180,
      },
      150,
    );

    expect(await repos.apis.endTokensForAudience([], 'urn:api', 150, false)).toBe(0);
    expect(await unitOfWork(store, (uow) => uow.apis.endTokensForAudience(['et-1'], 'urn:api', 150, true))).toBe(0);
    expect((await repos.integrations.load('id', 'et-1'))!).toMatchObject({ generation: 2, updatedAt: 150 });
    expect(await repos.tokens.reusable('et-reuse')).toBeUndefined();
    expect((await repos.tokens.state('et-live'))!.revoked_at).toBeNull();

    expect(await unitOfWork(store, (uow) => uow.apis.endTokensForAudience(['et-1'], 'urn:api', 150, false))).toBe(1);
    expect((await repos.tokens.state('et-live'))!.revoked_at).toBe(150);
    expect((await repos.tokens.state('et-expiring-now'))!.revoked_at).toBeNull();
    expect((await repos.tokens.state('et-revoked'))!.revoked_at).toBe(120);
    expect((await repos.tokens.state('et-other-aud'))!.revoked_at).toBeNull();
    expect((await repos.tokens.state('et-not-holder'))!.revoked_at).toBeNull();
    expect((await repos.integrations.load('id', 'et-1'))!.generation).toBe(3);
    expect((await repos.integrations.load('id', 'et-other'))!.generation).toBe(1);
  });

  it('environment removal: deleteWithContents() revokes the unexpired tokens (rows kept), drops reusable tokens, deletes the environment with its integrations, APIs, customers and credentials, and returns what went', async () => {
    const envId = await seedEnvironment(store, 'removed');
    await seedIntegration(store, envId, 'rm-1');
    await repos.tokens.insertIssued(token('rm-live', envId, 'rm-1', { expires_at: 501 }));
    await repos.tokens.insertIssued(token('rm-expired', envId, 'rm-1', { expires_at: 500 }));
    await repos.tokens.putReusable(
      {
        reuse_key: 'rm-reuse',
        integration_id: 'rm-1',
        jti: 'rm-live',
        token_enc: 'x',
        scope: 'read',
        expires_at: 501,
        refresh_at: 450,
      },
      400,
    );
    await repos.customers.insertIfNew({
      environment_id: envId,
      id: 'cust',
      name: null,
      fields: '{}',
      created_at: 1,
      last_seen_at: 1,
    });
    await repos.credentials.insert(credential('rm-cred', envId));

    const before = await repos.environmentRemoval.count();
    const removal = await unitOfWork(store, (uow) => uow.environmentRemoval.deleteWithContents(envId, 500));
    expect(removal).toEqual({ integrationIds: ['rm-1'], revokedTokens: 1 });
    expect(await repos.environmentRemoval.count()).toBe(before - 1);
    expect(await repos.environments.load('id', envId, AUDIENCE)).toBeUndefined();
    expect(await repos.integrations.load('id', 'rm-1')).toBeUndefined();
    expect(await repos.customers.get(envId, 'cust')).toBeUndefined();
    expect(await repos.credentials.list(envId)).toEqual([]);
    expect(await repos.tokens.reusable('rm-reuse')).toBeUndefined();
    expect((await repos.tokens.state('rm-live'))!.revoked_at).toBe(500);
    expect((await repos.tokens.state('rm-expired'))!.revoked_at).toBeNull();
    expect(await unitOfWork(store, (uow) => uow.environmentRemoval.deleteWithContents('absent', 500))).toEqual({
      integrationIds: [],
      revokedTokens: 0,
    });
  });

  it('environment removal: count() locks the environments (FOR UPDATE on PostgreSQL), so a second "delete unless last" waits and counts what the first left', async () => {
    await seedEnvironment(store, 'removal-a');
    const n = await repos.environmentRemoval.count();
    const { result, waited } = await contend(
      store,
      (uow) => uow.environmentRemoval.count(),
      (uow) => uow.environmentRemoval.deleteWithContents('env_removal-a', 1),
      (uow) => uow.environmentRemoval.count(),
    );
    expect({ result, waited }).toEqual({ result: n - 1, waited: true });
  });

  it('credentials: insert(); list() oldest first and all(); hasCurrentSecret(); retireSecrets() deletes expiring secrets and ends the current one at expiresAt; kidTaken(); deletePublicKey() only a public key of that environment', async () => {
    const envId = await seedEnvironment(store, 'creds');
    const other = await seedEnvironment(store, 'creds-other');
    expect(await repos.credentials.hasCurrentSecret(envId)).toBe(false);
    await repos.credentials.insert(credential('s-old', envId, { expires_at: 50, created_at: 10 }));
    await repos.credentials.insert(credential('s-cur', envId, { created_at: 20 }));
    await repos.credentials.insert(
      credential('pk-1', envId, { kind: 'public_key', alg: 'ES256', kid: 'kid-1', created_at: 5 }),
    );
    expect((await repos.credentials.list(envId)).map((c) => c.id)).toEqual(['pk-1', 's-old', 's-cur']);
    expect((await repos.credentials.all(envId)).map((c) => c.id).sort()).toEqual(['pk-1', 's-cur', 's-old']);
    expect((await repos.credentials.list(envId))[2]).toEqual(credential('s-cur', envId, { created_at: 20 }));
    expect(await repos.credentials.hasCurrentSecret(envId)).toBe(true);
    expect(await repos.credentials.hasCurrentSecret(other)).toBe(false);

    await unitOfWork(store, async (uow) => {
      await uow.credentials.lockEnvironment(envId);
      await uow.credentials.retireSecrets(envId, 300);
      await uow.credentials.insert(credential('s-new', envId, { created_at: 30 }));
    });
    const secrets = (await repos.credentials.list(envId)).filter((c) => c.kind === 'secret');
    expect(secrets.map((c) => [c.id, c.expires_at])).toEqual([
      ['s-cur', 300],
      ['s-new', null],
    ]);

    expect(await repos.credentials.kidTaken(envId, 'kid-1')).toBe(true);
    expect(await repos.credentials.kidTaken(other, 'kid-1')).toBe(false);
    expect(await repos.credentials.deletePublicKey(other, 'pk-1')).toBe(false);
    expect(await repos.credentials.deletePublicKey(envId, 's-new')).toBe(false);
    expect(await repos.credentials.deletePublicKey(envId, 'pk-1')).toBe(true);
    expect(await repos.credentials.deletePublicKey(envId, 'pk-1')).toBe(false);
    expect(await repos.credentials.kidTaken(envId, 'kid-1')).toBe(false);
  });

  it("credentials: lockEnvironment() makes a second secret write wait, so it sees the first one's current secret", async () => {
    const envId = await seedEnvironment(store, 'creds-lock');
    const { result, waited } = await contend(
      store,
      (uow) => uow.credentials.lockEnvironment(envId),
      (uow) => uow.credentials.insert(credential('cl-first', envId)),
      async (uow) => {
        await uow.credentials.lockEnvironment(envId);
        return uow.credentials.hasCurrentSecret(envId);
      },
    );
    expect({ result, waited }).toEqual({ result: true, waited: true });
  });

  it('credentials: two concurrent secret creations through the service (createEnvironmentSecret, which locks with lockEnvironment and decides on hasCurrentSecret) leave exactly one current secret', async () => {
    const env = await createEnvironment(open.ctx, CLI_ACTOR, 'contract-secrets');
    const results = await Promise.allSettled([
      createEnvironmentSecret(open.ctx, CLI_ACTOR, 'contract-secrets'),
      createEnvironmentSecret(open.ctx, CLI_ACTOR, 'contract-secrets'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const secrets = (await repos.credentials.list(env.id)).filter((c) => c.kind === 'secret');
    expect(secrets.filter((c) => c.expires_at === null)).toHaveLength(1);
    expect(await repos.credentials.hasCurrentSecret(env.id)).toBe(true);
  });
});
