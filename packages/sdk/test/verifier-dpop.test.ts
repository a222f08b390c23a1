/**
 * docs/security.md I-88, I-89 at a tenant's resource server: the verifier checks DPoP-bound tokens
 * (cnf.jkt = the proof key, htm, htu, iat, jti replay, ath) in Express, Fastify and Hono, serves
 * RFC 9728 metadata and names it in 401 challenges.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createVerifier, DpopProofError, type Verifier } from '../src/index.js';
import { accessTokenHash } from '../src/dpop/dpop-key.js';
import { createReplayCache } from '../src/verifier/dpop-proof.js';
import { createTestKey, signAccessToken, type TestKey } from './helpers/keys.js';
import { startFakeJwksServer, type FakeJwksServer } from './helpers/fake-jwks-server.js';

const ISSUER = 'https://gatehouse.example.com';
const RESOURCE = 'https://api.tenant.example.com';
const HTU = `${RESOURCE}/reports`;
type Send = (
  headers: Record<string, string>,
) => Promise<{ status: number; challenge: string | null; body: Record<string, unknown> }>;
interface App {
  send: Send;
  get(path: string): Promise<Response>;
  close(): Promise<void>;
}

const read = async (res: Response) => ({
  status: res.status,
  challenge: res.headers.get('www-authenticate'),
  body: (await res.json()) as Record<string, unknown>,
});

async function serveExpress(v: Verifier): Promise<App> {
  const app = express();
  app.get(v.resourceMetadata!.path, v.resourceMetadata!.express());
  app.get(
    '/reports',
    v.express({ scopes: ['reports:read'] }),
    (req, res) => void res.json({ sub: (req as unknown as { auth: { sub: string } }).auth.sub }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    send: async (headers) => read(await fetch(`${base}/reports`, { headers })),
    get: (path) => fetch(`${base}${path}`),
    close: () => new Promise((resolve) => void server.close(() => resolve())),
  };
}

async function serveFastify(v: Verifier): Promise<App> {
  const app = Fastify();
  app.get(v.resourceMetadata!.path, v.resourceMetadata!.fastify());
  app.get('/reports', { preHandler: v.fastify({ scopes: ['reports:read'] }) }, async (request) => ({
    sub: (request as unknown as { auth: { sub: string } }).auth.sub,
  }));
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    send: async (headers) => read(await fetch(`${base}/reports`, { headers })),
    get: (path) => fetch(`${base}${path}`),
    close: () => app.close(),
  };
}

async function serveHono(v: Verifier): Promise<App> {
  const app = new Hono<{ Variables: { auth: { sub: string } } }>();
  app.get(v.resourceMetadata!.path, v.resourceMetadata!.hono());
  app.use('/reports', v.hono({ scopes: ['reports:read'] }));
  app.get('/reports', (c) => c.json({ sub: c.get('auth').sub }));
  return {
    send: async (headers) => read(await app.request('http://localhost/reports', { headers })),
    get: async (path) => app.request(`http://localhost${path}`),
    close: async () => undefined,
  };
}

interface ProofKey {
  privateKey: CryptoKey;
  jwk: JWK;
  jkt: string;
}
async function proofKey(): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}
const nowS = () => Math.floor(Date.now() / 1000);
async function proof(
  k: ProofKey,
  token: string,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const body = {
    htm: 'GET',
    htu: HTU,
    iat: nowS(),
    jti: crypto.randomUUID(),
    ath: await accessTokenHash(token),
    ...claims,
  };
  for (const [name, value] of Object.entries(body))
    if (value === undefined) delete (body as Record<string, unknown>)[name];
  return new SignJWT(body)
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: k.jwk, ...header })
    .sign(k.privateKey);
}

describe.each([
  ['express', serveExpress],
  ['fastify', serveFastify],
  ['hono', serveHono],
] as const)('verifier DPoP and RFC 9728: %s', (_framework, serve) => {
  let signing: TestKey;
  let jwks: FakeJwksServer;
  let app: App;
  let verifier: Verifier;
  let holder: ProofKey;
  let bound: string;
  let unbound: string;

  beforeAll(async () => {
    signing = await createTestKey('key-1');
    jwks = await startFakeJwksServer([signing.publicJwk]);
    verifier = createVerifier({
      issuer: ISSUER,
      audience: RESOURCE,
      jwksUri: jwks.jwksUri,
      protectedResourceMetadata: { resource: RESOURCE, scopesSupported: ['reports:read'] },
    });
    app = await serve(verifier);
    holder = await proofKey();
    bound = await signAccessToken(signing, {
      issuer: ISSUER,
      audience: RESOURCE,
      scope: 'reports:read',
      claims: { cnf: { jkt: holder.jkt } },
    });
    unbound = await signAccessToken(signing, { issuer: ISSUER, audience: RESOURCE, scope: 'reports:read' });
  });
  afterAll(async () => {
    await app.close();
    await jwks.close();
  });

  it('serves /.well-known/oauth-protected-resource and names it in 401 challenges beside a DPoP offer', async () => {
    const res = await app.get('/.well-known/oauth-protected-resource');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      resource: RESOURCE,
      authorization_servers: [ISSUER],
      scopes_supported: ['reports:read'],
      bearer_methods_supported: ['header'],
      dpop_signing_alg_values_supported: ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'],
      dpop_bound_access_tokens_required: false,
    });
    const missing = await app.send({});
    expect(missing.status).toBe(401);
    expect(missing.challenge).toBe(
      `Bearer realm="gatehouse", resource_metadata="${RESOURCE}/.well-known/oauth-protected-resource", DPoP algs="ES256 ES384 RS256 PS256 EdDSA", resource_metadata="${RESOURCE}/.well-known/oauth-protected-resource"`,
    );
    const invalid = await app.send({ authorization: 'Bearer abc.def.ghi' });
    expect(invalid.challenge).toContain(`resource_metadata="${RESOURCE}/.well-known/oauth-protected-resource"`);
  });

  it('accepts a DPoP-bound token with a valid proof (htu on the public resource origin); an unbound token as Bearer still works', async () => {
    const ok = await app.send({ authorization: `DPoP ${bound}`, dpop: await proof(holder, bound) });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ sub: 'client-1' });
    expect((await app.send({ authorization: `dpop ${bound}`, dpop: await proof(holder, bound) })).status).toBe(200);
    expect((await app.send({ authorization: `Bearer ${unbound}` })).status).toBe(200);
  });

  it('I-89 a DPoP-bound token presented as Bearer (even with a proof): 401 with a DPoP invalid_token challenge', async () => {
    const attempts: Array<Record<string, string>> = [
      { authorization: `Bearer ${bound}` },
      { authorization: `Bearer ${bound}`, dpop: await proof(holder, bound) },
    ];
    for (const headers of attempts) {
      const res = await app.send(headers);
      expect(res.status).toBe(401);
      expect(res.challenge).toMatch(/^DPoP algs="[^"]+", error="invalid_token"/);
      expect(res.body['error']).toBe('invalid_token');
    }
  });

  it('I-88 each bad proof: 401 error="invalid_token" with a DPoP challenge', async () => {
    const thief = await proofKey();
    const withPrivate = await exportJWK(holder.privateKey);
    const replayed = await proof(holder, bound);
    expect((await app.send({ authorization: `DPoP ${bound}`, dpop: replayed })).status).toBe(200);
    const cases: Array<[string, string | undefined, string?]> = [
      ['replayed jti', replayed],
      ['no proof', undefined],
      ['wrong htm', await proof(holder, bound, { htm: 'POST' })],
      ['wrong htu', await proof(holder, bound, { htu: `${RESOURCE}/admin` })],
      ['other origin htu', await proof(holder, bound, { htu: `https://evil.example.com/reports` })],
      ['stale iat', await proof(holder, bound, { iat: nowS() - 300 })],
      ['future iat', await proof(holder, bound, { iat: nowS() + 300 })],
      ['missing ath', await proof(holder, bound, { ath: undefined })],
      ['wrong ath', await proof(holder, bound, { ath: await accessTokenHash(unbound) })],
      ['key ≠ cnf.jkt', await proof(thief, bound)],
      ['private key in jwk', await proof(holder, bound, {}, { jwk: withPrivate })],
      ['typ not dpop+jwt', await proof(holder, bound, {}, { typ: 'JWT' })],
      [
        'alg HS256',
        await new SignJWT({ htm: 'GET', htu: HTU, iat: nowS(), jti: 'h1', ath: await accessTokenHash(bound) })
          .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: holder.jwk })
          .sign(new TextEncoder().encode('x'.repeat(32))),
      ],
      ['unbound token as DPoP', await proof(holder, unbound), unbound],
    ];
    for (const [name, dpop, token] of cases) {
      const res = await app.send({ authorization: `DPoP ${token ?? bound}`, ...(dpop !== undefined && { dpop }) });
      expect(res.status, name).toBe(401);
      expect(res.challenge, name).toMatch(/^DPoP algs="[^"]+", error="invalid_token"/);
    }
  });
});

describe('verifier DPoP outside middleware', () => {
  let signing: TestKey;
  let jwks: FakeJwksServer;
  beforeAll(async () => {
    signing = await createTestKey('key-1');
    jwks = await startFakeJwksServer([signing.publicJwk]);
  });
  afterAll(() => jwks.close());

  it('I-89 verify() refuses a bound token (it has no proof); verifyRequest() checks the proof against the given URL', async () => {
    const holder = await proofKey();
    const v = createVerifier({ issuer: ISSUER, audience: RESOURCE, jwksUri: jwks.jwksUri });
    const token = await signAccessToken(signing, {
      issuer: ISSUER,
      audience: RESOURCE,
      scope: 'reports:read',
      claims: { cnf: { jkt: holder.jkt } },
    });
    await expect(v.verify(token)).rejects.toBeInstanceOf(DpopProofError);
    const claims = await v.verifyRequest({
      authorization: `DPoP ${token}`,
      dpop: await proof(holder, token),
      method: 'GET',
      url: `${HTU}?page=2`,
    });
    expect(claims.cnf).toEqual({ jkt: holder.jkt });
    await expect(
      v.verifyRequest({
        authorization: `DPoP ${token}`,
        dpop: await proof(holder, token),
        method: 'GET',
        url: `${RESOURCE}/other`,
      }),
    ).rejects.toBeInstanceOf(DpopProofError);
  });

  it('I-89 with dpop.required an unbound Bearer token is refused', async () => {
    const v = createVerifier({ issuer: ISSUER, audience: RESOURCE, jwksUri: jwks.jwksUri, dpop: { required: true } });
    const token = await signAccessToken(signing, { issuer: ISSUER, audience: RESOURCE, scope: 'reports:read' });
    await expect(v.verifyRequest({ authorization: `Bearer ${token}`, method: 'GET', url: HTU })).rejects.toBeInstanceOf(
      DpopProofError,
    );
    await expect(v.verify(token)).rejects.toBeInstanceOf(DpopProofError);
  });

  it('the replay cache is bounded: it drops expired entries, then the oldest, and never grows past its size', () => {
    const cache = createReplayCache(3);
    expect(cache.useOnce('a', 100, 10)).toBe(true);
    expect(cache.useOnce('a', 100, 20)).toBe(false);
    expect(cache.useOnce('b', 15, 10)).toBe(true);
    expect(cache.useOnce('c', 100, 10)).toBe(true);
    expect(cache.useOnce('d', 100, 20)).toBe(true); // b expired: dropped, a kept
    expect(cache.useOnce('a', 100, 20)).toBe(false);
    for (const id of ['e', 'f', 'g', 'h']) expect(cache.useOnce(id, 100, 20)).toBe(true);
    expect(cache.size).toBe(3);
  });
});

describe("verifier DPoP without resource metadata: htu is the request's own scheme, Host and path", () => {
  let signing: TestKey;
  let jwks: FakeJwksServer;
  let holder: ProofKey;
  let token: string;
  let verifier: Verifier;
  beforeAll(async () => {
    signing = await createTestKey('key-1');
    jwks = await startFakeJwksServer([signing.publicJwk]);
    holder = await proofKey();
    token = await signAccessToken(signing, {
      issuer: ISSUER,
      audience: RESOURCE,
      scope: 'reports:read',
      claims: { cnf: { jkt: holder.jkt } },
    });
    verifier = createVerifier({ issuer: ISSUER, audience: RESOURCE, jwksUri: jwks.jwksUri });
  });
  afterAll(() => jwks.close());

  it.each(['express', 'fastify', 'hono'] as const)('%s', async (framework) => {
    let base = 'http://localhost';
    let close = async () => undefined as unknown;
    let send: (headers: Record<string, string>) => Promise<Response>;
    if (framework === 'express') {
      const app = express();
      app.get('/reports', verifier.express(), (_req, res) => void res.json({ ok: true }));
      const server = app.listen(0, '127.0.0.1');
      await new Promise<void>((resolve) => server.once('listening', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      close = () => new Promise((resolve) => void server.close(() => resolve(undefined)));
      send = (headers) => fetch(`${base}/reports?x=1`, { headers });
    } else if (framework === 'fastify') {
      const app = Fastify();
      app.get('/reports', { preHandler: verifier.fastify() }, async () => ({ ok: true }));
      base = await app.listen({ port: 0, host: '127.0.0.1' });
      close = () => app.close();
      send = (headers) => fetch(`${base}/reports?x=1`, { headers });
    } else {
      const app = new Hono();
      app.use('/reports', verifier.hono());
      app.get('/reports', (c) => c.json({ ok: true }));
      send = async (headers) => app.request(`${base}/reports?x=1`, { headers });
    }
    try {
      const good = await send({
        authorization: `DPoP ${token}`,
        dpop: await proof(holder, token, { htu: `${base}/reports` }),
      });
      expect(good.status).toBe(200);
      const otherHost = await send({
        authorization: `DPoP ${token}`,
        dpop: await proof(holder, token, { htu: `${RESOURCE}/reports` }),
      });
      expect(otherHost.status).toBe(401);
    } finally {
      await close();
    }
  });
});
