/**
 * docs/security.md F-65 with a real outage: a throwaway PostgreSQL is stopped under a running server.
 * Token, revoke and introspect answer 503 temporarily_unavailable (never active:true), nothing is
 * half-written, already verified bearer tokens keep working, and the server recovers without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startThrowawayPg, throwawayPgAvailable, type ThrowawayPg } from '@gatehouse/testing/throwaway-pg';
import { settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import jwt from 'jsonwebtoken';
import { CLI_ACTOR } from '../../../src/context.js';
import { createEnvironmentSecret } from '../../../src/services/credentials.js';
import { basic, postForm, request, token } from '@gatehouse/testing/http';
import { stored } from '@gatehouse/testing/stored';

describe.runIf(throwawayPgAvailable)('store outage on PostgreSQL', () => {
  let pg: ThrowawayPg;
  let t: TestServer;
  beforeAll(async () => {
    pg = await startThrowawayPg();
    const location = {
      kind: 'postgres' as const,
      dataDir: '/nonexistent',
      databaseUrl: pg.url,
      dispose: async () => undefined,
    };
    t = await startTestServer('postgres', { location });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    pg?.destroy();
  });

  it('F-65 503 while down, local verification keeps working, recovery without restart', async () => {
    const a = await t.integration({ preset: 'all-permissions' });
    const b = await t.integration({ preset: 'read-only' });
    const tokenA = String(
      (await token(t.url, a.client_id, a.client_secret, { scope: 'media:read' })).body.access_token,
    );
    const media = () =>
      request(`${t.url}/api/v1/environments/default/media`, { headers: { authorization: `Bearer ${tokenA}` } });
    expect((await media()).status).toBe(200);

    // Load runs through the whole outage: token requests and bearer reads from 10 workers.
    let running = true;
    const seen: number[] = [];
    const workers = Array.from({ length: 10 }, async (_, i) => {
      while (running) {
        const res =
          i % 2
            ? await token(t.url, b.client_id, b.client_secret, { scope: 'fonts:read' })
            : await request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${tokenA}` } });
        seen.push(res.status);
      }
    });
    await new Promise((r) => setTimeout(r, 200));
    pg.stop();
    t.clock.advance(1);
    const minted = await token(t.url, b.client_id, b.client_secret, { scope: 'media:read' });
    expect(minted.status).toBe(503);
    expect(minted.body.error).toBe('temporarily_unavailable');
    expect(minted.headers.get('cache-control')).toBe('no-store');
    const introspected = await postForm(
      t.url,
      { token: tokenA },
      { authorization: basic(a.client_id, a.client_secret) },
      '/oauth/introspect',
    );
    expect(introspected.status).toBe(503);
    expect(introspected.body.active).toBeUndefined();
    const revoked = await postForm(
      t.url,
      { token: tokenA },
      { authorization: basic(a.client_id, a.client_secret) },
      '/oauth/revoke',
    );
    expect(revoked.status).toBe(503);
    // An already verified token is still accepted: verification needs no store.
    const self = await request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${tokenA}` } });
    expect(self.status).toBe(200);
    expect(self.body.client_id).toBe(a.client_id);
    expect((await media()).status).toBe(503);
    expect((await request(`${t.url}/readyz`)).status).toBe(503);

    pg.start();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await token(t.url, b.client_id, b.client_secret, { scope: 'media:read' })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    running = false;
    await Promise.all(workers);
    // Under load, every answer was a success or a clean 503: no 500, no dropped connection.
    expect(new Set(seen.filter((s) => s !== 200 && s !== 503))).toEqual(new Set());
    expect(seen.filter((s) => s === 200).length).toBeGreaterThan(0);
    // Nothing half-written: the failed mint left no token row.
    // Reuse means the integration holds exactly one token row: no row from a failed mint.
    const rows = (await stored(t).issuedTokens((await t.server.runtime.directory.client(b.client_id))!.id)).filter(
      (r) => r.scope === 'media:read',
    );
    expect(rows).toHaveLength(1);
    expect((await request(`${t.url}/readyz`)).status).toBe(200);
  }, 60_000);

  it("H-78 a management write and a new customer's first token with the connection lost: 503, nothing written, then success", async () => {
    const admin = await t.integration({ preset: 'all-permissions' });
    const bearer = String((await token(t.url, admin.client_id, admin.client_secret)).body.access_token);
    const creds = await createEnvironmentSecret(t.server.runtime.ctx, CLI_ACTOR, 'default');
    const now = t.clock.seconds();
    const customer = jwt.sign({ id: 'first-seen-in-outage', iat: now, exp: now + 600 }, creds.environment_secret!, {
      issuer: creds.environment_key,
    });
    const self = () => request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${customer}` } });
    const create = () =>
      request(`${t.url}/api/v1/environments/default/integrations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'made-in-outage', preset: 'read-only' }),
      });
    expect((await request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${bearer}` } })).status).toBe(
      200,
    );

    pg.stop();
    for (const res of [await create(), await self()]) {
      expect(res.status, res.text).toBe(503);
      expect(res.body.error).toBe('temporarily_unavailable');
    }
    pg.start();
    let status = 0;
    for (let i = 0; i < 50 && status !== 201; i++) {
      status = (await create()).status;
      if (status !== 201) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(201);
    expect((await self()).status).toBe(200);
    await settle(t);
    // Nothing half-written by the failed attempts: one integration and one customer, each audited once.
    expect(await stored(t).integrationsNamed('made-in-outage')).toHaveLength(1);
    expect(await stored(t).customers('first-seen-in-outage')).toHaveLength(1);
    expect(await stored(t).auditEvents({ action: 'customer.create', target: 'first-seen-in-outage' })).toHaveLength(1);
  }, 60_000);
});
