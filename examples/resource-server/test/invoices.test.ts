/**
 * The resource-server example against a real Gatehouse: tokens for the registered invoices API
 * are checked for audience, scope and expiry, with RFC 6750 answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTokenSource } from '@gatehouse/client';
import { settle, startGatehouse, type TestServer } from '@gatehouse/testing/gatehouse';
import { createAdmin } from '@gatehouse/testing/admin';
import { signIn } from '../src/admin-session.js';
import { buildInvoicesApp, INVOICES_AUDIENCE } from '../src/app.js';
import { createInvoicesIntegration, registerInvoicesApi } from '../src/setup.js';

const invoice = { customer: 'ACME Corp', amount_cents: 12_500, currency: 'EUR' };

describe('resource-server example', () => {
  let t: TestServer;
  let app: FastifyInstance;
  let readToken: string;
  let writeToken: string;
  let writeOnlyToken: string;
  let writerId: string;
  let environmentApiToken: string;

  const tokenFor = (credentials: { client_id: string; client_secret: string }, audience?: string) =>
    createTokenSource({
      issuer: t.url,
      clientId: credentials.client_id,
      clientSecret: credentials.client_secret,
      ...(audience && { audience }),
    }).getToken();
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await startGatehouse();
    const { email, password } = await createAdmin(t);
    const admin = await signIn(t.url, email, password);
    await registerInvoicesApi(admin, 'default');
    await registerInvoicesApi(admin, 'default'); // a second run changes nothing
    const reader = await createInvoicesIntegration(admin, 'default', ['invoices:read']);
    const writer = await createInvoicesIntegration(admin, 'default', ['invoices:read', 'invoices:write']);
    const writeOnly = await createInvoicesIntegration(admin, 'default', ['invoices:write']);
    const readOnly = await t.integration({ preset: 'read-only' });
    await settle(t);
    writerId = writer.client_id;
    [readToken, writeToken, writeOnlyToken, environmentApiToken] = await Promise.all([
      tokenFor(reader, INVOICES_AUDIENCE),
      tokenFor(writer, INVOICES_AUDIENCE),
      tokenFor(writeOnly, INVOICES_AUDIENCE),
      tokenFor(readOnly),
    ]);
    app = buildInvoicesApp({ issuer: t.url, clock: () => t.clock.now() });
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it('no token: 401 with a Bearer challenge and no error code (RFC 6750 §3.1)', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const res = await app.inject({
        method,
        url: '/invoices',
        payload: method === 'POST' ? { nonsense: true } : undefined,
      });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="invoices"');
    }
  });

  it('a token with invoices:read reads and is refused 403 insufficient_scope on POST; one with only invoices:write may not read', async () => {
    const list = await app.inject({ method: 'GET', url: '/invoices', headers: bearer(readToken) });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({ items: [] });

    const post = await app.inject({ method: 'POST', url: '/invoices', headers: bearer(readToken), payload: invoice });
    expect(post.statusCode).toBe(403);
    expect(post.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(post.headers['www-authenticate']).toContain('scope="invoices:write"');

    const writeOnlyRead = await app.inject({ method: 'GET', url: '/invoices', headers: bearer(writeOnlyToken) });
    expect(writeOnlyRead.statusCode).toBe(403);
    expect(writeOnlyRead.headers['www-authenticate']).toContain('scope="invoices:read"');
  });

  it('a token with invoices:write creates; the body is validated after the token', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/invoices',
      headers: bearer(writeToken),
      payload: invoice,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ ...invoice, created_by: writerId });

    const list = await app.inject({ method: 'GET', url: '/invoices', headers: bearer(readToken) });
    expect(list.json<{ items: unknown[] }>().items).toEqual([created.json()]);

    const invalid = await app.inject({
      method: 'POST',
      url: '/invoices',
      headers: bearer(writeToken),
      payload: { ...invoice, amount_cents: -1 },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('M-117 an exchanged token (RFC 8693) is accepted and the handler sees act: created by the exchanging client on behalf of the subject', async () => {
    const agent = await t.integration({
      grants: [{ audience: INVOICES_AUDIENCE, scopes: ['invoices:write'] }],
      token_exchange: { enabled: true },
    });
    await settle(t);
    const res = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${agent.client_id}:${agent.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: writeToken,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        audience: INVOICES_AUDIENCE,
      }).toString(),
    });
    expect(res.status).toBe(200);
    const exchanged = (await res.json()) as { access_token: string; scope: string };
    expect(exchanged.scope).toBe('invoices:write');
    const created = await app.inject({
      method: 'POST',
      url: '/invoices',
      headers: bearer(exchanged.access_token),
      payload: invoice,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      created_by: agent.client_id,
      on_behalf_of: { sub: writerId, act: { sub: agent.client_id } },
    });
  });

  it('a token for the Environment API audience: 401 invalid_token', async () => {
    const res = await app.inject({ method: 'GET', url: '/invoices', headers: bearer(environmentApiToken) });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('an expired token: 401 invalid_token', async () => {
    t.clock.advance(86_400 + 60);
    try {
      const res = await app.inject({ method: 'GET', url: '/invoices', headers: bearer(readToken) });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    } finally {
      t.clock.advance(-(86_400 + 60));
    }
  });
});
