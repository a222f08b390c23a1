/**
 * docs/security.md G-74: an unknown client_id and a known client with a wrong secret answer alike and
 * after the same work; the failure's audit write is off the response path for both.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditJob } from '../../../src/services/audit-queue.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { basic, token } from '@gatehouse/testing/http';
import { TimedClient } from '@gatehouse/testing/timed-client';
import { stored } from '@gatehouse/testing/stored';

// 1,000 a side keeps the test to a few seconds on an idle machine; medians of 1,000 move by a few µs.
const SAMPLES = Number(process.env.G74_SAMPLES ?? 1000);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe.each(STORE_KINDS)('G-74 uniform failures (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t.close());

  it('G-74 the audit write is queued, not awaited, for a known and an unknown client alike; only the known one writes a row', async () => {
    const known = await t.integration({ preset: 'read-only' });
    const unknown = `ghost-${randomUUID()}`;
    const held: AuditJob[] = [];
    // Hold every queued job: the answers must come back without any of them having run.
    const push = vi.spyOn(t.server.runtime.audits, 'push').mockImplementation((job) => held.push(job) > 0);
    try {
      const a = await token(t.url, known.client_id, 'wrong');
      const b = await token(t.url, unknown, 'wrong');
      expect([a.status, b.status]).toEqual([401, 401]);
      expect(a.body).toEqual(b.body);
      expect(push).toHaveBeenCalledTimes(2);
    } finally {
      push.mockRestore();
    }
    const rows = async () =>
      (await stored(t).auditEvents({ action: 'client.auth_failed' }))
        .filter((e) => e.target === known.client_id || e.target === unknown)
        .map(({ target }) => ({ target }));
    expect(await rows()).toEqual([]);
    for (const job of held) await job();
    expect(await rows()).toEqual([{ target: known.client_id }]);
  });

  it(`G-74 ${SAMPLES} samples each, in pairs of random order: the medians of a known client with a wrong secret and an unknown client_id differ by no more than noise`, async () => {
    const known = await t.integration({ preset: 'read-only' });
    const unknown = `ghost-${randomUUID()}`;
    // Pairs in random order: drift over the run (load, store growth) falls on both alike.
    const order = Array.from({ length: SAMPLES }, () => (Math.random() < 0.5 ? [true, false] : [false, true])).flat();
    const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    const client = new TimedClient();
    // Queued audit writes run between samples, so their CPU time never competes with a sample on
    // a loaded machine (that they are not awaited is the previous test's point).
    const held: AuditJob[] = [];
    const push = vi.spyOn(t.server.runtime.audits, 'push').mockImplementation((job) => held.push(job) > 0);
    let sent = 0;
    const sample = async (isKnown: boolean, record: boolean) => {
      // At most 8 failures a window: under every limit (10 per client and address, 100 per address).
      if (sent++ % 8 === 0) t.clock.advance(61);
      const headers = {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(isKnown ? known.client_id : unknown, 'wrong'),
      };
      const res = await client.send(`${t.url}/oauth/token`, {
        method: 'POST',
        headers,
        body: 'grant_type=client_credentials',
      });
      expect(res.status).toBe(401);
      if (record) times[isKnown ? 'known' : 'unknown'].push(res.us);
      for (const job of held.splice(0)) await job();
    };
    try {
      for (let i = 0; i < 200; i++) await sample(i % 2 === 0, false); // warm-up
      for (const isKnown of order) await sample(isKnown, true);
    } finally {
      push.mockRestore();
      await client.close();
    }
    const [k, u] = [median(times.known), median(times.unknown)];
    console.log(`G-74 ${kind}: median known ${k.toFixed(0)} µs, unknown ${u.toFixed(0)} µs`);
    // The difference this row was written for was 68–208 µs; a median over 2,000 samples moves by a few.
    expect(Math.abs(k - u)).toBeLessThan(Math.max(40, 0.05 * Math.min(k, u)));
  }, 120_000);
});
