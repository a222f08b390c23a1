/**
 * docs/security.md H-78 with a real full disk: SQLite's `max_page_count` is shrunk on the running
 * server's connection to the pages it already has, so the next write that needs a page fails with
 * SQLITE_FULL. A token mint, a new customer's first customer token and a management write each
 * answer 503 `temporarily_unavailable` (not the 500 of a masked "cannot rollback"), write nothing,
 * and succeed again once there is room, without a restart; so do writes to a store that turned
 * read-only. (PostgreSQL's lost connection: see store-outage.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { sql } from 'kysely';
import { CLI_ACTOR } from '../src/context.js';
import { createEnvironmentSecret } from '../src/services/credentials.js';
import { capturedLogs, settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { request, token, type Res } from '@gatehouse/testing/http';

describe('H-78 full disk (sqlite)', () => {
  let t: TestServer;
  let client: { client_id: string; client_secret: string };
  let envKey: string;
  let envSecret: string;

  const pragma = async (text: string) =>
    (await sql.raw(`pragma ${text}`).execute(t.server.runtime.ctx.db)).rows[0] as Record<string, number> | undefined;
  /** The disk is full: no page beyond those the file has now. */
  const fillDisk = async () => {
    const { page_count: pages } = (await pragma('page_count'))!;
    await pragma(`max_page_count = ${pages}`);
  };
  const freeDisk = () => pragma('max_page_count = 1073741823');
  const counts = () => stored(t).requestWrittenCounts();

  /**
   * Sends `attempt(i)` with i = 0, 1, … until one answers 503 (each earlier one must succeed),
   * asserting that the failed one wrote nothing; then frees the disk and sends it again.
   */
  async function untilFull(attempt: (i: number) => Promise<Res>, ok: number): Promise<void> {
    await fillDisk();
    try {
      let failed: Res | undefined;
      let i = 0;
      for (; i < 2000 && !failed; i++) {
        const before = await counts();
        const logsBefore = capturedLogs.length;
        const res = await attempt(i);
        if (res.status === ok) continue;
        failed = res;
        expect(res.status, res.text).toBe(503);
        expect(res.body.error).toBe('temporarily_unavailable');
        expect(await counts()).toEqual(before);
        const logged = capturedLogs.slice(logsBefore).join('');
        // The original error, logged once.
        expect(logged.split('SQLITE_FULL').length - 1).toBe(1);
        expect(logged).not.toContain('no transaction is active');
      }
      expect(failed, 'the disk never filled').toBeDefined();
      await freeDisk();
      expect((await attempt(i - 1)).status).toBe(ok);
    } finally {
      await freeDisk();
    }
  }

  beforeAll(async () => {
    t = await startTestServer('sqlite');
    client = await t.integration({ preset: 'all-permissions' });
    const creds = await createEnvironmentSecret(t.server.runtime.ctx, CLI_ACTOR, 'default');
    envKey = creds.environment_key;
    envSecret = creds.environment_secret!;
  });
  afterAll(() => t.close());

  it('H-78 a management write (create integration) on a full disk: 503, nothing written, then 201', async () => {
    const bearer = String((await token(t.url, client.client_id, client.client_secret)).body.access_token);
    await untilFull(
      (i) =>
        request(`${t.url}/api/v1/environments/default/integrations`, {
          method: 'POST',
          headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `full-${i}`, preset: 'read-only' }),
        }),
      201,
    );
  });

  it("H-78 a new customer's first customer token on a full disk: 200 (the customer is written off the request path); the failed write leaves no row, and the next use of the same token after space is freed writes it", async () => {
    const now = t.clock.seconds();
    const tok = (i: number) =>
      jwt.sign({ id: `customer-${i}-${'x'.repeat(200)}`, iat: now, exp: now + 600 }, envSecret, { issuer: envKey });
    const self = (i: number) => request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${tok(i)}` } });
    const customersStored = () => stored(t).customerCount();
    await fillDisk();
    let missing: number | undefined;
    try {
      for (let i = 0; i < 2000 && missing === undefined; i++) {
        const before = await counts();
        const res = await self(i);
        expect(res.status, res.text).toBe(200);
        await settle(t);
        if ((await customersStored()) === before.customers! + 1) continue;
        missing = i;
        // The queued write failed as a whole: no customer row, no audit row, nothing half-written.
        expect(await counts()).toEqual(before);
      }
      expect(missing, 'the disk never filled').toBeDefined();
    } finally {
      await freeDisk();
    }
    // Once there is space, the next use of the same token (cached by the verifier) writes that
    // customer, once: the failed write is retried, not lost.
    const before = await customersStored();
    for (let n = 0; n < 3; n++) expect((await self(missing!)).status).toBe(200);
    await settle(t);
    expect(await customersStored()).toBe(before + 1);
    const id = `customer-${missing}-${'x'.repeat(200)}`;
    const row = (await stored(t).customers(id))[0];
    expect(row?.id).toBe(id);
  });

  it('H-78 a store that turned read-only (a filesystem remounted so): 503 on a mint and a management write, then success', async () => {
    const bearer = String((await token(t.url, client.client_id, client.client_secret)).body.access_token);
    const create = () =>
      request(`${t.url}/api/v1/environments/default/integrations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'read-only-store', preset: 'read-only' }),
      });
    const mint = () => token(t.url, client.client_id, client.client_secret, { scope: 'media:read' });
    const before = await counts();
    await pragma('query_only = 1');
    try {
      for (const res of [await create(), await mint()]) {
        expect(res.status, res.text).toBe(503);
        expect(res.body.error).toBe('temporarily_unavailable');
      }
    } finally {
      await pragma('query_only = 0');
    }
    expect(await counts()).toEqual(before);
    expect((await create()).status).toBe(201);
    expect((await mint()).status).toBe(200);
  });

  it('H-78 a token mint on a full disk: 503, no token row, then 200', async () => {
    await untilFull(async () => {
      // Past the previous token's lifetime, so every request mints a new one instead of reusing it.
      t.clock.advance(100_000);
      return token(t.url, client.client_id, client.client_secret);
    }, 200);
  });
});
