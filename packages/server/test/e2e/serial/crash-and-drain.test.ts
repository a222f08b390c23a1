/**
 * Process faults with real processes: kill -9 under concurrent token requests loses no
 * acknowledged write (docs/security.md F-63), and SIGTERM under load drains without a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { STORE_KINDS, newStoreLocation, type StoreLocation } from '@gatehouse/testing/stores';
import { startNode } from '@gatehouse/testing/node-process';
import { basic, postForm, request, token } from '@gatehouse/testing/http';
import { openContext } from '../../../src/runtime.js';
import { testConfig } from '@gatehouse/testing/server';
import { CLI_ACTOR, type Context } from '../../../src/context.js';
import { createIntegration } from '../../../src/services/integrations.js';
import { updateEnvironment } from '../../../src/services/environments.js';
import { stored } from '@gatehouse/testing/stored';

const ISSUER = 'https://gatehouse.fault.test';

/** Runs `workers` loops of token requests until `stop()`; collects every 200'd token and every status. */
function load(url: string, c: { client_id: string; client_secret: string }, workers: number) {
  let running = true;
  const tokens: string[] = [];
  const statuses: (number | string)[] = [];
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      try {
        const res = await token(url, c.client_id, c.client_secret);
        statuses.push(res.status);
        if (res.status === 200) tokens.push(String(res.body.access_token));
      } catch (err) {
        statuses.push(String((err as { cause?: { code?: string } }).cause?.code ?? 'error'));
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });
  return {
    tokens,
    statuses,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe.each(STORE_KINDS)('process faults (%s)', (kind) => {
  let location: StoreLocation;
  let ctx: Context;
  let c: { client_id: string; client_secret: string };
  beforeAll(async () => {
    location = newStoreLocation(kind);
    ctx = await openContext(testConfig(location, { issuer: ISSUER }));
    const { ensureDefaultEnvironment } = await import('../../../src/services/environments.js');
    await ensureDefaultEnvironment(ctx, CLI_ACTOR);
    // Reuse off: every request mints and writes a token row.
    await updateEnvironment(ctx, CLI_ACTOR, 'default', { refresh_before: 86_400 });
    c = await createIntegration(ctx, CLI_ACTOR, 'default', { name: 'load', preset: 'read-only' });
  });
  afterAll(async () => {
    await ctx?.store.close();
    await location?.dispose();
  });

  it("F-63 kill -9 under 50 concurrent token requests: every 200'd token verifies and is active after restart; same kid", async () => {
    const node = await startNode(location, ISSUER);
    const kid = decodeProtectedHeader(
      String((await token(node.url, c.client_id, c.client_secret)).body.access_token),
    ).kid;
    const run = load(node.url, c, 50);
    while (run.tokens.length < 200) await new Promise((r) => setTimeout(r, 10));
    node.kill('SIGKILL');
    await node.exited;
    await run.stop();
    expect(run.tokens.length).toBeGreaterThanOrEqual(200);

    const again = await startNode(location, ISSUER);
    try {
      const jtis = run.tokens.map((t) => String(decodeJwt(t).jti));
      expect(new Set(jtis).size).toBe(jtis.length);
      const rows = await stored(ctx).issuedTokensWithJti(jtis);
      expect(rows.length).toBe(jtis.length);
      for (const t of run.tokens.slice(-20)) {
        expect(decodeProtectedHeader(t).kid).toBe(kid);
        expect((await request(`${again.url}/api/v1/self`, { headers: { authorization: `Bearer ${t}` } })).status).toBe(
          200,
        );
        expect(
          (
            await postForm(
              again.url,
              { token: t },
              { authorization: basic(c.client_id, c.client_secret) },
              '/oauth/introspect',
            )
          ).body.active,
        ).toBe(true);
      }
      const keys = (await stored(ctx).signingKeys()).filter((k) => k.state === 'active');
      expect(keys.map((k) => k.kid)).toEqual([kid]);
    } finally {
      again.kill('SIGKILL');
      await again.exited;
    }
  }, 60_000);

  it('SIGTERM under load drains in-flight requests with no 5xx and exits 0 within 10 s', async () => {
    const node = await startNode(location, ISSUER);
    const run = load(node.url, c, 20);
    while (run.tokens.length < 50) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    node.kill('SIGTERM');
    const code = await node.exited;
    await run.stop();
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    const serverErrors = run.statuses.filter((s) => typeof s === 'number' && s >= 500);
    expect(serverErrors).toEqual([]);
  }, 60_000);
});
