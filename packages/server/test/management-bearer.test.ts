/**
 * The management API driven by automation with integration bearer tokens: an all-permissions
 * integration manages integrations of its own environment, a read-only one is refused writes,
 * nobody grants what it doesn't hold, another environment's path is 404 with nothing changed
 * (docs/security.md E-53), and console-only operations are 403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { request, token } from '@gatehouse/testing/http';
import { accessToken, call } from './management-helpers.js';
import { CLI_ACTOR } from '../src/context.js';
import { createEnvironment } from '../src/services/environments.js';

describe.each(HTTP_STORE_KINDS)('management API with bearer tokens (%s)', (kind) => {
  let t: TestServer;
  let all: string;
  let readOnly: string;
  const as = (bearer: string, method: string, path: string, body?: unknown) =>
    call(t, { bearer }, method, `/environments/default${path}`, body);

  beforeAll(async () => {
    t = await startTestServer(kind);
    await createEnvironment(t.server.runtime.ctx, CLI_ACTOR, 'acme');
    all = await accessToken(t, await t.integration({ preset: 'all-permissions' }));
    readOnly = await accessToken(t, await t.integration({ scopes: ['integrations:read', 'projects:read'] }));
  });
  afterAll(() => t.close());

  it('an all-permissions integration manages integrations of its environment', async () => {
    const created = await as(all, 'POST', '/integrations', {
      name: 'Made by automation',
      scopes: ['media:read', 'fonts:read'],
    });
    expect(created.status).toBe(201);
    const c = created.body as { client_id: string; client_secret: string };
    await settle(t);
    expect((await token(t.url, c.client_id, c.client_secret)).body.scope).toBe('media:read fonts:read');
    expect((await as(all, 'GET', `/integrations/${c.client_id}`)).body).toMatchObject({ name: 'Made by automation' });
    expect(((await as(all, 'GET', '/integrations')).body.items as unknown[]).length).toBeGreaterThanOrEqual(3);
    expect((await as(all, 'PATCH', `/integrations/${c.client_id}`, { enabled: false })).body.enabled).toBe(false);
    // Another integration's secret needs integrations:secrets, which no preset holds (G-70).
    const rotate = await as(all, 'POST', `/integrations/${c.client_id}/rotate-secret`, {});
    expect(rotate.status).toBe(403);
    expect(rotate.headers.get('www-authenticate')).toContain('scope="integrations:secrets"');
    expect((await as(all, 'POST', `/integrations/${c.client_id}/revoke-tokens`)).body).toEqual({ revoked: 1 });
    expect((await as(all, 'DELETE', `/integrations/${c.client_id}`)).status).toBe(204);
    expect((await as(all, 'GET', '')).body).toMatchObject({ slug: 'default' });
    expect((await as(all, 'GET', '/apis')).status).toBe(200);
    const audit = (await as(all, 'GET', '/audit')).body.items as { actor: string; action: string }[];
    expect(audit.some((e) => e.action === 'integration.delete' && e.actor.startsWith('integration:'))).toBe(true);
  });

  it('an integrations:read integration reads but every write is 403 insufficient_scope, with nothing written', async () => {
    const before = ((await as(readOnly, 'GET', '/integrations?limit=100')).body.items as unknown[]).length;
    const target = await t.integration({ preset: 'read-only' });
    const writes: [string, string, unknown?][] = [
      ['POST', '/integrations', { name: 'nope', preset: 'read-only' }],
      ['PATCH', `/integrations/${target.client_id}`, { name: 'nope' }],
      ['DELETE', `/integrations/${target.client_id}`],
      ['POST', `/integrations/${target.client_id}/rotate-secret`, {}],
      ['POST', `/integrations/${target.client_id}/revoke-tokens`],
    ];
    for (const [method, path, body] of writes) {
      const res = await as(readOnly, method, path, body);
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toContain('scope="integrations:write"');
    }
    expect(((await as(readOnly, 'GET', '/integrations?limit=100')).body.items as unknown[]).length).toBe(before + 1);
    expect((await token(t.url, target.client_id, target.client_secret)).status).toBe(200);
  });

  it("an integration can't grant scopes it does not hold, nor take over a stronger integration", async () => {
    const manager = await accessToken(
      t,
      await t.integration({ scopes: ['integrations:read', 'integrations:write', 'media:read'] }),
    );
    const refused = await as(manager, 'POST', '/integrations', {
      name: 'escalate',
      scopes: ['media:read', 'media:write'],
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('insufficient_scope');
    expect((await as(manager, 'POST', '/integrations', { name: 'escalate', preset: 'all-permissions' })).status).toBe(
      403,
    );
    const ok = await as(manager, 'POST', '/integrations', { name: 'fine', scopes: ['media:read'] });
    expect(ok.status).toBe(201);
    const id = String(ok.body.client_id);
    expect(
      (await as(manager, 'PATCH', `/integrations/${id}`, { scopes: ['media:read', 'projects:write'] })).status,
    ).toBe(403);
    expect((await as(manager, 'GET', `/integrations/${id}`)).body.scopes).toEqual(['media:read']);
    // Rotating a stronger integration's secret would hand over its powers.
    const strong = await t.integration({ preset: 'all-permissions' });
    expect((await as(manager, 'POST', `/integrations/${strong.client_id}/rotate-secret`, {})).status).toBe(403);
    expect((await token(t.url, strong.client_id, strong.client_secret)).status).toBe(200);
    expect((await as(manager, 'POST', `/integrations/${id}/rotate-secret`, {})).status).toBe(403);
    // A downscoped token limits what it may grant.
    const narrow = await accessToken(
      t,
      await t.integration({ preset: 'all-permissions' }),
      'integrations:read integrations:write',
    );
    expect((await as(narrow, 'POST', '/integrations', { name: 'x', scopes: ['media:read'] })).status).toBe(403);
    expect((await as(narrow, 'POST', '/integrations', { name: 'x', scopes: [] })).status).toBe(201);
  });

  it("E-53: another environment's path is 404 and nothing changes there", async () => {
    const { client_id: victim, client_secret: victimSecret } = await t.integration(
      { preset: 'all-permissions' },
      'acme',
    );
    const snapshot = () => stored(t).integrations();
    const before = await snapshot();
    const attempts: [string, string, unknown?][] = [
      ['GET', '/environments/acme'],
      ['GET', '/environments/acme/integrations'],
      ['POST', '/environments/acme/integrations', { name: 'intruder', preset: 'read-only' }],
      ['GET', `/environments/acme/integrations/${victim}`],
      ['PATCH', `/environments/acme/integrations/${victim}`, { enabled: false }],
      ['DELETE', `/environments/acme/integrations/${victim}`],
      ['POST', `/environments/acme/integrations/${victim}/rotate-secret`, {}],
      ['POST', `/environments/acme/integrations/${victim}/revoke-tokens`],
      ['GET', '/environments/acme/audit'],
      ['GET', '/environments/acme/apis'],
      // The victim named under the caller's own environment is just as unknown.
      ['PATCH', `/environments/default/integrations/${victim}`, { enabled: false }],
      ['GET', `/environments/default/integrations/${victim}?environment=acme`],
    ];
    for (const [method, path, body] of attempts)
      expect([method, path, (await call(t, { bearer: all }, method, path, body)).status]).toEqual([method, path, 404]);
    expect(await snapshot()).toEqual(before);
    expect((await token(t.url, victim, victimSecret)).status).toBe(200);
  });

  it('console-only operations are 403 for bearer tokens; no credentials is 401 with a Bearer challenge', async () => {
    for (const [method, path, body] of [
      ['GET', '/environments'],
      ['POST', '/environments', { slug: 'mine' }],
      ['PATCH', '/environments/default', { token_lifetime: 60 }],
      ['POST', '/environments/default/apis', { name: 'x', audience: 'https://x.example', scopes: [] }],
    ] as [string, string, unknown?][]) {
      const res = await call(t, { bearer: all }, method, path, body);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('forbidden');
    }
    const none = await request(`${t.url}/api/v1/environments/default/integrations`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="gatehouse"');
    const bad = await call(t, { bearer: 'not.a.token' }, 'GET', '/environments/default/integrations');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});
