/**
 * Store contract (issue #24) of the webhook outbox (issue #28, repositories/webhook-outbox.ts):
 * deliveries written with their audit event's transaction (or not at all), the per-endpoint head,
 * the claim one node wins, attempt outcomes, disabling a failing endpoint and the purge — on
 * SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/db.js';
import type { Repositories } from '../../src/store/repositories/index.js';
import { repositories, unitOfWork } from '../../src/store/unit-of-work.js';
import { listAudit } from '../../src/services/audit.js';
import { insertEndpointForTest, webhookOutbox } from '@gatehouse/testing/webhooks';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { contend, openStoreOf, seedEnvironment, type OpenStore } from './helpers.js';

const T0 = Date.UTC(2026, 0, 1);

describe.each(STORE_KINDS)('store contract: webhook outbox (%s)', (kind) => {
  let open: OpenStore;
  let store: Store;
  let repos: Repositories;
  let envA: string;
  let envB: string;
  beforeAll(async () => {
    open = await openStoreOf(kind);
    store = open.store;
    repos = repositories(store);
    envA = await seedEnvironment(store, 'hooks-a');
    envB = await seedEnvironment(store, 'hooks-b');
  });
  afterAll(() => open.close());

  const endpoint = (extra: Parameters<typeof insertEndpointForTest>[1] extends infer E ? Partial<E> : never) =>
    insertEndpointForTest(open.ctx, { url: 'https://hooks.example/in', nowMs: T0, ...extra });
  const outbox = () => webhookOutbox(open.ctx);

  it('enqueue: an audit event no endpoint takes costs one SELECT besides its insert — in a unit of work and on the store handle (no transaction opened)', async () => {
    await endpoint({ environmentId: envB, events: ['member.*'] });
    let statements: string[] = [];
    const before = store.onQuery;
    store.onQuery = (_ms, _failed, text) => void statements.push(text.trim().split(/\s+/)[0]!.toLowerCase());
    try {
      await unitOfWork(store, async (uow) => {
        statements = [];
        await uow.audit({ actor: 'cli' }, { environmentId: envA, action: 'integration.create' }, T0);
        expect(statements).toEqual(['insert', 'select']);
      });
      statements = [];
      await repos.auditLog.record({ actor: 'cli' }, { environmentId: null, action: 'token.mint' }, T0);
      expect(statements).toEqual(['select', 'insert']);
    } finally {
      store.onQuery = before;
    }
    await store.db.deleteFrom('webhook_endpoints').execute();
  });

  it('enqueue: an audit event in a unit of work writes one delivery per matching enabled endpoint in its transaction (environment endpoints only their own events, server-wide every one, token.* only for token. patterns, disabled nothing); a rolled-back unit writes neither; the body is the audit list event', async () => {
    const own = await endpoint({ environmentId: envA });
    const other = await endpoint({ environmentId: envB });
    const server = await endpoint({ environmentId: null, events: ['integration.*', 'admin.create'] });
    const tokens = await endpoint({ environmentId: envA, events: ['token.*'] });
    const off = await endpoint({ environmentId: envA, enabled: false });

    await unitOfWork(store, (uow) =>
      uow.audit(
        { actor: 'cli', ip: '203.0.113.9' },
        { environmentId: envA, action: 'integration.create', target: 'cl_1', details: { name: 'One' } },
        T0 + 1,
      ),
    );
    await unitOfWork(store, (uow) =>
      uow.audit({ actor: 'cli' }, { environmentId: envA, action: 'token.mint' }, T0 + 2),
    );
    await unitOfWork(store, (uow) =>
      uow.audit({ actor: 'cli' }, { environmentId: null, action: 'admin.create' }, T0 + 3),
    );
    await expect(
      unitOfWork(store, async (uow) => {
        await uow.audit({ actor: 'cli' }, { environmentId: envA, action: 'integration.delete' }, T0 + 4);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');

    const types = async (id: string) => (await outbox().deliveries(id)).map((d) => d.event_type);
    expect(await types(own.id)).toEqual(['integration.create']);
    expect(await types(other.id)).toEqual([]);
    expect(await types(server.id)).toEqual(['integration.create', 'admin.create']);
    expect(await types(tokens.id)).toEqual(['token.mint']);
    expect(await types(off.id)).toEqual([]);

    const [delivery] = await outbox().deliveries(own.id);
    const listed = (await listAudit(store.db, envA, 1, undefined, { action: 'integration.create' })).items[0]!;
    expect(JSON.parse(delivery!.body)).toEqual({
      type: 'integration.create',
      timestamp: listed.created_at,
      data: listed,
    });
    expect(listed).toMatchObject({
      environment: 'hooks-a',
      ip: '203.0.113.9',
      changes: { name: { before: null, after: 'One' } },
    });
    expect(delivery).toMatchObject({
      id: expect.stringMatching(/^msg_/),
      event_id: listed.id,
      status: 'pending',
      attempts: 0,
      event_at_ms: T0 + 1,
      next_attempt_at_ms: T0 + 1,
      lease_owner: null,
    });
    // One delivery per endpoint, each its own webhook-id, the same body.
    const [serverCopy] = await outbox().deliveries(server.id);
    expect(serverCopy!.id).not.toBe(delivery!.id);
    expect(serverCopy!.body).toBe(delivery!.body);
    for (const e of [own, other, server, tokens, off])
      await store.db.deleteFrom('webhook_endpoints').where('id', '=', e.id).execute();
  });

  it('enqueue: the audit repository on the store handle (no transaction) writes the event alone when nothing matches, else the event and its deliveries together; enqueue() on its own inserts for a given event row', async () => {
    const before = (await listAudit(store.db, envB, 100)).items.length;
    await repos.auditLog.record({ actor: 'cli' }, { environmentId: envB, action: 'member.add' }, T0 + 10);
    expect((await listAudit(store.db, envB, 100)).items.length).toBe(before + 1);

    const hook = await endpoint({ environmentId: envB, events: ['member.*'] });
    await repos.auditLog.record({ actor: 'cli' }, { environmentId: envB, action: 'member.remove' }, T0 + 11);
    expect((await outbox().deliveries(hook.id)).map((d) => d.event_type)).toEqual(['member.remove']);

    const inserted = await repos.webhookOutbox.enqueue({
      id: 'evt_direct',
      environment_id: envB,
      actor: 'cli',
      action: 'member.update',
      target: null,
      ip: null,
      result: 'success',
      details: null,
      created_at_ms: T0 + 12,
    });
    expect(inserted).toBe(1);
    expect(
      await repos.webhookOutbox.enqueue({
        id: 'evt_none',
        environment_id: envB,
        actor: 'cli',
        action: 'integration.update',
        target: null,
        ip: null,
        result: 'success',
        details: null,
        created_at_ms: T0 + 13,
      }),
    ).toBe(0);
    const bodies = (await outbox().deliveries(hook.id)).map(
      (d) => JSON.parse(d.body) as { data: { environment: string } },
    );
    expect(bodies.map((b) => b.data.environment)).toEqual(['hooks-b', 'hooks-b']);
    await store.db.deleteFrom('webhook_endpoints').where('id', '=', hook.id).execute();
  });

  it('dueHeads: one head per enabled endpoint, oldest pending by (event_at_ms, id), only when due and unleased (or its lease expired); claim() takes it once; recordAttempt() delivered moves the head on; ordering per endpoint', async () => {
    const slow = await endpoint({ environmentId: envA, events: ['api.*'] });
    const fast = await endpoint({ environmentId: envA, events: ['api.*'] });
    for (let i = 0; i < 3; i++)
      await unitOfWork(store, (uow) =>
        uow.audit({ actor: 'cli' }, { environmentId: envA, action: `api.e${i}` }, T0 + 100 + i),
      );
    const now = T0 + 1000;
    const heads = async () =>
      (await repos.webhookOutbox.dueHeads(now, 100)).filter((h) => [slow.id, fast.id].includes(h.endpointId));

    let due = await heads();
    expect(due.map((h) => [h.endpointId, JSON.parse(h.body).type])).toEqual(
      expect.arrayContaining([
        [slow.id, 'api.e0'],
        [fast.id, 'api.e0'],
      ]),
    );
    expect(due).toHaveLength(2);
    const slowHead = due.find((h) => h.endpointId === slow.id)!;
    expect(slowHead).toMatchObject({
      url: 'https://hooks.example/in',
      environmentId: envA,
      attempts: 0,
      eventAtMs: T0 + 100,
    });
    expect(open.ctx.sealer.open(slowHead.secretEnc, slow.id)).toBe(slow.secret);
    expect(await repos.webhookOutbox.dueHeads(T0 + 99, 100)).toEqual([]);

    // Claimed: the head is hidden (and the next one is not a head) until the lease expires.
    expect(await repos.webhookOutbox.claim(slowHead.id, 'node-1', now)).toBe(true);
    expect(await repos.webhookOutbox.claim(slowHead.id, 'node-2', now)).toBe(false);
    due = await heads();
    expect(due.map((h) => h.endpointId)).toEqual([fast.id]);
    expect((await repos.webhookOutbox.dueHeads(now + 30_001, 100)).map((h) => h.id)).toContain(slowHead.id);
    // A non-head can't be claimed.
    const slowRows = await outbox().deliveries(slow.id);
    expect(await repos.webhookOutbox.claim(slowRows[1]!.id, 'node-2', now + 60_000)).toBe(false);

    // Delivered: the next event becomes the head, in order.
    const fastHead = due[0]!;
    expect(await repos.webhookOutbox.claim(fastHead.id, 'node-1', now)).toBe(true);
    let current = fastHead.id;
    for (const expected of ['api.e1', 'api.e2']) {
      const recorded = await repos.webhookOutbox.recordAttempt({
        deliveryId: current,
        endpointId: fast.id,
        leaseOwner: 'node-1',
        attemptedAtMs: now,
        statusCode: 204,
        latencyMs: 12.4,
        error: null,
        result: 'delivered',
      });
      expect(recorded).toEqual({ applied: true, failingSinceMs: null });
      const next = (await heads()).find((h) => h.endpointId === fast.id)!;
      expect(JSON.parse(next.body).type).toBe(expected);
      expect(await repos.webhookOutbox.claim(next.id, 'node-1', now)).toBe(true);
      current = next.id;
    }
    const fastRows = await outbox().deliveries(fast.id);
    expect(fastRows.map((d) => d.status)).toEqual(['delivered', 'delivered', 'pending']);
    expect(fastRows[0]).toMatchObject({
      attempts: 1,
      delivered_at_ms: now,
      last_status_code: 204,
      last_latency_ms: 12,
      lease_owner: null,
    });
    expect(await outbox().attempts(fastRows[0]!.id)).toMatchObject([
      { status_code: 204, latency_ms: 12, error: null, attempted_at_ms: now },
    ]);
    for (const e of [slow, fast]) await store.db.deleteFrom('webhook_endpoints').where('id', '=', e.id).execute();
  });

  it('claim race: two claims of one head at once — exactly one wins (and on PostgreSQL the second waits on the first and then finds it taken)', async () => {
    const hook = await endpoint({ environmentId: envB, events: ['race.*'] });
    await unitOfWork(store, (uow) =>
      uow.audit({ actor: 'cli' }, { environmentId: envB, action: 'race.one' }, T0 + 200),
    );
    await unitOfWork(store, (uow) =>
      uow.audit({ actor: 'cli' }, { environmentId: envB, action: 'race.two' }, T0 + 201),
    );
    const [first, second] = await outbox().deliveries(hook.id);
    const now = T0 + 1000;

    const results = await Promise.all([
      repos.webhookOutbox.claim(first!.id, 'node-a', now),
      repos.webhookOutbox.claim(first!.id, 'node-b', now),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);

    // The lease has expired: two nodes claim it in open transactions, one waiting on the other.
    const later = now + 60_000;
    const { result, waited } = await contend(
      store,
      async (uow) => expect(await uow.webhookOutbox.claim(first!.id, 'node-a', later)).toBe(true),
      async () => undefined,
      (uow) => uow.webhookOutbox.claim(first!.id, 'node-b', later),
    );
    expect(result).toBe(false);
    expect(waited).toBe(true);
    expect((await outbox().deliveries(hook.id))[0]).toMatchObject({
      lease_owner: 'node-a',
      lease_until_ms: later + 30_000,
    });
    // The second delivery waits behind the first.
    expect(await repos.webhookOutbox.claim(second!.id, 'node-b', later + 60_000)).toBe(false);
    await store.db.deleteFrom('webhook_endpoints').where('id', '=', hook.id).execute();
  });

  it('recordAttempt: a retry counts the attempt and sets next_attempt_at and failing_since (kept from the first failure); failed gives up; a node that lost its lease changes only the log; a success clears failing_since; disableFailing() disables once and hides the endpoint; pendingCount() and purge() (attempts cascade)', async () => {
    const hook = await endpoint({ environmentId: envA, events: ['retry.*'] });
    for (let i = 0; i < 3; i++)
      await unitOfWork(store, (uow) =>
        uow.audit({ actor: 'cli' }, { environmentId: envA, action: `retry.e${i}` }, T0 + 300 + i),
      );
    const [d1, d2, d3] = await outbox().deliveries(hook.id);
    const now = T0 + 1000;
    const pendingBefore = await repos.webhookOutbox.pendingCount();
    expect(pendingBefore).toBeGreaterThanOrEqual(3);

    expect(await repos.webhookOutbox.claim(d1!.id, 'node-1', now)).toBe(true);
    const fail = (at: number, owner = 'node-1', id = d1!.id) =>
      repos.webhookOutbox.recordAttempt({
        deliveryId: id,
        endpointId: hook.id,
        leaseOwner: owner,
        attemptedAtMs: at,
        statusCode: 500,
        latencyMs: 5,
        error: 'HTTP 500',
        result: 'retry',
        nextAttemptAtMs: at + 5000,
      });
    expect(await fail(now)).toEqual({ applied: true, failingSinceMs: now });
    expect((await outbox().deliveries(hook.id))[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      next_attempt_at_ms: now + 5000,
      lease_owner: null,
      last_status_code: 500,
      last_error: 'HTTP 500',
    });
    expect(await repos.webhookOutbox.claim(d1!.id, 'node-1', now + 4999)).toBe(false);
    expect(await repos.webhookOutbox.claim(d1!.id, 'node-1', now + 5000)).toBe(true);
    expect(await fail(now + 5000)).toEqual({ applied: true, failingSinceMs: now });
    // node-2 never held it: its attempt is logged, nothing else changes.
    expect(await fail(now + 6000, 'node-2')).toEqual({ applied: false, failingSinceMs: now });
    expect((await outbox().deliveries(hook.id))[0]).toMatchObject({ attempts: 2, next_attempt_at_ms: now + 10_000 });
    expect(await outbox().attempts(d1!.id)).toHaveLength(3);
    await expect(
      repos.webhookOutbox.recordAttempt({
        deliveryId: d1!.id,
        endpointId: hook.id,
        leaseOwner: 'x',
        attemptedAtMs: now,
        statusCode: null,
        latencyMs: 0,
        error: 'x',
        result: 'retry',
      }),
    ).rejects.toThrow('nextAttemptAtMs');

    // Given up: failed, and the next delivery is the head.
    expect(await repos.webhookOutbox.claim(d1!.id, 'node-1', now + 10_000)).toBe(true);
    await repos.webhookOutbox.recordAttempt({
      deliveryId: d1!.id,
      endpointId: hook.id,
      leaseOwner: 'node-1',
      attemptedAtMs: now + 10_000,
      statusCode: null,
      latencyMs: 5000,
      error: 'timed out',
      result: 'failed',
    });
    expect((await outbox().deliveries(hook.id)).map((d) => d.status)).toEqual(['failed', 'pending', 'pending']);
    expect((await repos.webhookOutbox.dueHeads(now + 10_000, 100)).map((h) => h.id)).toContain(d2!.id);

    // A success clears failing_since.
    expect(await repos.webhookOutbox.claim(d2!.id, 'node-1', now + 11_000)).toBe(true);
    expect(
      await repos.webhookOutbox.recordAttempt({
        deliveryId: d2!.id,
        endpointId: hook.id,
        leaseOwner: 'node-1',
        attemptedAtMs: now + 11_000,
        statusCode: 200,
        latencyMs: 3,
        error: null,
        result: 'delivered',
      }),
    ).toEqual({ applied: true, failingSinceMs: null });
    expect((await outbox().endpoint(hook.id))!.failing_since_ms).toBeNull();

    // Disabled: once; its pending delivery stays but is no head; back when enabled again.
    expect(await unitOfWork(store, (uow) => uow.webhookOutbox.disableFailing(hook.id, now + 12_000))).toBe(true);
    expect(await repos.webhookOutbox.disableFailing(hook.id, now + 12_000)).toBe(false);
    expect(await outbox().endpoint(hook.id)).toMatchObject({ enabled: 0, disabled_reason: 'failing' });
    expect((await repos.webhookOutbox.dueHeads(now + 12_000, 100)).map((h) => h.id)).not.toContain(d3!.id);
    expect(await repos.webhookOutbox.claim(d3!.id, 'node-1', now + 12_000)).toBe(false);
    await unitOfWork(store, (uow) =>
      uow.audit({ actor: 'cli' }, { environmentId: envA, action: 'retry.e9' }, T0 + 400),
    );
    expect(await outbox().deliveries(hook.id)).toHaveLength(3);
    await outbox().enable(hook.id);
    expect((await repos.webhookOutbox.dueHeads(now + 12_000, 100)).map((h) => h.id)).toContain(d3!.id);

    // Purge: delivered and failed older than the cutoff, with their attempts; pending stay.
    expect(await repos.webhookOutbox.pendingCount()).toBe(pendingBefore - 2);
    expect(await repos.webhookOutbox.purge(T0 + 301)).toBe(1);
    expect(await outbox().attempts(d1!.id)).toEqual([]);
    expect(await repos.webhookOutbox.purge(T0 + 10_000_000)).toBe(1);
    expect((await outbox().deliveries(hook.id)).map((d) => d.id)).toEqual([d3!.id]);
    await store.db.deleteFrom('webhook_endpoints').where('id', '=', hook.id).execute();
  });
});
