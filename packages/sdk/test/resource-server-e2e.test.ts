/**
 * docs/security.md I-89 end to end: a tenant's Express resource server protected by the SDK verifier,
 * registered in a REAL Gatehouse (SQLite) as an API; a key-only client finds the authorization
 * server from the 401 challenge and RFC 9728 document, gets a DPoP-bound token with
 * private_key_jwt through createTokenSource, and calls the resource with a proof.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, apis } from '@gatehouse/server';
import { createTokenSource, createVerifier, type TokenSource } from '../src/index.js';
import { clientKey, ISSUER, issuerFetch, startTestServer, type TestServer } from './helpers/real-gatehouse.js';

const RESOURCE = 'https://reports.tenant.test';

describe('a tenant resource server with the SDK verifier and a real Gatehouse', () => {
  let t: TestServer;
  let server: Server;
  let base: string;
  let source: TokenSource;

  beforeAll(async () => {
    t = await startTestServer('sqlite');
    await apis.createApi(t.server.runtime.ctx, CLI_ACTOR, 'default', {
      name: 'Reports',
      audience: RESOURCE,
      scopes: [{ value: 'reports:read' }],
    });
    const key = await clientKey('k1');
    const { client_id } = await t.integration({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [key.publicJwk] },
      grants: [{ audience: RESOURCE, scopes: ['reports:read'] }],
    });
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: RESOURCE,
      fetch: issuerFetch(t.url),
      clock: () => t.clock.now(),
      protectedResourceMetadata: { resource: RESOURCE, scopesSupported: ['reports:read'] },
    });
    const app = express();
    app.get(verifier.resourceMetadata!.path, verifier.resourceMetadata!.express());
    app.get(
      '/reports',
      verifier.express({ scopes: ['reports:read'] }),
      (req, res) => void res.json({ client: (req as unknown as { auth: { client_id: string } }).auth.client_id }),
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    source = createTokenSource({
      issuer: ISSUER,
      clientId: client_id,
      privateKey: key.privateJwk,
      audience: RESOURCE,
      scope: 'reports:read',
      dpop: true,
      fetch: issuerFetch(t.url),
      clock: () => t.clock.now(),
    });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.close();
  });

  it('the 401 names the RFC 9728 document, which names Gatehouse as the authorization server', async () => {
    const challenge = (await fetch(`${base}/reports`)).headers.get('www-authenticate') ?? '';
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
    expect(metadataUrl).toBe(`${RESOURCE}/.well-known/oauth-protected-resource`);
    const doc = (await (await fetch(`${base}${new URL(metadataUrl!).pathname}`)).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      resource: RESOURCE,
      authorization_servers: [ISSUER],
      scopes_supported: ['reports:read'],
    });
  });

  it('I-89 a DPoP-bound token from createTokenSource works with its proof; the same token as Bearer, or with a replayed proof, is 401', async () => {
    const { access_token: token, token_type } = await source.getTokenResponse();
    expect(token_type).toBe('DPoP');
    const proof = await source.dpopProof!('GET', `${RESOURCE}/reports`, token);
    const ok = await fetch(`${base}/reports`, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ client: expect.any(String) });
    const replay = await fetch(`${base}/reports`, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    expect(replay.status).toBe(401);
    const asBearer = await fetch(`${base}/reports`, { headers: { authorization: `Bearer ${token}` } });
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP algs="[^"]+", error="invalid_token"/);
  });
});
