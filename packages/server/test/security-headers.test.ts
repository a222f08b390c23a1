/**
 * docs/security.md H-82 over real HTTP on both stores: every response of every context carries
 * `X-Content-Type-Options: nosniff`; every response that carries a secret or a token carries
 * `Cache-Control: no-store`; no GET creates a secret (the environment secret is created by an
 * explicit POST, once).
 */
import { describe, expect } from 'vitest';
import { type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { tamper } from '@gatehouse/testing/tamper';
import { basic, postForm, request, token } from '@gatehouse/testing/http';
import { accessToken, call, type ConsoleSession } from './management-helpers.js';
import { it } from './fixtures.js';

describe('H-82 security headers and secrets (sqlite)', () => {
  let t: TestServer;
  let admin: ConsoleSession;
  let client: { client_id: string; client_secret: string };
  let bearer: string;

  it.beforeAll(async ({ t: server, operator: signedIn }) => {
    t = server;
    admin = signedIn;
    client = await t.integration({ preset: 'all-permissions' });
    bearer = await accessToken(t, client);
  });

  const counts = async () => {
    const secrets = await stored(t).environmentCredentialsOf('secret');
    const audits = await stored(t).auditEvents();
    return { secrets: secrets.length, audits: audits.length };
  };

  it('H-82 a sample of routes from every context, 404s and errors carry nosniff', async () => {
    const auth = { authorization: `Bearer ${bearer}` };
    const responses = {
      'token 200': await token(t.url, client.client_id, client.client_secret),
      'token 401': await token(t.url, client.client_id, 'wrong'),
      'token 400 malformed JSON': await request(`${t.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      }),
      introspect: await postForm(
        t.url,
        { token: bearer },
        { authorization: basic(client.client_id, client.client_secret) },
        '/oauth/introspect',
      ),
      jwks: await request(`${t.url}/.well-known/jwks.json`),
      metadata: await request(`${t.url}/.well-known/oauth-authorization-server`),
      'api self': await request(`${t.url}/api/v1/self`, { headers: auth }),
      'api 401': await request(`${t.url}/api/v1/self`),
      'api 403': await request(`${t.url}/api/v1/environments/default/projects`, {
        headers: { authorization: `Bearer ${await accessToken(t, client, 'media:read')}` },
      }),
      'management list': await request(`${t.url}/api/v1/environments/default/integrations`, { headers: auth }),
      'console session 401': await request(`${t.url}/api/v1/session`),
      'console sign-in': await request(`${t.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@example.com', password: 'wrong password here' }),
      }),
      'console page': await request(`${t.url}/console/`),
      healthz: await request(`${t.url}/healthz`),
      readyz: await request(`${t.url}/readyz`),
      metrics: await request(`${t.url}/metrics`),
      openapi: await request(`${t.url}/docs/json`),
      'unknown route': await request(`${t.url}/no/such/route`),
      'method not allowed': await request(`${t.url}/oauth/token`),
    };
    for (const [name, res] of Object.entries(responses))
      expect(res.headers.get('x-content-type-options'), `${name} (${res.status})`).toBe('nosniff');
    expect(responses['unknown route'].status).toBe(404);
    // JSON answers get a CSP that loads nothing; the console keeps its own policy.
    expect(responses['api self'].headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(responses['console page'].headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(responses['console page'].headers.get('x-frame-options')).toBe('DENY');
    // Routes that chose their own caching keep it.
    expect(responses.jwks.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
  });

  it('H-82 every response carrying a secret or a token is no-store', async () => {
    const created = await call(t, { session: admin }, 'POST', '/environments/default/integrations', {
      name: 'h82',
      preset: 'read-only',
    });
    expect(created.status).toBe(201);
    const rotated = await call(
      t,
      { session: admin },
      'POST',
      `/environments/default/integrations/${String(created.body.client_id)}/rotate-secret`,
      {},
    );
    expect(rotated.body.client_secret).toEqual(expect.any(String));
    const envSecret = await call(t, { session: admin }, 'POST', '/environments/default/credentials/secret');
    expect(envSecret.status).toBe(201);
    const envRotated = await call(t, { session: admin }, 'POST', '/environments/default/credentials/rotate-secret', {
      grace_seconds: 60,
    });
    const credentials = await call(t, { session: admin }, 'GET', '/environments/default/credentials');
    const signIn = await request(`${t.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com', password: 'correct horse battery staple' }),
    });
    const responses = {
      token: await token(t.url, client.client_id, client.client_secret),
      created,
      rotated,
      envSecret,
      envRotated,
      credentials,
      signIn,
    };
    for (const [name, res] of Object.entries(responses)) {
      expect(res.status, name).toBeLessThan(300);
      expect(res.headers.get('cache-control'), name).toBe('no-store');
    }
  });

  it('H-82 GET credentials creates nothing; POST …/credentials/secret creates it once (201), then 409', async () => {
    await tamper(t).removeEnvironmentSecrets();
    const before = await counts();
    for (let i = 0; i < 2; i++) {
      const res = await call(t, { session: admin }, 'GET', '/environments/default/credentials');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ environment_secret: null, secret_created_at: null });
    }
    expect(await counts()).toEqual(before);

    const created = await call(t, { session: admin }, 'POST', '/environments/default/credentials/secret');
    expect(created.status).toBe(201);
    expect(Buffer.from(String(created.body.environment_secret), 'base64url')).toHaveLength(64);
    expect(await counts()).toEqual({ secrets: before.secrets + 1, audits: before.audits + 1 });

    const again = await call(t, { session: admin }, 'POST', '/environments/default/credentials/secret');
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('conflict');
    const read = await call(t, { session: admin }, 'GET', '/environments/default/credentials');
    expect(read.body.environment_secret).toBeNull();
    expect(read.body.secret_created_at).toEqual(expect.any(String));
    expect(await counts()).toEqual({ secrets: before.secrets + 1, audits: before.audits + 1 });
  });

  it('H-82 only console administrators create the environment secret; a bearer gets 403 and nothing changes', async () => {
    const before = await counts();
    const res = await call(t, { bearer }, 'POST', '/environments/default/credentials/secret');
    expect(res.status).toBe(403);
    expect(await counts()).toEqual(before);
  });
});
