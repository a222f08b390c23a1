/**
 * Throttling on Redis (`GATEHOUSE_REDIS_URL`): Redis holds the failure windows (one Lua script per
 * count), so two nodes that share nothing else throttle one client_id together (docs/security.md A-11
 * across nodes), and a Redis outage never fails a request: each node keeps its own windows.
 * Runs when GATEHOUSE_TEST_REDIS_URL is set (`.ci/run` sets it).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { tokenFrom } from '@gatehouse/testing/from-address';
import { token } from '@gatehouse/testing/http';

const REDIS_URL = process.env.GATEHOUSE_TEST_REDIS_URL;

describe.runIf(REDIS_URL)('throttling on Redis', () => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    // Separate SQLite stores: the nodes can share windows only through Redis.
    const config = { redisUrl: REDIS_URL, redisPrefix: `gatehouse-test:${randomUUID()}:` };
    [a, b] = await Promise.all([startTestServer('sqlite', { config }), startTestServer('sqlite', { config })]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('A-11 failures split over two nodes fill one window in Redis; other clients unaffected', async () => {
    const ghost = `ghost-${randomUUID()}`;
    for (let i = 0; i < 5; i++) {
      expect((await token(a.url, ghost, `wrong-a-${i}`)).status).toBe(401);
      expect((await token(b.url, ghost, `wrong-b-${i}`)).status).toBe(401);
    }
    for (const node of [a, b]) {
      const refused = await token(node.url, ghost, 'x');
      expect(refused.status).toBe(429);
      expect(refused.body.error).toBe('temporarily_unavailable');
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    const honest = await a.integration({ preset: 'read-only' });
    expect((await token(a.url, honest.client_id, honest.client_secret)).status).toBe(200);
  });

  it('a filled window in Redis is audited once, by the node whose failure filled it', async () => {
    const c = await a.integration({ preset: 'read-only' });
    for (let i = 0; i < 12; i++) await token(a.url, c.client_id, `wrong-${i}`);
    await settle(a);
    const throttled = await stored(a).auditEvents({ target: c.client_id, action: 'client.throttled' });
    expect(throttled).toHaveLength(1);
  });
});

describe('throttling when Redis is unreachable', () => {
  let t: TestServer;
  beforeAll(async () => {
    // Nothing listens on port 1: every Redis command fails at once.
    t = await startTestServer('sqlite', { config: { redisUrl: 'redis://127.0.0.1:1' } });
  });
  afterAll(() => t?.close());

  it('token requests are still answered (never 500 or a hang): the node throttles on its own windows; 200 for the right secret from another address', async () => {
    const c = await t.integration({ preset: 'read-only' });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await token(t.url, c.client_id, `wrong-${i}`)).status);
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429, 429]);
    expect((await tokenFrom('127.0.0.3', t.url, c.client_id, c.client_secret)).status).toBe(200);
  });
});
