/**
 * Delivering webhooks (webhooks/worker.ts; docs/security.md N-121, N-122, N-124): retries at
 * base·2^n by the injected clock, in order per endpoint, the same `webhook-id` and body on every
 * attempt; one endpoint's failures or slowness hold back no other; 24 h of failures disable an
 * endpoint with an audit event; every delivery verifies with the `standardwebhooks` library, an
 * altered body or an old timestamp does not; during a rotation both secrets sign. Real receivers
 * on 127.0.0.1; the worker is stepped by hand (`runOnce`) except where real concurrency is the subject.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { nowSeconds } from '../src/clock.js';
import { purgeExpired } from '../src/maintenance.js';
import type { Context } from '../src/context.js';
import { repositories } from '../src/store/unit-of-work.js';
import { signV1 } from '../src/webhooks/signature.js';
import { retryDelayMs, WebhookWorker, WEBHOOK_MAX_RETRY_DELAY_MS } from '../src/webhooks/worker.js';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { TestClock } from '@gatehouse/testing/clock';
import { stored } from '@gatehouse/testing/stored';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '@gatehouse/testing/webhook-receiver';
import { insertEndpointForTest, newWebhookSecret, webhookOutbox } from '@gatehouse/testing/webhooks';

const LOCAL = ['127.0.0.1'];

/** The Standard Webhooks headers of a received request, as the library reads them. */
const headersOf = (hit: ReceivedWebhook): Record<string, string> => ({
  'webhook-id': String(hit.headers['webhook-id']),
  'webhook-timestamp': String(hit.headers['webhook-timestamp']),
  'webhook-signature': String(hit.headers['webhook-signature']),
});

/** Verifies `hit` as a receiver holding `secret` would (throws when it does not verify). */
const verify = (secret: string, hit: ReceivedWebhook, body = hit.body) =>
  new Webhook(secret).verify(body, headersOf(hit));

describe('webhook signatures', () => {
  it('N-122 signV1 is the Standard Webhooks v1 signature (the library signs the same bytes)', () => {
    const secret = newWebhookSecret();
    const body = '{"type":"integration.create","data":{"name":"Ünïcode"}}';
    expect(signV1(secret, 'msg_1', 1_767_225_600, body)).toBe(
      new Webhook(secret).sign('msg_1', new Date(1_767_225_600_000), body),
    );
  });

  it('N-121 retry delays: base·2^(n−1), plus up to 25 % jitter, never less, at most 1 h', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(5000, n, 0))).toEqual([5000, 10_000, 20_000, 40_000]);
    expect(retryDelayMs(5000, 3, 0.999)).toBe(Math.round(20_000 * (1 + 0.25 * 0.999)));
    expect(retryDelayMs(5000, 20, 0)).toBe(WEBHOOK_MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(5000, 1_000_000, 1)).toBe(WEBHOOK_MAX_RETRY_DELAY_MS);
  });
});

describe.each(HTTP_STORE_KINDS)('webhook delivery (%s)', (kind) => {
  let t: TestServer;
  let ctx: Context;
  let clock: TestClock;
  const receivers: WebhookReceiver[] = [];
  const endpoints: string[] = [];
  const receiver = async (port = 0) => {
    const r = await startWebhookReceiver(port);
    receivers.push(r);
    return r;
  };
  const endpoint = async (e: Parameters<typeof insertEndpointForTest>[1]) => {
    const made = await insertEndpointForTest(ctx, e);
    endpoints.push(made.id);
    return made;
  };
  /** Audit events `actions` (server-wide), one millisecond apart so their order is theirs. */
  const events = async (...actions: string[]) => {
    for (const action of actions) {
      await repositories(ctx.store).auditLog.record({ actor: 'cli' }, { environmentId: null, action }, clock.now());
      clock.ms += 1;
    }
  };
  const outbox = () => webhookOutbox(ctx);

  beforeAll(async () => {
    // Near the real time: the standardwebhooks library checks timestamps against its own clock.
    clock = new TestClock(Date.now());
    t = await startTestServer(kind, { clock, config: { webhookAllowedHosts: LOCAL } });
    ctx = t.server.runtime.ctx;
    // These tests step their own workers.
    await t.server.runtime.webhooks.stop();
  });
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    for (const id of endpoints.splice(0)) await outbox().remove(id);
  });
  afterAll(() => t.close());

  it('N-121 N-122 a receiver down, then failing, then back: retries at base·2^n by the clock (not earlier), every event delivered in order, the same webhook-id and body on every attempt, each verifying', async () => {
    const first = await receiver();
    const port = first.port;
    await first.close();
    const { id, secret } = await endpoint({ url: `http://127.0.0.1:${port}/hook`, events: ['n121.*'] });
    await events('n121.e0', 'n121.e1', 'n121.e2');
    const worker = new WebhookWorker({ ctx, random: () => 0 });
    const base = ctx.config.webhookRetryBaseMs;
    let r: WebhookReceiver | undefined;
    for (let n = 1; n <= 3; n++) {
      if (n === 3) {
        // Back up, but answering 503 for one more attempt.
        r = await receiver(port);
        r.answer(503);
      }
      expect(await worker.runOnce()).toBe(1);
      const [head] = await outbox().deliveries(id);
      expect(head).toMatchObject({ status: 'pending', attempts: n, lease_owner: null });
      expect(head!.next_attempt_at_ms).toBe(clock.now() + base * 2 ** (n - 1));
      expect(head!.last_error).toBe(n <= 2 ? 'ECONNREFUSED' : 'HTTP 503');
      // Not a millisecond earlier, and the next events wait behind it.
      clock.ms = head!.next_attempt_at_ms - 1;
      expect(await worker.runOnce()).toBe(0);
      clock.ms += 1;
    }
    r!.answer(204);
    // Attempt 4 succeeds; then the other two, one head at a time.
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(0);
    const rows = await outbox().deliveries(id);
    expect(rows.map((d) => [d.event_type, d.status, d.attempts])).toEqual([
      ['n121.e0', 'delivered', 4],
      ['n121.e1', 'delivered', 1],
      ['n121.e2', 'delivered', 1],
    ]);
    expect((await outbox().attempts(rows[0]!.id)).map((a) => a.status_code)).toEqual([null, null, 503, 204]);
    expect((await outbox().endpoint(id))!.failing_since_ms).toBeNull();

    const got = r!.received;
    expect(got.map((h) => h.type)).toEqual(['n121.e0', 'n121.e0', 'n121.e1', 'n121.e2']);
    expect(new Set(got.slice(0, 2).map((h) => h.id))).toEqual(new Set([rows[0]!.id]));
    expect(got[0]!.body).toBe(got[1]!.body);
    expect(got[0]!.body).toBe(rows[0]!.body);
    expect(got.map((h) => h.id)).toEqual([rows[0]!.id, rows[0]!.id, rows[1]!.id, rows[2]!.id]);
    for (const hit of got) {
      expect(verify(secret, hit)).toMatchObject({ type: hit.type });
      expect(hit.headers['content-type']).toBe('application/json');
      expect(hit.headers['user-agent']).toBe('Gatehouse-Webhooks/1');
    }
    // The data is the audit list's event.
    const [listed] = await stored(t).auditEvents({ action: 'n121.e1' });
    expect(JSON.parse(got[2]!.body)).toMatchObject({
      type: 'n121.e1',
      data: { id: listed!.id, action: 'n121.e1', actor: 'cli' },
    });
  });

  it('N-122 an altered body, another secret, or an old timestamp fails verification', async () => {
    const r = await receiver();
    const { secret } = await endpoint({ url: r.url, events: ['n122.*'] });
    const worker = new WebhookWorker({ ctx, random: () => 0 });
    await events('n122.fresh');
    expect(await worker.runOnce()).toBe(1);
    const [hit] = r.received;
    expect(() => verify(secret, hit!)).not.toThrow();
    expect(() => verify(secret, hit!, hit!.body.replace('n122.fresh', 'n122.fresh2'))).toThrow();
    expect(() => verify(secret, hit!, `${hit!.body} `)).toThrow();
    expect(() => verify(newWebhookSecret(), hit!)).toThrow();
    // A delivery signed 10 minutes ago (as a replay would carry) is refused for its timestamp.
    const saved = clock.ms;
    clock.ms = Date.now() - 10 * 60_000;
    await events('n122.old');
    expect(await worker.runOnce()).toBe(1);
    clock.ms = saved;
    const old = r.received[1]!;
    expect(old.type).toBe('n122.old');
    expect(Number(old.headers['webhook-timestamp'])).toBeLessThan(Math.floor(Date.now() / 1000) - 500);
    expect(() => verify(secret, old)).toThrow(/timestamp/i);
  });

  it('N-124 during a rotation overlap both secrets sign (new first): a receiver holding only the old secret and one holding only the new both verify; after it only the new one signs', async () => {
    const r = await receiver();
    const oldSecret = newWebhookSecret();
    const { secret: newSecret } = await endpoint({
      url: r.url,
      events: ['n124.*'],
      previousSecret: oldSecret,
      previousExpiresAt: nowSeconds(clock) + 60,
    });
    const worker = new WebhookWorker({ ctx, random: () => 0 });
    await events('n124.during');
    expect(await worker.runOnce()).toBe(1);
    const during = r.received[0]!;
    const signatures = String(during.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    const ts = Number(during.headers['webhook-timestamp']);
    expect(signatures).toEqual([
      signV1(newSecret, during.id, ts, during.body),
      signV1(oldSecret, during.id, ts, during.body),
    ]);
    expect(() => verify(oldSecret, during)).not.toThrow();
    expect(() => verify(newSecret, during)).not.toThrow();
    expect(() => verify(newWebhookSecret(), during)).toThrow();

    clock.ms += 61_000;
    await events('n124.after');
    expect(await worker.runOnce()).toBe(1);
    const after = r.received[1]!;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => verify(newSecret, after)).not.toThrow();
    expect(() => verify(oldSecret, after)).toThrow();
  });

  it('N-121 a failing endpoint and a hanging one hold back no other: the good endpoint gets every event while they fail; at most `concurrency` sends are in flight', async () => {
    const good = await receiver();
    const failing = await receiver();
    failing.answer(500);
    const hanging = await receiver();
    hanging.answer({ hang: true });
    for (const r of [good, failing, hanging]) await endpoint({ url: r.url, events: ['iso.*'] });
    await events('iso.e0', 'iso.e1', 'iso.e2', 'iso.e3', 'iso.e4');
    const worker = new WebhookWorker({ ctx, random: () => 0, pollMs: 10, timeoutMs: 3000 });
    worker.start();
    try {
      await good.waitFor(5, 2500);
      expect(good.received.map((h) => h.type)).toEqual(['iso.e0', 'iso.e1', 'iso.e2', 'iso.e3', 'iso.e4']);
      // The hanging receiver still holds its first delivery; the failing one waits for its retry (the clock stands still).
      expect(hanging.received.map((h) => h.type)).toEqual(['iso.e0']);
      expect(failing.received.map((h) => h.type)).toEqual(['iso.e0']);
    } finally {
      // Stopped first (no new claims), then the held send fails and stop() returns.
      const stopping = worker.stop();
      await hanging.close();
      await stopping;
    }

    // Concurrency 2, three hanging endpoints: two sends in flight, the third waits for a slot.
    for (const id of endpoints.splice(0)) await outbox().remove(id);
    const held = [await receiver(), await receiver(), await receiver()];
    for (const r of held) {
      r.answer({ hang: true });
      await endpoint({ url: r.url, events: ['slot.*'] });
    }
    await events('slot.e0');
    const narrow = new WebhookWorker({ ctx, concurrency: 2, pollMs: 10, timeoutMs: 3000 });
    narrow.start();
    try {
      await new Promise((res) => setTimeout(res, 300));
      expect(held.map((r) => r.received.length).sort()).toEqual([0, 1, 1]);
    } finally {
      const stopping = narrow.stop();
      await Promise.all(held.map((r) => r.close()));
      await stopping;
    }
    // Once the slots free up (the hung sends failed), the third is sent too.
    expect(await narrow.runOnce()).toBe(1);
  });

  it('N-121 24 h of failures disable the endpoint with a webhook.disable audit event (actor system, result failure) in the same transaction — delivered to a webhook.* observer; the given-up delivery is failed, the others stay pending and resume when it is enabled again', async () => {
    const down = await receiver();
    down.answer(500);
    const observer = await receiver();
    const { id } = await endpoint({ url: down.url, events: ['day.*'] });
    await endpoint({ url: observer.url, events: ['webhook.*'] });
    const createdAt = clock.now();
    await events('day.e0', 'day.e1');
    const worker = new WebhookWorker({ ctx, random: () => 0 });
    let steps = 0;
    for (; steps < 200 && (await outbox().endpoint(id))!.enabled === 1; steps++) {
      await worker.runOnce();
      const head = (await outbox().deliveries(id)).find((d) => d.status === 'pending')!;
      clock.ms = Math.max(clock.ms, head.next_attempt_at_ms);
    }
    expect(steps).toBeGreaterThan(10);
    expect(steps).toBeLessThan(60);
    const disabledAt = (await outbox().endpoint(id))!;
    expect(disabledAt).toMatchObject({ enabled: 0, disabled_reason: 'failing' });
    expect(clock.now() - createdAt).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(clock.now() - createdAt).toBeLessThan(25 * 3_600_000 + WEBHOOK_MAX_RETRY_DELAY_MS);
    const rows = await outbox().deliveries(id);
    expect(rows.map((d) => [d.event_type, d.status])).toEqual([
      ['day.e0', 'failed'],
      ['day.e1', 'pending'],
    ]);
    // No backoff delay ever exceeded the cap; every one was the plain doubling.
    const times = (await outbox().attempts(rows[0]!.id)).map((a) => a.attempted_at_ms);
    const gaps = times.slice(1).map((at, i) => at - times[i]!);
    expect(gaps.slice(0, 4)).toEqual([5000, 10_000, 20_000, 40_000]);
    expect(Math.max(...gaps)).toBe(WEBHOOK_MAX_RETRY_DELAY_MS);

    const [audited] = await stored(t).auditEvents({ action: 'webhook.disable', target: id });
    expect(audited).toMatchObject({ actor: 'system', result: 'failure', environment_id: null });
    // The observer is told, by a delivery written in the disabling transaction.
    expect(await worker.runOnce()).toBe(1);
    expect(observer.received.map((h) => h.type)).toEqual(['webhook.disable']);
    expect(JSON.parse(observer.received[0]!.body)).toMatchObject({
      data: { id: audited!.id, actor: 'system', result: 'failure', target: id, action: 'webhook.disable' },
    });

    // Disabled: nothing is sent. Enabled again (and the receiver fixed): the rest resumes in order.
    clock.ms += 3_600_000;
    expect(await worker.runOnce()).toBe(0);
    down.answer(204);
    await outbox().enable(id);
    expect(await worker.runOnce()).toBe(1);
    expect(down.received.at(-1)!.type).toBe('day.e1');
    expect((await outbox().deliveries(id)).map((d) => d.status)).toEqual(['failed', 'delivered']);
  });

  it('delivered and failed deliveries go with the audit purge (maintenance) once older than the retention; pending ones stay', async () => {
    const r = await receiver();
    const { id } = await endpoint({ url: r.url, events: ['purge.*'] });
    await events('purge.sent', 'purge.waiting');
    const worker = new WebhookWorker({ ctx, random: () => 0 });
    expect(await worker.runOnce()).toBe(1);
    expect((await outbox().deliveries(id)).map((d) => d.status)).toEqual(['delivered', 'pending']);
    const saved = clock.ms;
    clock.ms += (ctx.config.auditRetentionDays + 1) * 86_400_000;
    try {
      const purged = await purgeExpired(ctx);
      expect(purged.webhookDeliveries).toBe(1);
      expect((await outbox().deliveries(id)).map((d) => d.event_type)).toEqual(['purge.waiting']);
    } finally {
      clock.ms = saved;
    }
  });

  it('stop() waits for the send in flight to be recorded and leaves no poll behind: nothing is sent after it', async () => {
    const held = await receiver();
    held.answer({ hang: true });
    const open = await receiver();
    const { id } = await endpoint({ url: held.url, events: ['stop.*'] });
    await endpoint({ url: open.url, events: ['stopped.*'] });
    await events('stop.e0');
    const worker = new WebhookWorker({ ctx, pollMs: 10, timeoutMs: 3000 });
    worker.start();
    await held.waitFor(1);
    let stopped = false;
    const stopping = worker.stop().then(() => (stopped = true));
    await new Promise((res) => setTimeout(res, 100));
    expect(stopped).toBe(false);
    await held.close();
    await stopping;
    // Recorded before stop() returned.
    expect((await outbox().deliveries(id))[0]).toMatchObject({ attempts: 1, lease_owner: null });
    await events('stopped.e0');
    worker.nudge();
    await new Promise((res) => setTimeout(res, 200));
    expect(open.received).toHaveLength(0);
    // Started again, it sends.
    worker.start();
    await open.waitFor(1);
    await worker.stop();
  });

  it('a node with concurrency 0 sends nothing (GATEHOUSE_WEBHOOK_CONCURRENCY=0): another node sends it all', async () => {
    const sink = await receiver();
    await endpoint({ url: sink.url, events: ['quiet.*'] });
    await events('quiet.e0');
    const idle = new WebhookWorker({ ctx, pollMs: 10, concurrency: 0 });
    idle.start();
    idle.nudge();
    await new Promise((res) => setTimeout(res, 200));
    expect(sink.received).toHaveLength(0);
    await idle.stop();
    const sender = new WebhookWorker({ ctx, pollMs: 10 });
    sender.start();
    await sink.waitFor(1);
    await sender.stop();
    await sink.close();
  });
});
