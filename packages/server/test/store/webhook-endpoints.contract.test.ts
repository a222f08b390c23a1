/**
 * The webhook endpoint and delivery-log repositories on SQLite and PostgreSQL (issue #28): reads
 * scoped to an endpoint's own environment (N-123), the ≤ 10 bound serialized by `lockScope`,
 * secret rotation keeping one previous sealed secret (N-124), the log newest first with at most 5
 * attempts each, test events and redelivery (same id and body, due again).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import type { WebhookEndpointTable } from '../../src/store/schema.js';
import { repositories, unitOfWork } from '../../src/store/unit-of-work.js';
import { CLI_ACTOR } from '../../src/context.js';
import { createWebhookEndpoint } from '../../src/services/webhooks.js';
import { contend, openStoreOf, seedEnvironment, type OpenStore } from './helpers.js';

const endpointRow = (id: string, environmentId: string | null, extra: Partial<WebhookEndpointTable> = {}) => ({
  id,
  environment_id: environmentId,
  url: `https://hooks.example/${id}`,
  events: JSON.stringify(['*']),
  enabled: 1,
  disabled_reason: null,
  secret_enc: `sealed-${id}`,
  previous_secret_enc: null,
  previous_expires_at: null,
  failing_since_ms: null,
  created_at: 1000,
  updated_at: 1000,
  ...extra,
});

describe.each(STORE_KINDS)('webhook repositories (%s)', (kind) => {
  let open: OpenStore;
  let envA: string;
  let envB: string;

  beforeAll(async () => {
    open = await openStoreOf(kind);
    envA = await seedEnvironment(open.store, 'hooks-a');
    envB = await seedEnvironment(open.store, 'hooks-b');
  });
  afterAll(() => open.close());

  it('N-123 insert, list, count and get are scoped to the environment (null: server-wide)', async () => {
    const repos = repositories(open.store);
    await unitOfWork(open.store, async (uow) => {
      await uow.webhookEndpoints.insert(endpointRow('whk_a1', envA, { events: JSON.stringify(['integration.*']) }));
      await uow.webhookEndpoints.insert(endpointRow('whk_a2', envA, { created_at: 1001 }));
      await uow.webhookEndpoints.insert(endpointRow('whk_s1', null));
    });
    expect((await repos.webhookEndpoints.list(envA)).map((e) => e.id)).toEqual(['whk_a1', 'whk_a2']);
    expect((await repos.webhookEndpoints.list(null)).map((e) => e.id)).toEqual(['whk_s1']);
    expect(await repos.webhookEndpoints.list(envB)).toEqual([]);
    expect(await repos.webhookEndpoints.count(envA)).toBe(2);
    expect(await repos.webhookEndpoints.count(null)).toBe(1);
    expect(await repos.webhookEndpoints.count(envB)).toBe(0);
    expect(await repos.webhookEndpoints.get(envA, 'whk_a1')).toMatchObject({
      id: 'whk_a1',
      environmentId: envA,
      events: ['integration.*'],
      enabled: true,
      disabledReason: null,
      secretEnc: 'sealed-whk_a1',
      previousSecretEnc: null,
      previousExpiresAt: null,
      failingSinceMs: null,
      createdAt: 1000,
    });
    // Another environment's id, or a server-wide one through an environment, reads as absent.
    expect(await repos.webhookEndpoints.get(envB, 'whk_a1')).toBeUndefined();
    expect(await repos.webhookEndpoints.get(null, 'whk_a1')).toBeUndefined();
    expect(await repos.webhookEndpoints.get(envA, 'whk_s1')).toBeUndefined();
  });

  it('update sets the columns and updated_at; remove is scoped and takes the deliveries with it', async () => {
    const repos = repositories(open.store);
    await unitOfWork(open.store, (uow) => uow.webhookEndpoints.insert(endpointRow('whk_u', envA)));
    expect(
      await unitOfWork(open.store, (uow) =>
        uow.webhookEndpoints.update(
          'whk_u',
          { enabled: 0, disabled_reason: 'failing', failing_since_ms: 5_000, url: 'https://new.example/x' },
          2000,
        ),
      ),
    ).toBe(true);
    expect(await repos.webhookEndpoints.get(envA, 'whk_u')).toMatchObject({
      enabled: false,
      disabledReason: 'failing',
      failingSinceMs: 5_000,
      url: 'https://new.example/x',
      updatedAt: 2000,
    });
    expect(await repos.webhookEndpoints.update('whk_none', { enabled: 1 }, 2000)).toBe(false);
    const test = await unitOfWork(open.store, (uow) => uow.webhookDeliveryLog.enqueueTest('whk_u', '{}', 1_000_000));
    expect(await unitOfWork(open.store, (uow) => uow.webhookEndpoints.remove(envB, 'whk_u'))).toBe(false);
    expect(await unitOfWork(open.store, (uow) => uow.webhookEndpoints.remove(envA, 'whk_u'))).toBe(true);
    expect(await repos.webhookEndpoints.get(envA, 'whk_u')).toBeUndefined();
    expect(await repos.webhookDeliveryLog.get('whk_u', test.id)).toBeUndefined();
  });

  it('N-124 rotateSecret keeps the replaced secret as the previous one until its expiry; a second rotation replaces it', async () => {
    const repos = repositories(open.store);
    await unitOfWork(open.store, (uow) =>
      uow.webhookEndpoints.insert(endpointRow('whk_r', envA, { secret_enc: 's1' })),
    );
    await unitOfWork(open.store, (uow) => uow.webhookEndpoints.rotateSecret('whk_r', 's2', 5000, 3000));
    expect(await repos.webhookEndpoints.get(envA, 'whk_r')).toMatchObject({
      secretEnc: 's2',
      previousSecretEnc: 's1',
      previousExpiresAt: 5000,
      updatedAt: 3000,
    });
    await unitOfWork(open.store, (uow) => uow.webhookEndpoints.rotateSecret('whk_r', 's3', 6000, 3500));
    expect(await repos.webhookEndpoints.get(envA, 'whk_r')).toMatchObject({
      secretEnc: 's3',
      previousSecretEnc: 's2',
      previousExpiresAt: 6000,
    });
    expect(await repos.webhookEndpoints.rotateSecret('whk_none', 'x', 1, 1)).toBe(false);
  });

  it('lock holds the endpoint row: a second unit of work reads it after the first committed', async () => {
    await unitOfWork(open.store, (uow) => uow.webhookEndpoints.insert(endpointRow('whk_l', envA)));
    const { result, waited } = await contend(
      open.store,
      (uow) => uow.webhookEndpoints.lock(envA, 'whk_l'),
      (uow) => uow.webhookEndpoints.update('whk_l', { url: 'https://after.example/' }, 4000),
      async (uow) => (await uow.webhookEndpoints.lock(envA, 'whk_l'))?.url,
    );
    expect(waited).toBe(true);
    expect(result).toBe('https://after.example/');
    expect(await unitOfWork(open.store, (uow) => uow.webhookEndpoints.lock(envB, 'whk_l'))).toBeUndefined();
  });

  it.each([
    ['an environment', () => envB],
    ['the server-wide endpoints', () => null],
  ])('lockScope serializes additions to %s: the second counts what the first added', async (_what, scopeOf) => {
    const scope = scopeOf();
    const before = await repositories(open.store).webhookEndpoints.count(scope);
    const { result, waited } = await contend(
      open.store,
      (uow) => uow.webhookEndpoints.lockScope(scope),
      (uow) => uow.webhookEndpoints.insert(endpointRow(`whk_scope_${String(scope)}`, scope)),
      async (uow) => {
        await uow.webhookEndpoints.lockScope(scope);
        return uow.webhookEndpoints.count(scope);
      },
    );
    expect(waited).toBe(true);
    expect(result).toBe(before + 1);
  });

  it('two additions at once to an environment holding 9 endpoints: one is written, the other is 409', async () => {
    const envC = await seedEnvironment(open.store, 'hooks-c');
    await unitOfWork(open.store, async (uow) => {
      for (let i = 0; i < 9; i++) await uow.webhookEndpoints.insert(endpointRow(`whk_c${i}`, envC));
    });
    const add = () => createWebhookEndpoint(open.ctx, CLI_ACTOR, 'hooks-c', { url: 'https://hooks.example/race' });
    const results = await Promise.allSettled([add(), add()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
      status: 409,
    });
    expect(await repositories(open.store).webhookEndpoints.count(envC)).toBe(10);
  });

  // SQLite runs one write transaction at a time; on PostgreSQL the addition must wait on the lock.
  it.runIf(kind === 'postgres')(
    'an addition waits for a concurrent one holding the bound: it counts the 10th and is 409',
    async () => {
      const envD = await seedEnvironment(open.store, 'hooks-d');
      await unitOfWork(open.store, async (uow) => {
        for (let i = 0; i < 9; i++) await uow.webhookEndpoints.insert(endpointRow(`whk_d${i}`, envD));
      });
      const { result, waited } = await contend(
        open.store,
        (uow) => uow.webhookEndpoints.lockScope(envD),
        (uow) => uow.webhookEndpoints.insert(endpointRow('whk_d9', envD)),
        // The service's own unit of work (not the one contend hands over).
        () =>
          createWebhookEndpoint(open.ctx, CLI_ACTOR, 'hooks-d', { url: 'https://hooks.example/late' }).catch(
            (err: unknown) => err,
          ),
      );
      expect(waited).toBe(true);
      expect(result).toMatchObject({ status: 409 });
      expect(await repositories(open.store).webhookEndpoints.count(envD)).toBe(10);
    },
  );

  it('lockScope answers false for an environment that does not exist', async () => {
    expect(await unitOfWork(open.store, (uow) => uow.webhookEndpoints.lockScope('env_none'))).toBe(false);
    expect(await unitOfWork(open.store, (uow) => uow.webhookEndpoints.lockScope(envA))).toBe(true);
  });

  it('the log: enqueueTest, page newest first with a cursor and ≤ 5 attempts each, get, lock, redeliver', async () => {
    const repos = repositories(open.store);
    await unitOfWork(open.store, (uow) => uow.webhookEndpoints.insert(endpointRow('whk_log', envA)));
    const body = JSON.stringify({ type: 'webhook.test' });
    const first = await unitOfWork(open.store, (uow) => uow.webhookDeliveryLog.enqueueTest('whk_log', body, 10_000));
    const second = await unitOfWork(open.store, (uow) => uow.webhookDeliveryLog.enqueueTest('whk_log', body, 20_000));
    expect(first).toMatchObject({
      endpointId: 'whk_log',
      eventId: null,
      eventType: 'webhook.test',
      status: 'pending',
      attempts: 0,
      nextAttemptAtMs: 10_000,
      createdAtMs: 10_000,
      recentAttempts: [],
    });
    expect(first.id).toMatch(/^msg_/);
    // Seven attempts of the first (the engine writes these): the log shows the five newest.
    for (let i = 0; i < 7; i++)
      await open.ctx.db
        .insertInto('webhook_attempts')
        .values({
          id: `wha_${i}`,
          delivery_id: first.id,
          attempted_at_ms: 11_000 + i,
          status_code: i === 6 ? 200 : 500,
          latency_ms: 10 + i,
          error: i === 6 ? null : 'answered 500',
        })
        .execute();
    await open.ctx.db
      .updateTable('webhook_deliveries')
      .set({ status: 'delivered', delivered_at_ms: 11_006, attempts: 7, lease_owner: 'node', lease_until_ms: 99 })
      .where('id', '=', first.id)
      .execute();

    const page1 = await repos.webhookDeliveryLog.page('whk_log', 1);
    expect(page1.map((d) => d.id)).toEqual([second.id]);
    const page2 = await repos.webhookDeliveryLog.page('whk_log', 5, { eventAtMs: 20_000, id: second.id });
    expect(page2.map((d) => d.id)).toEqual([first.id]);
    expect(page2[0]!.recentAttempts.map((a) => a.attemptedAtMs)).toEqual([11_006, 11_005, 11_004, 11_003, 11_002]);
    expect(page2[0]!.recentAttempts[0]).toEqual({ attemptedAtMs: 11_006, statusCode: 200, latencyMs: 16, error: null });
    expect(await repos.webhookDeliveryLog.page('whk_none', 5)).toEqual([]);
    expect(await repos.webhookDeliveryLog.get('whk_other', first.id)).toBeUndefined();
    expect(await repos.webhookDeliveryLog.get('whk_log', first.id)).toMatchObject({ status: 'delivered', attempts: 7 });

    const locked = await unitOfWork(open.store, (uow) => uow.webhookDeliveryLog.lock('whk_log', first.id));
    expect(locked).toMatchObject({ leaseOwner: 'node', leaseUntilMs: 99 });
    expect(await unitOfWork(open.store, (uow) => uow.webhookDeliveryLog.lock('whk_other', first.id))).toBeUndefined();

    expect(await unitOfWork(open.store, (uow) => uow.webhookDeliveryLog.redeliver('whk_other', first.id, 30_000))).toBe(
      false,
    );
    expect(await unitOfWork(open.store, (uow) => uow.webhookDeliveryLog.redeliver('whk_log', first.id, 30_000))).toBe(
      true,
    );
    expect(await repos.webhookDeliveryLog.get('whk_log', first.id)).toMatchObject({
      id: first.id,
      status: 'pending',
      nextAttemptAtMs: 30_000,
      leaseOwner: null,
      leaseUntilMs: null,
      deliveredAtMs: null,
      attempts: 7,
    });
    const stored = await open.ctx.db
      .selectFrom('webhook_deliveries')
      .select(['body', 'event_at_ms'])
      .where('id', '=', first.id)
      .executeTakeFirstOrThrow();
    expect(stored.body).toBe(body);
    expect(Number(stored.event_at_ms)).toBe(10_000);
  });
});
