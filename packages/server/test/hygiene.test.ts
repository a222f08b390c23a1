/**
 * Limits and hygiene: per-integration token quotas, CORS only on the Environment API, housekeeping
 * of expired rows and old audit events, and the audit trail of changes and mints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../src/context.js';
import { updateIntegration } from '../src/services/integrations.js';
import { listAudit } from '../src/services/audit.js';
import { purgeExpired } from '../src/maintenance.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { request, token } from '@gatehouse/testing/http';

describe.each(STORE_KINDS)('limits and hygiene (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { config: { corsOrigins: ['https://app.example'] } });
  });
  afterAll(() => t.close());

  it('a token quota refuses mints beyond it with 429 while reuse keeps serving', async () => {
    const c = await t.integration({ preset: 'all-permissions' });
    await updateIntegration(t.server.runtime.ctx, CLI_ACTOR, c.client_id, { token_quota_per_hour: 2 });
    await settle(t);
    expect((await token(t.url, c.client_id, c.client_secret, { scope: 'media:read' })).status).toBe(200);
    expect((await token(t.url, c.client_id, c.client_secret, { scope: 'fonts:read' })).status).toBe(200);
    // Reuse is not a mint.
    expect((await token(t.url, c.client_id, c.client_secret, { scope: 'media:read' })).status).toBe(200);
    const third = await token(t.url, c.client_id, c.client_secret, { scope: 'projects:read' });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(3500);
    t.clock.advance(3601);
    expect((await token(t.url, c.client_id, c.client_secret, { scope: 'projects:read' })).status).toBe(200);
  });

  it('CORS: allowed origins on the Environment API only; never on /oauth', async () => {
    const preflight = await request(`${t.url}/api/v1/environments/default/media`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await request(`${t.url}/api/v1/environments/default/media`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const oauth = await request(`${t.url}/oauth/token`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(oauth.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the audit log records changes and mints with actor, target and time; old events and expired rows are purged', async () => {
    const c = await t.integration({ preset: 'read-only' });
    await token(t.url, c.client_id, c.client_secret);
    const { items: events } = await listAudit(
      t.server.runtime.ctx.db,
      (await t.server.runtime.directory.environment('slug', 'default'))!.id,
      500,
    );
    const mine = events.filter((e) => e.target === c.client_id);
    expect(mine.map((e) => e.action)).toEqual(expect.arrayContaining(['integration.create', 'token.mint']));
    expect(mine.find((e) => e.action === 'token.mint')).toMatchObject({
      actor: `integration:${c.client_id}`,
      ip: '127.0.0.1',
      result: 'success',
    });
    t.clock.advance(91 * 86_400);
    const purged = await purgeExpired(t.server.runtime.ctx);
    expect(purged.auditEvents).toBeGreaterThan(0);
    expect(purged.issuedTokens).toBeGreaterThan(0);
    expect(
      (
        await listAudit(
          t.server.runtime.ctx.db,
          (await t.server.runtime.directory.environment('slug', 'default'))!.id,
          500,
        )
      ).items,
    ).toEqual([]);
  });
});
