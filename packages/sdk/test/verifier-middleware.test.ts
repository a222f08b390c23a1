import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type VerifiedClaims, type Verifier } from '../src/index.js';
import { createTestKey, signAccessToken, type TestKey } from './helpers/keys.js';
import { startFakeJwksServer, type FakeJwksServer } from './helpers/fake-jwks-server.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth?: VerifiedClaims;
  }
}

const ISSUER = 'https://gatehouse.example.com';
const AUDIENCE = 'https://api.tenant.example.com';
const REALM = 'tenant-api';

interface Answer {
  status: number;
  challenge: string | null;
  body: Record<string, unknown>;
}
type Get = (path: string, authorization?: string) => Promise<Answer>;

const read = async (res: Response): Promise<Answer> => ({
  status: res.status,
  challenge: res.headers.get('www-authenticate'),
  body: (await res.json()) as Record<string, unknown>,
});
const headers = (authorization?: string): Record<string, string> =>
  authorization === undefined ? {} : { authorization };

async function serveExpress(v: Verifier): Promise<{ get: Get; close: () => Promise<void> }> {
  const app = express();
  app.get('/reports', v.express({ scopes: ['reports:read'] }), (req, res) => {
    res.json({ sub: (req as unknown as { auth: VerifiedClaims }).auth.sub });
  });
  app.get('/admin', v.express({ scopes: ['reports:admin'] }), (_req, res) => {
    res.json({ ok: true });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get: async (path, authorization) => read(await fetch(`${base}${path}`, { headers: headers(authorization) })),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function serveFastify(v: Verifier): Promise<{ get: Get; close: () => Promise<void> }> {
  const app = Fastify();
  app.get('/reports', { preHandler: v.fastify({ scopes: ['reports:read'] }) }, async (request) => ({
    sub: request.auth?.sub,
  }));
  await app.register(async (admin) => {
    admin.addHook('preHandler', v.fastify({ scopes: ['reports:admin'] }));
    admin.get('/admin', async () => ({ ok: true }));
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    get: async (path, authorization) => read(await fetch(`${base}${path}`, { headers: headers(authorization) })),
    close: () => app.close(),
  };
}

async function serveHono(v: Verifier): Promise<{ get: Get; close: () => Promise<void> }> {
  const app = new Hono<{ Variables: { auth: VerifiedClaims } }>();
  app.use('/reports', v.hono({ scopes: ['reports:read'] }));
  app.use('/admin', v.hono({ scopes: ['reports:admin'] }));
  app.get('/reports', (c) => c.json({ sub: c.get('auth').sub }));
  app.get('/admin', (c) => c.json({ ok: true }));
  return {
    get: async (path, authorization) => read(await app.request(path, { headers: headers(authorization) })),
    close: async () => undefined,
  };
}

describe.each([
  ['express', serveExpress],
  ['fastify', serveFastify],
  ['hono', serveHono],
] as const)('verifier middleware: %s', (_framework, serve) => {
  let key: TestKey;
  let jwks: FakeJwksServer;
  let app: { get: Get; close: () => Promise<void> };
  let good: string;

  beforeAll(async () => {
    key = await createTestKey('key-1');
    jwks = await startFakeJwksServer([key.publicJwk]);
    app = await serve(createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUri: jwks.jwksUri, realm: REALM }));
    good = await signAccessToken(key, { issuer: ISSUER, audience: AUDIENCE, scope: 'reports:read' });
  });
  afterAll(async () => {
    await app.close();
    await jwks.close();
  });

  it('answers 401 with a bare Bearer challenge when there is no Authorization header (RFC 6750 §3.1)', async () => {
    const res = await app.get('/reports');
    expect(res.status).toBe(401);
    expect(res.challenge).toBe(`Bearer realm="${REALM}"`);
    expect(res.body['error']).toBeUndefined();
  });

  it('treats another scheme or a query-string token as no token', async () => {
    for (const res of [
      await app.get('/reports', 'Basic Y2xpZW50OnNlY3JldA=='),
      await app.get(`/reports?access_token=${good}`),
    ]) {
      expect(res.status).toBe(401);
      expect(res.challenge).toBe(`Bearer realm="${REALM}"`);
    }
  });

  it('accepts a valid token with a lower-case scheme and attaches the claims to the request', async () => {
    const res = await app.get('/reports', `bearer ${good}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub: 'client-1' });
  });

  it('answers 401 error="invalid_token" for a bad or expired token', async () => {
    const expired = await signAccessToken(key, {
      issuer: ISSUER,
      audience: AUDIENCE,
      scope: 'reports:read',
      iat: Math.floor(Date.now() / 1000) - 7200,
    });
    for (const [token, description] of [
      ['eyJhbGciOiJFUzI1NiJ9.e30.c2ln', 'the access token is invalid'],
      [expired, 'the access token expired'],
    ] as const) {
      const res = await app.get('/reports', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.challenge).toBe(`Bearer realm="${REALM}", error="invalid_token", error_description="${description}"`);
      expect(res.body).toEqual({ error: 'invalid_token', error_description: description });
    }
  });

  it('answers 403 error="insufficient_scope" with the required scope', async () => {
    const res = await app.get('/admin', `Bearer ${good}`);
    expect(res.status).toBe(403);
    expect(res.challenge).toContain('error="insufficient_scope"');
    expect(res.challenge).toContain('scope="reports:admin"');
    expect(res.challenge?.startsWith(`Bearer realm="${REALM}"`)).toBe(true);
    expect(res.body).toMatchObject({ error: 'insufficient_scope', scope: 'reports:admin' });
  });

  it('answers 400 error="invalid_request" for a malformed Bearer header', async () => {
    for (const header of ['Bearer', `Bearer ${good} ${good}`, 'Bearer a"b']) {
      const res = await app.get('/reports', header);
      expect(res.status).toBe(400);
      expect(res.challenge).toContain('error="invalid_request"');
    }
  });

  it('answers 503 when the JWKS is unavailable', async () => {
    const fresh = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUri: jwks.jwksUri, realm: REALM });
    const down = await serve(fresh);
    jwks.failWith = 500;
    try {
      const res = await down.get('/reports', `Bearer ${good}`);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: 'temporarily_unavailable' });
    } finally {
      jwks.failWith = undefined;
      await down.close();
    }
  });
});
