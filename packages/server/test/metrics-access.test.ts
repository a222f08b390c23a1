/**
 * docs/security.md H-84 over real HTTP on both stores: `/metrics` on the public listener answers only
 * `Authorization: Bearer GATEHOUSE_METRICS_TOKEN`, and 401 when no token is configured;
 * `GATEHOUSE_METRICS_PORT` serves it on a separate listener. The start log says which.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { metricsAuthorized } from '../src/metrics-endpoint.js';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { capturedLogs, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { request } from '@gatehouse/testing/http';

const TOKEN = 'h84-metrics-token-0123456789';

describe.each(HTTP_STORE_KINDS)('H-84 /metrics access (%s)', (kind) => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  const scrape = (url: string, authorization?: string) =>
    request(`${url}/metrics`, { headers: authorization ? { authorization } : {} });
  const logged = (text: string) => capturedLogs.some((line) => line.includes(text));

  it('H-84 with no token and no port, /metrics answers 401 to everyone and the start log says so', async () => {
    t = await startTestServer(kind);
    for (const authorization of [undefined, 'Bearer ', `Bearer ${TOKEN}`, 'Basic YTpi']) {
      const res = await scrape(t.url, authorization);
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse-metrics"');
      expect(res.text).not.toContain('gatehouse_');
    }
    expect(t.server.metricsUrl).toBeUndefined();
    expect(logged('metrics: /metrics answers 401 (set GATEHOUSE_METRICS_TOKEN or GATEHOUSE_METRICS_PORT')).toBe(true);
  });

  it('H-84 with GATEHOUSE_METRICS_TOKEN, only Bearer <token> scrapes; anything else is 401', async () => {
    t = await startTestServer(kind, { config: { metricsToken: TOKEN } });
    for (const authorization of [
      undefined,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Basic ${TOKEN}`,
      `Bearer  ${TOKEN}`,
      `Bearer ${TOKEN} ${TOKEN}`,
      `Bearer ${'a'.repeat(5000)}`,
    ]) {
      expect((await scrape(t.url, authorization)).status, String(authorization).slice(0, 40)).toBe(401);
    }
    for (const authorization of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`]) {
      const res = await scrape(t.url, authorization);
      expect(res.status).toBe(200);
      expect(res.text).toContain('gatehouse_http_request_duration_seconds');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(logged('metrics: /metrics requires Authorization: Bearer GATEHOUSE_METRICS_TOKEN')).toBe(true);
  });

  it('H-84 with GATEHOUSE_METRICS_PORT, metrics are served on the separate listener only', async () => {
    t = await startTestServer(kind, { config: { metricsPort: 0 } });
    expect((await scrape(t.url)).status).toBe(401);
    const metricsUrl = t.server.metricsUrl!;
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(metricsUrl).not.toBe(t.url);
    const res = await scrape(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.text).toContain('gatehouse_tokens_total');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    for (const path of ['/healthz', '/oauth/token', '/api/v1/self'])
      expect((await request(`${metricsUrl}${path}`)).status, path).toBe(404);
    expect(logged(`metrics: ${metricsUrl}/metrics; /metrics on the public listener answers 401`)).toBe(true);
  });

  it('H-84 with both, the separate listener asks for the token as well', async () => {
    t = await startTestServer(kind, { config: { metricsPort: 0, metricsToken: TOKEN } });
    const metricsUrl = t.server.metricsUrl!;
    expect((await scrape(metricsUrl)).status).toBe(401);
    expect((await scrape(metricsUrl, `Bearer ${TOKEN}`)).status).toBe(200);
    expect((await scrape(t.url, `Bearer ${TOKEN}`)).status).toBe(200);
    await t.close();
    expect((await fetch(`${metricsUrl}/metrics`).catch(() => undefined))?.status).toBeUndefined();
  });
});

describe('H-84 metrics configuration', () => {
  it('H-84 refuses a short token and a metrics port equal to the port; compares the whole token', () => {
    expect(() =>
      loadConfig({ dataDir: '/tmp/h84', masterKey: Buffer.alloc(32).toString('base64'), metricsToken: 'short' }, {}),
    ).toThrow(/GATEHOUSE_METRICS_TOKEN/);
    expect(() =>
      loadConfig(
        { dataDir: '/tmp/h84', masterKey: Buffer.alloc(32).toString('base64'), port: 4100, metricsPort: 4100 },
        {},
      ),
    ).toThrow(/GATEHOUSE_METRICS_PORT/);
    const env = loadConfig(
      { dataDir: '/tmp/h84', masterKey: Buffer.alloc(32).toString('base64') },
      { GATEHOUSE_METRICS_TOKEN: TOKEN, GATEHOUSE_METRICS_PORT: '9464' },
    );
    expect(env).toMatchObject({ metricsToken: TOKEN, metricsPort: 9464, metricsHost: '127.0.0.1' });
    expect(metricsAuthorized(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(metricsAuthorized(`Bearer ${TOKEN}`, undefined)).toBe(false);
    expect(metricsAuthorized(`Bearer ${TOKEN.toUpperCase()}`, TOKEN)).toBe(false);
  });
});
