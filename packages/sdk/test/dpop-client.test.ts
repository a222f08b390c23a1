/**
 * docs/security.md I-88, I-89 through the SDK: `createTokenSource({ dpop: true })` gets DPoP-bound
 * tokens from a REAL Gatehouse (SQLite) and `GatehouseClient` presents them with a fresh proof.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import {
  createTokenSource,
  GatehouseApiError,
  GatehouseClient,
  OAuthError,
  type TokenSourceOptions,
} from '../src/index.js';
import { accessTokenHash } from '../src/dpop/dpop-key.js';
import { clientKey, ISSUER, issuerFetch, startTestServer, type TestServer } from './helpers/real-gatehouse.js';

describe('DPoP through the SDK (real Gatehouse)', () => {
  let t: TestServer;
  let secretClient: { client_id: string; client_secret: string };
  let seen: Parameters<typeof issuerFetch>[1] & object;

  beforeAll(async () => {
    t = await startTestServer('sqlite');
    secretClient = await t.integration({ preset: 'read-only' });
  });
  afterAll(() => t.close());

  const source = (extra: Partial<TokenSourceOptions>) => {
    seen = [];
    return createTokenSource({
      issuer: ISSUER,
      clientId: secretClient.client_id,
      clientSecret: secretClient.client_secret,
      fetch: issuerFetch(t.url, seen),
      clock: () => t.clock.now(),
      dpop: true,
      ...extra,
    });
  };
  const client = (tokenSource: ReturnType<typeof source>) =>
    new GatehouseClient({ baseUrl: ISSUER, tokenSource, fetch: issuerFetch(t.url, seen) });

  it('I-89 a DPoP-bound token works through GatehouseClient (fresh proof with ath per call); the same token as Bearer is 401', async () => {
    const s = source({});
    const api = client(s);
    expect(await api.self()).toMatchObject({ type: 'integration', client_id: secretClient.client_id });
    await api.self();
    const { access_token: token, token_type } = await s.getTokenResponse();
    expect(token_type).toBe('DPoP');
    const tokenRequest = seen.find((r) => r.url === `${ISSUER}/oauth/token`)!;
    const jwk = decodeProtectedHeader(tokenRequest.headers['dpop']!).jwk as JWK;
    expect(decodeJwt(token)['cnf']).toEqual({ jkt: await calculateJwkThumbprint(jwk) });
    const calls = seen.filter((r) => r.url === `${ISSUER}/api/v1/self`);
    expect(calls).toHaveLength(2);
    const proofs = calls.map((r) => {
      expect(r.headers['authorization']).toBe(`DPoP ${token}`);
      return decodeJwt(r.headers['dpop']!);
    });
    for (const p of proofs)
      expect(p).toMatchObject({ htm: 'GET', htu: `${ISSUER}/api/v1/self`, ath: await accessTokenHash(token) });
    expect(proofs[0]!.jti).not.toBe(proofs[1]!.jti);

    const asBearer = new GatehouseClient({ baseUrl: ISSUER, token, fetch: issuerFetch(t.url) });
    const err = await asBearer.self().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatehouseApiError);
    expect(err).toMatchObject({ status: 401 });
  });

  it("I-88 a leaked DPoP token is useless with another source's key; each source keeps its own key and its own token", async () => {
    const a = source({});
    const b = source({});
    const tokenA = await a.getToken();
    const tokenB = await b.getToken();
    expect(tokenA).not.toBe(tokenB);
    const thief = {
      getToken: () => Promise.resolve(tokenA),
      getTokenResponse: () => a.getTokenResponse(),
      dpopProof: b.dpopProof!,
    };
    const err = await new GatehouseClient({ baseUrl: ISSUER, tokenSource: thief, fetch: issuerFetch(t.url) })
      .self()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401, error: 'invalid_token' });
  });

  it('private_key_jwt and DPoP together; an integration that requires DPoP refuses a source without it', async () => {
    const key = await clientKey('k1');
    const required = await t.integration({
      preset: 'read-only',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [key.publicJwk] },
      dpop_bound_access_tokens: true,
    });
    const bound = createTokenSource({
      issuer: ISSUER,
      clientId: required.client_id,
      privateKey: key.privateJwk,
      dpop: true,
      fetch: issuerFetch(t.url),
      clock: () => t.clock.now(),
    });
    expect(
      await new GatehouseClient({ baseUrl: ISSUER, tokenSource: bound, fetch: issuerFetch(t.url) }).self(),
    ).toMatchObject({ client_id: required.client_id });
    const plain = createTokenSource({
      issuer: ISSUER,
      clientId: required.client_id,
      privateKey: key.privateJwk,
      fetch: issuerFetch(t.url),
      clock: () => t.clock.now(),
    });
    const err = await plain.getToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect(err).toMatchObject({ status: 400, error: 'invalid_dpop_proof' });
  });
});
