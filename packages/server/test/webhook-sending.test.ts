/**
 * Sending a webhook (webhooks/sender.ts, docs/security.md N-120): only https on public addresses
 * unless the host is allowed — checked on the connection itself —, no redirects, a bounded
 * exchange and response, and never on the request path. Real receivers on 127.0.0.1.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { sendWebhook, WEBHOOK_MAX_RESPONSE_BYTES, WEBHOOK_TIMEOUT_MS } from '../src/webhooks/sender.js';
import { WebhookWorker } from '../src/webhooks/worker.js';
import { repositories } from '../src/store/unit-of-work.js';
import { jwksUriPolicy, isPrivateAddress } from '../src/auth/jwks-fetcher.js';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { token } from '@gatehouse/testing/http';
import { startWebhookReceiver, type WebhookReceiver } from '@gatehouse/testing/webhook-receiver';
import { insertEndpointForTest, webhookOutbox } from '@gatehouse/testing/webhooks';

const LOCAL = ['127.0.0.1'];
const post = (url: string, allowedHosts: readonly string[] = LOCAL, timeoutMs?: number) =>
  sendWebhook({ url, headers: { 'webhook-id': 'msg_test' }, body: '{"type":"x"}' }, { allowedHosts, timeoutMs });

describe('N-120 webhook sending is bounded', () => {
  const receivers: WebhookReceiver[] = [];
  const receiver = async () => {
    const r = await startWebhookReceiver();
    receivers.push(r);
    return r;
  };
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  it('N-120 a URL on a private or loopback address is refused at send unless its host is allowed — an IP literal before connecting, a name when it resolves (on the connection)', async () => {
    const r = await receiver();
    const https = `https://127.0.0.1:${r.port}/hook`;
    expect(await post(https, [])).toMatchObject({ ok: false, statusCode: null, error: 'refused: private address' });
    expect(await post(`https://[::1]:${r.port}/hook`, [])).toMatchObject({ error: 'refused: private address' });
    // `localhost` is a name: refused by the lookup the connection itself uses.
    expect(await post(`https://localhost:${r.port}/hook`, [])).toMatchObject({
      ok: false,
      statusCode: null,
      error: 'refused: private address',
    });
    expect(r.received).toHaveLength(0);
    // Allowed by host, or by host:port: sent.
    expect(await post(r.url, ['127.0.0.1'])).toMatchObject({ ok: true, statusCode: 204, error: null });
    expect(await post(r.url, [`127.0.0.1:${r.port}`])).toMatchObject({ ok: true, statusCode: 204 });
    expect(r.received).toHaveLength(2);
    // The policy is the one jwks_uri uses (one module, re-exported there).
    expect(jwksUriPolicy(r.url, LOCAL)).toEqual({ allowed: true, privateOk: true });
    for (const address of [
      '10.1.2.3',
      '127.0.0.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      '::ffff:10.0.0.1',
      'localhost',
    ])
      expect(isPrivateAddress(address), address).toBe(true);
    // A public IPv4 address is not private (one BlockList holding ::ffff:0:0/96 matched every IPv4 address).
    for (const address of ['93.184.216.34', '8.8.8.8', '::ffff:93.184.216.34', '2606:4700::1'])
      expect(isPrivateAddress(address), address).toBe(false);
  });

  it('N-120 plain http is refused unless the host is allowed; userinfo and fragments are refused', async () => {
    const r = await receiver();
    expect(await post('http://hooks.example.com/in', [])).toMatchObject({
      ok: false,
      statusCode: null,
      error: expect.stringMatching(/^URL not allowed/),
    });
    expect(await post(r.url, [])).toMatchObject({ ok: false, error: expect.stringMatching(/^URL not allowed/) });
    expect(await post(`http://user:pw@127.0.0.1:${r.port}/hook`)).toMatchObject({
      error: expect.stringMatching(/^URL not allowed/),
    });
    expect(await post(`${r.url}#frag`)).toMatchObject({ error: expect.stringMatching(/^URL not allowed/) });
    expect(await post('not a url')).toMatchObject({ ok: false });
    expect(r.received).toHaveLength(0);
  });

  it('N-120 a 3xx is a failure and is not followed', async () => {
    const target = await receiver();
    const r = await receiver();
    for (const status of [301, 302, 307, 308]) {
      r.answer({ status, headers: { location: target.url } });
      expect(await post(r.url)).toMatchObject({
        ok: false,
        statusCode: status,
        error: `redirect (HTTP ${status}) not followed`,
      });
    }
    expect(target.received).toHaveLength(0);
    r.answer(500);
    expect(await post(r.url)).toMatchObject({ ok: false, statusCode: 500, error: 'HTTP 500' });
    r.answer(200);
    expect(await post(r.url)).toMatchObject({ ok: true, statusCode: 200, error: null });
  });

  it('N-120 a slow receiver is cut at the limit (5 s; shortened here) — headers never sent, or a body that never ends', async () => {
    expect(WEBHOOK_TIMEOUT_MS).toBe(5000);
    const r = await receiver();
    r.answer({ hang: true });
    const started = performance.now();
    const hung = await post(r.url, LOCAL, 200);
    expect(hung).toMatchObject({ ok: false, statusCode: null, error: 'timed out after 200 ms' });
    expect(hung.latencyMs).toBeGreaterThanOrEqual(190);
    expect(performance.now() - started).toBeLessThan(2000);
    r.answer({ status: 200, delayMs: 1000 });
    expect(await post(r.url, LOCAL, 200)).toMatchObject({ ok: false, error: 'timed out after 200 ms' });
  });

  it('N-120 a huge (endless) response is not read beyond 1 KiB: the sender hangs up with the status it got', async () => {
    expect(WEBHOOK_MAX_RESPONSE_BYTES).toBe(1024);
    const r = await receiver();
    r.answer({ status: 200, stream: true });
    const started = performance.now();
    expect(await post(r.url, LOCAL, 3000)).toMatchObject({ ok: true, statusCode: 200, error: null });
    expect(performance.now() - started).toBeLessThan(2000);
    for (let i = 0; i < 100 && r.abandoned === 0; i++) await new Promise((res) => setTimeout(res, 10));
    expect(r.abandoned).toBe(1);
  });
});

describe.each(HTTP_STORE_KINDS)('N-120 delivery off the request path (%s)', (kind) => {
  let t: TestServer;
  let hanging: WebhookReceiver;
  beforeAll(async () => {
    hanging = await startWebhookReceiver();
    hanging.answer({ hang: true });
    t = await startTestServer(kind, { config: { webhookAllowedHosts: LOCAL, webhookPollMs: 20 } });
  });
  afterAll(async () => {
    await hanging.close();
    await t.close();
  });

  it('N-120 the worker refuses a loopback endpoint that is not allowed: the attempt is logged and retried, the receiver never called', async () => {
    const r = await startWebhookReceiver();
    try {
      const ctx = t.server.runtime.ctx;
      const hook = await insertEndpointForTest(ctx, { url: `https://localhost:${r.port}/hook`, events: ['probe.*'] });
      await t.server.runtime.webhooks.stop();
      await repositories(ctx.store).auditLog.record(
        { actor: 'cli' },
        { environmentId: null, action: 'probe.one' },
        ctx.clock.now(),
      );
      const worker = new WebhookWorker({ ctx, allowedHosts: [], random: () => 0 });
      expect(await worker.runOnce()).toBe(1);
      const [delivery] = await webhookOutbox(ctx).deliveries(hook.id);
      expect(delivery).toMatchObject({
        status: 'pending',
        attempts: 1,
        last_error: 'refused: private address',
        last_status_code: null,
      });
      expect(delivery!.next_attempt_at_ms).toBe(ctx.clock.now() + ctx.config.webhookRetryBaseMs);
      expect(r.received).toHaveLength(0);
    } finally {
      t.server.runtime.webhooks.start();
      await r.close();
    }
  });
  it('N-120 the request path never waits on delivery: token requests answer at once while the receiver of their events hangs', async () => {
    const c = await t.integration();
    await insertEndpointForTest(t.server.runtime.ctx, { url: hanging.url, events: ['token.*'] });
    expect((await token(t.url, c.client_id, c.client_secret)).status).toBe(200);
    // The worker is sending the first mint's event, and the receiver holds it.
    await hanging.waitFor(1);
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const res = await token(t.url, c.client_id, c.client_secret);
      expect(res.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });
});
