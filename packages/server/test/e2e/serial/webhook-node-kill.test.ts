/**
 * A node killed (kill -9, a real `gatehouse serve` process) in the middle of a webhook delivery
 * (docs/security.md N-121): its lease on the delivery expires and another node sends it — the
 * same `webhook-id` and body, so a receiver deduplicating by `webhook-id` sees the event once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, type Context } from '../../../src/context.js';
import { openContext } from '../../../src/runtime.js';
import { ensureDefaultEnvironment } from '../../../src/services/environments.js';
import { repositories } from '../../../src/store/unit-of-work.js';
import { WEBHOOK_LEASE_MS } from '../../../src/store/repositories/webhook-outbox.js';
import { STORE_KINDS, newStoreLocation, type StoreLocation } from '@gatehouse/testing/stores';
import { startNode } from '@gatehouse/testing/node-process';
import { startTestServer, testConfig, type TestServer } from '@gatehouse/testing/server';
import { WallClock } from '@gatehouse/testing/wall-clock';
import { within } from '@gatehouse/testing/within';
import { startWebhookReceiver, type WebhookReceiver } from '@gatehouse/testing/webhook-receiver';
import { insertEndpointForTest, webhookOutbox } from '@gatehouse/testing/webhooks';

const ISSUER = 'https://gatehouse.webhooks.test';

describe.each(STORE_KINDS)('a node killed mid-delivery (%s)', (kind) => {
  let location: StoreLocation;
  let cli: Context;
  let receiver: WebhookReceiver;
  let survivor: TestServer | undefined;
  beforeAll(async () => {
    location = newStoreLocation(kind);
    cli = await openContext(testConfig(location, { issuer: ISSUER }));
    await ensureDefaultEnvironment(cli, CLI_ACTOR);
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await survivor?.stop();
    await cli?.store.close();
    await location?.dispose();
  });

  it('N-121 kill -9 while the receiver holds the delivery: the lease expires and the other node delivers it, same webhook-id and body', async () => {
    // The first request is held (the node is mid-delivery when it dies); later ones are answered.
    receiver.answer(() => (receiver.received.length === 1 ? { hang: true } : 204));
    const { id: endpointId } = await insertEndpointForTest(cli, { url: receiver.url, events: ['kill.*'] });
    const node = await startNode(location, ISSUER, {
      GATEHOUSE_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      GATEHOUSE_WEBHOOK_POLL_MS: '50',
    });
    await repositories(cli.store).auditLog.record(
      { actor: 'cli' },
      { environmentId: null, action: 'kill.e0' },
      Date.now(),
    );
    await receiver.waitFor(1, 20_000);
    const [leased] = await webhookOutbox(cli).deliveries(endpointId);
    expect(leased).toMatchObject({ status: 'pending', attempts: 0, lease_owner: expect.stringMatching(/^node_/) });
    node.kill('SIGKILL');
    await node.exited;

    // The survivor, on real time, honours the dead node's lease until it expires.
    const clock = new WallClock();
    survivor = await startTestServer(kind, {
      location,
      clock,
      config: { issuer: ISSUER, webhookAllowedHosts: ['127.0.0.1'], webhookPollMs: 20 },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received).toHaveLength(1);
    expect((await webhookOutbox(cli).deliveries(endpointId))[0]!.lease_owner).toBe(leased!.lease_owner);

    // Past the lease (moved on the survivor's clock instead of waiting 30 s): sent again and recorded.
    clock.advance(WEBHOOK_LEASE_MS / 1000 + 1);
    await receiver.waitFor(2, 10_000);
    await within(5000, async () => (await webhookOutbox(cli).deliveries(endpointId))[0]!.status === 'delivered');
    const [first, second] = receiver.received;
    expect(second!.id).toBe(first!.id);
    expect(second!.body).toBe(first!.body);
    expect(new Set(receiver.received.map((h) => h.id)).size).toBe(1);
    const [row] = await webhookOutbox(cli).deliveries(endpointId);
    expect(row).toMatchObject({
      id: first!.id,
      status: 'delivered',
      attempts: 1,
      last_status_code: 204,
      lease_owner: null,
    });
  });
});
