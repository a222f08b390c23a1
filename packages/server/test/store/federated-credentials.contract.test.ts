/**
 * The federated-credential repository on SQLite and PostgreSQL (issue #26): (`issuer`, `subject`)
 * unique across the server, also under concurrent inserts (L-108); `find` names the holder;
 * credentials go with their integration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, type Context } from '../../src/context.js';
import { openContext, prepareStore } from '../../src/runtime.js';
import { createIntegration } from '../../src/services/integrations.js';
import { deleteIntegration } from '../../src/services/integration-lifecycle.js';
import { addFederatedCredential } from '../../src/services/federated-credentials.js';
import { repositories, unitOfWork } from '../../src/store/unit-of-work.js';
import { isUniqueViolation } from '../../src/store/repositories/index.js';
import { testConfig } from '@gatehouse/testing/server';
import { newStoreLocation, STORE_KINDS, type StoreLocation } from '@gatehouse/testing/stores';

describe.each(STORE_KINDS)('federated credentials repository (%s)', (kind) => {
  let location: StoreLocation;
  let ctx: Context;
  const integration = async () =>
    (await createIntegration(ctx, CLI_ACTOR, 'default', { name: 'workload', preset: 'read-only' })).client_id;
  const row = (integrationId: string, id: string, subject: string) => ({
    id,
    integration_id: integrationId,
    issuer: 'https://issuer.example',
    subject,
    audience: null,
    jwks_uri: null,
    claims: JSON.stringify({ 'kubernetes.io.namespace': 'payments' }),
    created_at: 1_700_000_000,
  });

  beforeAll(async () => {
    location = newStoreLocation(kind);
    ctx = await openContext(testConfig(location));
    await prepareStore(ctx);
  });
  afterAll(async () => {
    await ctx.store.close();
    await location.dispose();
  });

  it('L-108 insert, listFor, find (with the holder client_id), delete; a second (issuer, subject) is a unique violation', async () => {
    const clientId = await integration();
    const repos = repositories(ctx.store);
    const { id } = (await repos.integrations.load('client_id', clientId))!;
    await unitOfWork(ctx.store, (uow) => uow.federatedCredentials.insert(row(id, 'fc_a', 'sub-a')));
    const found = await repos.federatedCredentials.find('https://issuer.example', 'sub-a');
    expect(found).toMatchObject({ id: 'fc_a', clientId, claims: { 'kubernetes.io.namespace': 'payments' } });
    expect(found?.createdAt).toBe(1_700_000_000);
    expect((await repos.federatedCredentials.listFor(id)).map((c) => c.id)).toEqual(['fc_a']);
    const other = (await repos.integrations.load('client_id', await integration()))!.id;
    const dup = await unitOfWork(ctx.store, (uow) =>
      uow.federatedCredentials.insert(row(other, 'fc_b', 'sub-a')),
    ).catch((err: unknown) => err);
    expect(isUniqueViolation(dup)).toBe(true);
    expect(await repos.federatedCredentials.delete(other, 'fc_a')).toBe(false);
    expect(await repos.federatedCredentials.delete(id, 'fc_a')).toBe(true);
    expect(await repos.federatedCredentials.find('https://issuer.example', 'sub-a')).toBeUndefined();
  });

  it('L-108 two integrations add the same (issuer, subject) at once: one wins, the other is 409 naming the holder', async () => {
    const a = await integration();
    const b = await integration();
    const input = { issuer: 'https://race.example', subject: 'system:serviceaccount:ns:race' };
    const results = await Promise.allSettled([
      addFederatedCredential(ctx, CLI_ACTOR, a, input),
      addFederatedCredential(ctx, CLI_ACTOR, b, input),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    const holder = (await repositories(ctx.store).federatedCredentials.find(input.issuer, input.subject))!.clientId;
    expect(refused.reason).toMatchObject({ status: 409 });
    expect(String((refused.reason as Error).message)).toContain(holder);
  });

  it('credentials go with their integration', async () => {
    const clientId = await integration();
    await addFederatedCredential(ctx, CLI_ACTOR, clientId, { issuer: 'https://gone.example', subject: 'x' });
    await deleteIntegration(ctx, CLI_ACTOR, clientId);
    expect(await repositories(ctx.store).federatedCredentials.find('https://gone.example', 'x')).toBeUndefined();
  });
});
