/**
 * Webhook delivery with several writers and senders on one store (docs/security.md N-121), on
 * SQLite and PostgreSQL: two server nodes' workers deliver every event once (each claim won by
 * one node), in order per endpoint; an event written by another process (the CLI) is delivered
 * by the running server within 10 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../src/context.js';
import { openContext } from '../src/runtime.js';
import { createIntegration } from '../src/services/integrations.js';
import { repositories } from '../src/store/unit-of-work.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, testConfig, type TestServer } from '@gatehouse/testing/server';
import { WallClock } from '@gatehouse/testing/wall-clock';
import { within } from '@gatehouse/testing/within';
import { startWebhookReceiver, type WebhookReceiver } from '@gatehouse/testing/webhook-receiver';
import { insertEndpointForTest, webhookOutbox } from '@gatehouse/testing/webhooks';

const LOCAL = ['127.0.0.1'];

/** The sum of a counter's series with `label` in the Prometheus text of `t`'s registry. */
async function metric(t: TestServer, name: string, label = ''): Promise<number> {
  const text = await t.server.runtime.metrics.registry.getSingleMetricAsString(name);
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && l.includes(label))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

describe.each(STORE_KINDS)('webhooks on several nodes (%s)', (kind) => {
  let a: TestServer;
  let b: TestServer;
  let receivers: WebhookReceiver[];
  beforeAll(async () => {
    a = await startTestServer(kind, { config: { webhookAllowedHosts: LOCAL, webhookPollMs: 20 } });
    b = await startTestServer(kind, {
      location: a.location,
      clock: a.clock,
      config: { webhookAllowedHosts: LOCAL, webhookPollMs: 20 },
    });
    receivers = [await startWebhookReceiver(), await startWebhookReceiver()];
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await b?.stop();
    await a?.close();
  });

  it('N-121 two nodes on one store deliver every event exactly once-visible to a receiver deduplicating by webhook-id, in order per endpoint; metrics count them', async () => {
    const ctx = a.server.runtime.ctx;
    // Receivers answer a little late at random, so the two nodes' polls interleave.
    for (const r of receivers) r.answer(() => ({ status: 204, delayMs: Math.floor(Math.random() * 5) }));
    const hooks: { id: string; secret: string }[] = [];
    for (const r of receivers) hooks.push(await insertEndpointForTest(ctx, { url: r.url, events: ['nodes.*'] }));
    const count = 30;
    for (let i = 0; i < count; i++) {
      // Written on both nodes, a millisecond apart.
      const node = i % 2 ? b : a;
      await repositories(node.server.runtime.ctx.store).auditLog.record(
        { actor: 'cli' },
        { environmentId: null, action: `nodes.e${String(i).padStart(2, '0')}` },
        a.clock.now(),
      );
      a.clock.ms += 1;
    }
    for (const r of receivers) await r.waitFor(count, 20_000);
    // The last sends are recorded once the receivers answered.
    const delivered = async (id: string) =>
      (await webhookOutbox(ctx).deliveries(id)).every((d) => d.status === 'delivered');
    await within(5000, async () => (await delivered(hooks[0]!.id)) && delivered(hooks[1]!.id));
    for (const [i, r] of receivers.entries()) {
      const unique = [...new Map(r.received.map((h) => [h.id, h])).values()];
      expect(unique.map((h) => h.type)).toEqual(
        Array.from({ length: count }, (_, n) => `nodes.e${String(n).padStart(2, '0')}`),
      );
      const rows = await webhookOutbox(ctx).deliveries(hooks[i]!.id);
      expect(unique.map((h) => h.id)).toEqual(rows.map((d) => d.id));
      expect(rows.every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
      // The clock stands still, so no lease expired: each delivery was claimed and sent by one node only.
      expect(r.received).toHaveLength(count);
    }
    const sent =
      (await metric(a, 'gatehouse_webhook_deliveries_total', 'outcome="delivered"')) +
      (await metric(b, 'gatehouse_webhook_deliveries_total', 'outcome="delivered"'));
    expect(sent).toBe(2 * count);
    expect(await metric(a, 'gatehouse_webhook_outbox_pending')).toBe(0);
    for (const hook of hooks) await webhookOutbox(ctx).remove(hook.id);
  });
});

describe.each(STORE_KINDS)('webhooks of events another process writes (%s)', (kind) => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // The default poll (1 s), on real time as the CLI's clock is.
    server = await startTestServer(kind, { clock: new WallClock(), config: { webhookAllowedHosts: LOCAL } });
  });
  afterAll(async () => {
    await receiver.close();
    await server?.close();
  });

  it('N-121 an event written by the CLI (its own store handle) is delivered by the running server within 10 s', async () => {
    const cli = await openContext(testConfig(server.location));
    try {
      const { id } = await insertEndpointForTest(cli, { url: receiver.url, events: ['integration.*'] });
      const started = Date.now();
      const created = await createIntegration(cli, CLI_ACTOR, 'default', { name: 'From the CLI', preset: 'read-only' });
      await receiver.waitFor(1, 10_000);
      expect(Date.now() - started).toBeLessThan(10_000);
      const [hit] = receiver.received;
      expect(JSON.parse(hit!.body)).toMatchObject({
        type: 'integration.create',
        data: { actor: 'cli', action: 'integration.create', target: created.client_id, environment: 'default' },
      });
      await within(5000, async () => (await webhookOutbox(cli).deliveries(id))[0]?.status === 'delivered');
    } finally {
      await cli.store.close();
    }
  });
});
