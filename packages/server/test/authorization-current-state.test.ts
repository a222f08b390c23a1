/**
 * Authorization follows the current state (docs/security.md G-67…G-71), over real HTTP on both stores:
 * effective scopes = token ∩ current grants on the Environment API, the management API and
 * introspection; management bounded by its target; secrets only with integrations:secrets; the
 * front-end preset holds content read scopes only.
 */
import { describe, expect } from 'vitest';
import { presetScopes } from '@gatehouse/contracts';
import { settle, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { basic, postForm, request, token } from '@gatehouse/testing/http';
import { accessToken, call } from './management-helpers.js';
import { it } from './fixtures.js';
import { CLI_ACTOR } from '../src/context.js';
import { updateIntegration } from '../src/services/integrations.js';
import { createApi } from '../src/services/apis.js';

type Creds = { client_id: string; client_secret: string; id: string };

describe('authorization on current state (sqlite)', () => {
  // The file's server (fixture), bound for the helpers below.
  let t: TestServer;
  const api = (bearer: string, method: string, path: string, body?: unknown) =>
    call(t, { bearer }, method, `/environments/default${path}`, body);
  const cut = async (c: Creds, scopes: string[], extra: object = {}) => {
    await updateIntegration(t.server.runtime.ctx, CLI_ACTOR, c.client_id, { scopes, ...extra });
    await settle(t);
  };
  const row = (c: Creds) => stored(t).integration(c.id);
  const grants = (c: Creds) => stored(t).grantsOf(c.id);
  const introspect = (by: Creds, tok: string) =>
    postForm(t.url, { token: tok }, { authorization: basic(by.client_id, by.client_secret) }, '/oauth/introspect');

  it.beforeAll(({ t: server }) => {
    t = server;
  });

  it('G-67 a reduction applies to the token from before it: Environment API, management API, introspection', async () => {
    const x = await t.integration({ preset: 'all-permissions' });
    const observer = await t.integration({ scopes: ['projects:read'] });
    const before = await accessToken(t, x);
    expect((await api(before, 'GET', '/customers')).status).toBe(200);
    await cut(x, ['projects:read']);

    const customers = await api(before, 'GET', '/customers');
    expect(customers.status).toBe(403);
    expect(customers.headers.get('www-authenticate')).toContain('scope="customers:read"');
    expect((await api(before, 'GET', '/projects')).status).toBe(200);
    expect((await api(before, 'GET', '/integrations')).status).toBe(403);
    expect((await api(before, 'GET', '/audit')).status).toBe(403);
    expect(
      (await request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${before}` } })).body.scopes,
    ).toEqual(['projects:read']);

    // It can't restore the removed scopes, nor plant a backdoor.
    expect(
      (await api(before, 'PATCH', `/integrations/${x.client_id}`, { scopes: presetScopes('all-permissions') })).status,
    ).toBe(403);
    expect(
      (
        await api(before, 'POST', '/integrations', {
          name: 'backdoor',
          scopes: ['customers:write', 'integrations:write'],
        })
      ).status,
    ).toBe(403);
    expect((await grants(x)).map((g) => g.scope)).toEqual(['projects:read']);
    expect((await stored(t).integrationsNamed('backdoor')).length).toBe(0);

    const seen = await introspect(observer, before);
    expect(seen.body).toMatchObject({ active: true, scope: 'projects:read' });
    // Nothing left: the token is inactive everywhere.
    await cut(x, []);
    expect((await introspect(observer, before)).body).toEqual({ active: false });
    expect((await api(before, 'GET', '/projects')).status).toBe(403);
    // A new token carries only what is granted now.
    await cut(x, ['media:read']);
    expect((await token(t.url, x.client_id, x.client_secret)).body.scope).toBe('media:read');
  });

  it('G-68 nobody grants itself or a new integration more than its effective scopes, with any token it holds', async () => {
    const m = await t.integration({ scopes: ['integrations:read', 'integrations:write', 'media:read', 'media:write'] });
    const wide = await accessToken(t, m);
    const narrow = await accessToken(t, m, 'integrations:write');
    const snapshot = async () => [
      await row(m),
      await grants(m),
      (await stored(t).integrations()).map(({ id }) => ({ id })),
    ];
    await cut(m, ['integrations:read', 'integrations:write', 'media:read']);
    const before = await snapshot();
    for (const tok of [wide, narrow]) {
      expect(
        (
          await api(tok, 'PATCH', `/integrations/${m.client_id}`, {
            scopes: ['integrations:read', 'integrations:write', 'media:read', 'media:write'],
          })
        ).status,
      ).toBe(403);
      expect((await api(tok, 'POST', '/integrations', { name: 'more', scopes: ['media:write'] })).status).toBe(403);
      expect((await api(tok, 'POST', '/integrations', { name: 'preset', preset: 'all-permissions' })).status).toBe(403);
    }
    // The narrow token holds integrations:write only: it can't grant media:read either.
    expect((await api(narrow, 'POST', '/integrations', { name: 'n', scopes: ['media:read'] })).status).toBe(403);
    expect(await snapshot()).toEqual(before);
    expect((await api(wide, 'POST', '/integrations', { name: 'within', scopes: ['media:read'] })).status).toBe(201);
  });

  it('G-69 integrations:write acts only on integrations whose grants it holds; nothing changes otherwise', async () => {
    const w = await t.integration({
      scopes: ['integrations:read', 'integrations:write', 'projects:read', 'projects:write'],
    });
    const v = await t.integration({ preset: 'all-permissions' });
    const weak = await t.integration({ scopes: ['projects:read'] });
    const tok = await accessToken(t, w);
    const vToken = await accessToken(t, v);
    const before = [await row(v), await grants(v)];
    const attempts: [string, string, unknown?][] = [
      ['PATCH', `/integrations/${v.client_id}`, { scopes: [] }],
      ['PATCH', `/integrations/${v.client_id}`, { enabled: false }],
      ['PATCH', `/integrations/${v.client_id}`, { secret_expires_at: new Date(0).toISOString() }],
      ['PATCH', `/integrations/${v.client_id}`, { name: 'renamed' }],
      ['DELETE', `/integrations/${v.client_id}`],
      ['POST', `/integrations/${v.client_id}/revoke-tokens`],
      ['POST', `/integrations/${v.client_id}/rotate-secret`, { grace_seconds: 2_592_000 }],
    ];
    for (const [method, path, body] of attempts)
      expect([method, path, (await api(tok, method, path, body)).status]).toEqual([method, path, 403]);
    expect([await row(v), await grants(v)]).toEqual(before);
    expect((await token(t.url, v.client_id, v.client_secret)).status).toBe(200);
    expect((await api(vToken, 'GET', '/customers')).status).toBe(200);
    // A target within its scopes is fair game.
    expect((await api(tok, 'PATCH', `/integrations/${weak.client_id}`, { enabled: false })).status).toBe(200);
    expect((await api(tok, 'POST', `/integrations/${weak.client_id}/revoke-tokens`)).status).toBe(200);
    expect((await api(tok, 'DELETE', `/integrations/${weak.client_id}`)).status).toBe(204);
  });

  it("G-70 another integration's secret needs integrations:secrets (in no preset); its own it may always rotate", async () => {
    for (const preset of ['read-only', 'all-permissions'] as const)
      expect(presetScopes(preset)).not.toContain('integrations:secrets');
    const w = await t.integration({ preset: 'all-permissions' });
    const v = await t.integration({ scopes: ['projects:read'] });
    const tok = await accessToken(t, w);
    const refused = await api(tok, 'POST', `/integrations/${v.client_id}/rotate-secret`, { grace_seconds: 2_592_000 });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('scope="integrations:secrets"');
    expect(refused.text).not.toContain('client_secret');
    expect((await token(t.url, v.client_id, v.client_secret)).status).toBe(200);

    // Its own secret: any integration, even one without integrations:* scopes, with grace.
    const self = await api(await accessToken(t, v), 'POST', `/integrations/${v.client_id}/rotate-secret`, {
      grace_seconds: 60,
    });
    expect(self.status).toBe(200);
    expect(self.headers.get('cache-control')).toBe('no-store');
    await settle(t);
    expect((await token(t.url, v.client_id, String(self.body.client_secret))).status).toBe(200);
    expect((await token(t.url, v.client_id, v.client_secret)).status).toBe(200);

    // Granted explicitly, it works on integrations within its scopes, audited as such; never on stronger ones.
    const automation = await t.integration({ scopes: ['integrations:write', 'integrations:secrets', 'projects:read'] });
    const autoToken = await accessToken(t, automation);
    const rotated = await api(autoToken, 'POST', `/integrations/${v.client_id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    await settle(t);
    expect((await token(t.url, v.client_id, String(rotated.body.client_secret))).status).toBe(200);
    const events = await stored(t).auditEvents({ action: 'integration.rotate_secret', target: v.client_id });
    const details = (actor: string) =>
      events
        .filter((e) => e.actor === `integration:${actor}`)
        .map((e) => JSON.parse(e.details!) as Record<string, unknown>);
    expect(details(automation.client_id)).toEqual([{ grace_seconds: 0, other_integration_credentials: true }]);
    expect(details(v.client_id)).toEqual([{ grace_seconds: 60 }]);
    expect((await api(autoToken, 'POST', `/integrations/${w.client_id}/rotate-secret`, {})).status).toBe(403);
    expect((await token(t.url, w.client_id, w.client_secret)).status).toBe(200);
  });

  it('G-71 the front-end preset holds content read scopes only and lists no integrations, customers or audit events', async () => {
    const front = await t.integration({ preset: 'read-only' });
    expect(front.scopes).toEqual(['projects:read', 'media:read', 'fonts:read']);
    const tok = await accessToken(t, front);
    for (const path of ['/integrations', '/customers', '/audit', '/apis', ''])
      expect([path, (await api(tok, 'GET', path)).status]).toEqual([path, 403]);
    for (const path of ['/projects', '/media', '/fonts'])
      expect([path, (await api(tok, 'GET', path)).status]).toEqual([path, 200]);
    // Round 1's read-only preset held every *:read scope: such integrations keep their grants, flagged.
    const legacy = await t.integration({
      name: 'Front end (read-only)',
      scopes: ['projects:read', 'media:read', 'fonts:read', 'integrations:read', 'customers:read'],
    });
    const shown = await call(
      t,
      { bearer: await accessToken(t, await t.integration({ preset: 'all-permissions' })) },
      'GET',
      `/environments/default/integrations/${legacy.client_id}`,
    );
    expect(shown.body.warnings).toEqual([expect.stringContaining('integrations:read customers:read')]);
    expect((await call(t, { bearer: tok }, 'GET', `/environments/default/projects`)).status).toBe(200);
  });

  it("customers hold content scopes only: an environment setting can't hand them management scopes", async () => {
    const admin = await accessToken(t, await t.integration({ preset: 'all-permissions' }));
    const { updateEnvironment } = await import('../src/services/environments.js');
    await expect(
      updateEnvironment(t.server.runtime.ctx, CLI_ACTOR, 'default', {
        customer_scopes: ['projects:read', 'customers:read'],
      }),
    ).rejects.toMatchObject({ status: 400 });
    expect((await api(admin, 'GET', '')).body.customer_scopes).not.toContain('customers:read');
  });

  it("a reduction on a tenant API revokes that API's tokens (its resource servers verify locally) unless keep_tokens", async ({
    kind,
  }) => {
    const ctx = t.server.runtime.ctx;
    await createApi(ctx, CLI_ACTOR, 'default', {
      name: 'Billing',
      audience: `https://billing-${kind}.example`,
      scopes: [{ value: 'invoices:read' }, { value: 'invoices:write' }],
    });
    const grant = (scopes: string[]) => [
      { audience: t.config.audience, scopes: ['projects:read'] },
      { audience: `https://billing-${kind}.example`, scopes },
    ];
    const c = await t.integration({ grants: grant(['invoices:read', 'invoices:write']) });
    const observer = await t.integration({ scopes: ['projects:read'] });
    await settle(t);
    const billing = async () =>
      String(
        (await token(t.url, c.client_id, c.client_secret, { audience: `https://billing-${kind}.example` })).body
          .access_token,
      );
    const envToken = await accessToken(t, c);

    const kept = await billing();
    await updateIntegration(ctx, CLI_ACTOR, c.client_id, { grants: grant(['invoices:read']), keep_tokens: true });
    await settle(t);
    expect((await introspect(observer, kept)).body).toMatchObject({ active: true, scope: 'invoices:read' });

    const revoked = await billing();
    expect(revoked).not.toBe(kept);
    await updateIntegration(ctx, CLI_ACTOR, c.client_id, { grants: grant([]) });
    await settle(t);
    expect((await introspect(observer, revoked)).body).toEqual({ active: false });
    // The Environment API token is untouched: the API it was for was not reduced.
    expect((await introspect(observer, envToken)).body).toMatchObject({ active: true, scope: 'projects:read' });
  });
});
