/**
 * docs/security.md I-88, I-89: DPoP (RFC 9449) at the token endpoint and the Environment API, and the
 * protected resource metadata (RFC 9728), over real HTTP on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64url, calculateJwkThumbprint, decodeJwt, exportJWK, SignJWT, type JWK } from 'jose';
import { CLI_ACTOR } from '../src/context.js';
import { updateIntegration } from '../src/services/integrations.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { ISSUER, settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { basic, postForm, request, token, type Res } from '@gatehouse/testing/http';
import { persisted } from '@gatehouse/testing/persisted';
import { ath, dpopProof, testKey, type ProofOptions, type TestKey } from '@gatehouse/testing/assertion';

const TOKEN_HTU = `${ISSUER}/oauth/token`;
const SELF_HTU = `${ISSUER}/api/v1/self`;

describe.each(STORE_KINDS)('DPoP (%s)', (kind) => {
  let t: TestServer;
  let c: { client_id: string; client_secret: string };
  let key: TestKey;
  const now = () => t.clock.seconds();
  const tokenWithProof = (proof: string | undefined, who = c) =>
    postForm(
      t.url,
      { grant_type: 'client_credentials' },
      { authorization: basic(who.client_id, who.client_secret), ...(proof !== undefined && { dpop: proof }) },
    );
  const self = (headers: Record<string, string>): Promise<Res> => request(`${t.url}/api/v1/self`, { headers });
  const selfProof = (k: TestKey, tok: string, o: Partial<ProofOptions> = {}) =>
    dpopProof(k, { htm: 'GET', htu: SELF_HTU, now: now(), ath: ath(tok), ...o });
  /** A proof whose header carries the private key too. */
  const privateJwkProof = async (k: TestKey, claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: k.alg, typ: 'dpop+jwt', jwk: await exportJWK(k.privateKey) })
      .sign(k.privateKey);
  const unsecured = (claims: Record<string, unknown>) =>
    `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'dpop+jwt', jwk: key.jwk }))}.${base64url.encode(JSON.stringify(claims))}.`;
  const hs256 = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: 'c2VjcmV0' } as unknown as JWK })
      .sign(new TextEncoder().encode('secret'));

  beforeAll(async () => {
    t = await startTestServer(kind);
    c = await t.integration({ preset: 'read-only' });
    key = await testKey('ES256');
  });
  afterAll(() => t.close());

  it('a token request with a proof gets a DPoP token bound to the key (cnf.jkt), reused for that key only', async () => {
    const first = await tokenWithProof(await dpopProof(key, { htm: 'POST', htu: TOKEN_HTU, now: now() }));
    expect(first.status).toBe(200);
    expect(first.body.token_type).toBe('DPoP');
    const tok = String(first.body.access_token);
    expect(decodeJwt(tok).cnf).toEqual({ jkt: await calculateJwkThumbprint(key.jwk, 'sha256') });
    const again = await tokenWithProof(await dpopProof(key, { htm: 'POST', htu: TOKEN_HTU, now: now() }));
    expect(again.body.access_token).toBe(tok);
    const otherKey = await tokenWithProof(
      await dpopProof(await testKey('ES256'), { htm: 'POST', htu: TOKEN_HTU, now: now() }),
    );
    expect(otherKey.body.access_token).not.toBe(tok);
    const plain = await tokenWithProof(undefined);
    expect(plain.body.token_type).toBe('Bearer');
    expect(plain.body.access_token).not.toBe(tok);
    // The bound token works at the Environment API with a proof of its key.
    const ok = await self({ authorization: `DPoP ${tok}`, dpop: await selfProof(key, tok) });
    expect(ok.status).toBe(200);
    const info = await postForm(
      t.url,
      { token: tok },
      { authorization: basic(c.client_id, c.client_secret) },
      '/oauth/introspect',
    );
    expect(info.body).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt: await calculateJwkThumbprint(key.jwk, 'sha256') },
    });
  });

  it('I-88 bad proofs at the token endpoint: 400 invalid_dpop_proof, nothing persisted', async () => {
    const n = now();
    const base = { htm: 'POST', htu: TOKEN_HTU, iat: n, jti: 'x' };
    const replayed = await dpopProof(key, { htm: 'POST', htu: TOKEN_HTU, now: n, jti: `replay-${n}` });
    // The first use of a fresh key mints a token; its replay then must fail.
    const fresh = await testKey('ES256');
    const replayedFresh = await dpopProof(fresh, { htm: 'POST', htu: TOKEN_HTU, now: n });
    expect((await tokenWithProof(replayedFresh)).status).toBe(200);
    expect((await tokenWithProof(replayed)).status).toBe(200);
    const cases: Array<[string, string]> = [
      ['wrong htm', await dpopProof(key, { htm: 'GET', htu: TOKEN_HTU, now: n })],
      ['wrong htu', await dpopProof(key, { htm: 'POST', htu: 'https://elsewhere.test/oauth/token', now: n })],
      ['stale iat', await dpopProof(key, { htm: 'POST', htu: TOKEN_HTU, now: n, iat: n - 600 })],
      ['future iat', await dpopProof(key, { htm: 'POST', htu: TOKEN_HTU, now: n, iat: n + 600 })],
      ['replayed jti', replayed],
      ['replayed jti (fresh key)', replayedFresh],
      ['private key in jwk', await privateJwkProof(key, { ...base, jti: 'p1' })],
      ['alg none', unsecured({ ...base, jti: 'n1' })],
      ['alg HS256', await hs256({ ...base, jti: 'h1' })],
      ['wrong typ', await dpopProof(key, { htm: 'POST', htu: TOKEN_HTU, now: n, header: { typ: 'JWT' } })],
      ['garbage', 'a.b.c'],
    ];
    const before = await persisted(t);
    for (const [name, proof] of cases) {
      const res = await tokenWithProof(proof);
      expect({ name, status: res.status, error: res.body.error }).toEqual({
        name,
        status: 400,
        error: 'invalid_dpop_proof',
      });
    }
    expect(await persisted(t)).toBe(before);
  });

  it('I-88 bad proofs at the Environment API: 401 invalid_token with a DPoP challenge naming the resource metadata', async () => {
    const tok = String(
      (await tokenWithProof(await dpopProof(key, { htm: 'POST', htu: TOKEN_HTU, now: now() }))).body.access_token,
    );
    const n = now();
    const replayed = await selfProof(key, tok);
    expect((await self({ authorization: `DPoP ${tok}`, dpop: replayed })).status).toBe(200);
    const claims = { htm: 'GET', htu: SELF_HTU, iat: n, ath: ath(tok) };
    const cases: Array<[string, string]> = [
      ['wrong htm', await selfProof(key, tok, { htm: 'POST' })],
      ['wrong htu', await selfProof(key, tok, { htu: `${ISSUER}/api/v1/environments/default/media` })],
      ['stale iat', await selfProof(key, tok, { iat: n - 600 })],
      ['future iat', await selfProof(key, tok, { iat: n + 600 })],
      ['replayed jti', replayed],
      ['missing ath', await selfProof(key, tok, { ath: null })],
      ['wrong ath', await selfProof(key, tok, { ath: ath(`${tok}x`) })],
      ['key ≠ cnf.jkt', await selfProof(await testKey('ES256'), tok)],
      ['private key in jwk', await privateJwkProof(key, { ...claims, jti: 'p2' })],
      ['alg none', unsecured({ ...claims, jti: 'n2' })],
      ['alg HS256', await hs256({ ...claims, jti: 'h2' })],
    ];
    for (const [name, proof] of cases) {
      const res = await self({ authorization: `DPoP ${tok}`, dpop: proof });
      expect({ name, status: res.status, error: res.body.error }).toEqual({
        name,
        status: 401,
        error: 'invalid_token',
      });
      const challenge = res.headers.get('www-authenticate') ?? '';
      expect(challenge).toMatch(/^DPoP algs="[^"]*ES256[^"]*", error="invalid_token"/);
      expect(challenge).toContain(`resource_metadata="${ISSUER}/.well-known/oauth-protected-resource"`);
    }
    const noProof = await self({ authorization: `DPoP ${tok}` });
    expect(noProof.status).toBe(401);
    // A proof is used once across nodes: the same proof sent to two nodes at once passes on one only.
    const b = await startTestServer(kind, { location: t.location, clock: t.clock });
    try {
      const proof = await selfProof(key, tok);
      const headers = { authorization: `DPoP ${tok}`, dpop: proof };
      const [onA, onB] = await Promise.all([self(headers), request(`${b.url}/api/v1/self`, { headers })]);
      expect([onA.status, onB.status].sort()).toEqual([200, 401]);
    } finally {
      await b.stop();
    }
  });

  it('I-89 a DPoP-bound token presented as Bearer is refused; a leaked bound token is useless without the key', async () => {
    const tok = String(
      (await tokenWithProof(await dpopProof(key, { htm: 'POST', htu: TOKEN_HTU, now: now() }))).body.access_token,
    );
    const asBearer = await self({ authorization: `Bearer ${tok}` });
    expect(asBearer.status).toBe(401);
    expect(asBearer.body.error).toBe('invalid_token');
    const thief = await testKey('ES256');
    const stolen = await self({ authorization: `DPoP ${tok}`, dpop: await selfProof(thief, tok) });
    expect(stolen.status).toBe(401);
    // A Bearer token presented with the DPoP scheme is not bound to any key: refused too.
    const bearerTok = String((await token(t.url, c.client_id, c.client_secret)).body.access_token);
    expect((await self({ authorization: `DPoP ${bearerTok}`, dpop: await selfProof(key, bearerTok) })).status).toBe(
      401,
    );
    expect((await self({ authorization: `Bearer ${bearerTok}` })).status).toBe(200);
  });

  it('I-89 an integration that requires DPoP: no token without a proof, and its Bearer tokens stop working', async () => {
    const strict = await t.integration({ preset: 'read-only', dpop_bound_access_tokens: true });
    const refused = await tokenWithProof(undefined, strict);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_dpop_proof');
    const bound = await tokenWithProof(await dpopProof(key, { htm: 'POST', htu: TOKEN_HTU, now: now() }), strict);
    expect(bound.body.token_type).toBe('DPoP');
    // A Bearer token minted before the integration was switched to DPoP.
    const later = await t.integration({ preset: 'read-only' });
    const bearerTok = String((await token(t.url, later.client_id, later.client_secret)).body.access_token);
    expect((await self({ authorization: `Bearer ${bearerTok}` })).status).toBe(200);
    const updated = await updateIntegration(t.server.runtime.ctx, CLI_ACTOR, later.client_id, {
      dpop_bound_access_tokens: true,
    });
    expect(updated.dpop_bound_access_tokens).toBe(true);
    await settle(t);
    const after = await self({ authorization: `Bearer ${bearerTok}` });
    expect(after.status).toBe(401);
    expect(after.body.error).toBe('invalid_token');
  });

  it('metadata: dpop_signing_alg_values_supported, and the protected resource metadata of the Environment API (RFC 9728)', async () => {
    const as = await request(`${t.url}/.well-known/oauth-authorization-server`);
    expect(as.body.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'EdDSA']));
    expect(as.body.dpop_signing_alg_values_supported).not.toContain('HS256');
    const pr = await request(`${t.url}/.well-known/oauth-protected-resource`);
    expect(pr.status).toBe(200);
    expect(pr.body).toMatchObject({
      resource: t.config.audience,
      authorization_servers: [ISSUER],
      bearer_methods_supported: ['header'],
    });
    expect(pr.body.scopes_supported).toContain('projects:read');
    expect(pr.body.dpop_signing_alg_values_supported).toContain('ES256');
  });
});
