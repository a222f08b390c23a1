import { generateKeyPair, SignJWT, exportJWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createVerifier, type VerifierOptions } from '../src/index.js';
import { deadUrl } from './helpers/http-server.js';
import { createTestKey, signAccessToken, unsignedToken, type TestKey } from './helpers/keys.js';
import { startFakeJwksServer, type FakeJwksServer } from './helpers/fake-jwks-server.js';

const ISSUER = 'https://gatehouse.example.com';
const AUDIENCE = 'https://api.tenant.example.com';
const NOW = Date.UTC(2030, 0, 1);
const nowSeconds = NOW / 1000;

describe('createVerifier', () => {
  let key: TestKey;
  let jwks: FakeJwksServer;

  beforeAll(async () => {
    key = await createTestKey('key-1');
    jwks = await startFakeJwksServer([key.publicJwk]);
  });
  afterAll(() => jwks.close());
  afterEach(() => {
    vi.useRealTimers();
    jwks.keys = [key.publicJwk];
    jwks.failWith = undefined;
  });

  const verifier = (extra: Partial<VerifierOptions> = {}) =>
    createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUri: jwks.jwksUri, clock: () => NOW, ...extra });
  const token = (init: Partial<Parameters<typeof signAccessToken>[1]> = {}, signingKey: TestKey = key) =>
    signAccessToken(signingKey, {
      issuer: ISSUER,
      audience: AUDIENCE,
      scope: 'reports:read reports:write',
      iat: nowSeconds - 10,
      ...init,
    });
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (err: { code?: string }) => err.code,
    );

  it('accepts a good token and returns its claims', async () => {
    const claims = await verifier().verify(await token(), { scopes: ['reports:read'] });
    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'client-1',
      client_id: 'client-1',
      scope: 'reports:read reports:write',
      environment: 'default',
    });
  });

  it('accepts an audience list containing the token audience', async () => {
    await expect(
      verifier({ audience: ['https://other.example', AUDIENCE] }).verify(await token()),
    ).resolves.toMatchObject({ aud: AUDIENCE });
  });

  it.each([
    ['wrong typ (JWT)', { header: { typ: 'JWT' } }],
    ['missing typ', { header: { typ: undefined } }],
    ['wrong aud', { audience: 'https://someone-else.example' }],
    ['wrong iss', { issuer: 'https://evil.example' }],
    ['missing jti', { claims: { jti: undefined } }],
    ['missing iat', { claims: { iat: undefined } }],
    ['missing exp', { claims: { exp: undefined } }],
    ['missing sub', { claims: { sub: undefined } }],
    ['missing client_id', { claims: { client_id: undefined } }],
    ['scope as an array', { claims: { scope: ['reports:read'] } }],
    ['exp as a string', { claims: { exp: String(nowSeconds + 60) } }],
    ['iat in the future', { iat: nowSeconds + 60 }],
    ['nbf in the future', { claims: { nbf: nowSeconds + 60 } }],
  ])('rejects %s with ERR_TOKEN_INVALID', async (_name, init) => {
    const header = 'header' in init ? init.header : undefined;
    const t = await token({ ...init, header: header as Record<string, unknown> | undefined });
    expect(await codeOf(verifier().verify(t))).toBe('ERR_TOKEN_INVALID');
  });

  it('rejects an expired token with ERR_TOKEN_EXPIRED, honouring clockTolerance', async () => {
    const expired = await token({ iat: nowSeconds - 3600, lifetime: 3590 }); // exp = now − 10
    expect(await codeOf(verifier({ clockTolerance: 5 }).verify(expired))).toBe('ERR_TOKEN_EXPIRED');
    await expect(verifier({ clockTolerance: 11 }).verify(expired)).resolves.toMatchObject({ iss: ISSUER });
  });

  it.each(['none', 'None', 'NONE'])('rejects alg %s without fetching the JWKS', async (alg) => {
    const before = jwks.fetches;
    const payload = {
      iss: ISSUER,
      aud: AUDIENCE,
      iat: nowSeconds,
      exp: nowSeconds + 60,
      jti: 'j',
      scope: 'reports:read',
    };
    expect(await codeOf(verifier().verify(unsignedToken({ alg, typ: 'at+jwt', kid: 'key-1' }, payload)))).toBe(
      'ERR_TOKEN_INVALID',
    );
    expect(jwks.fetches).toBe(before);
  });

  it('rejects HS256 signed with the public JWK bytes (algorithm confusion)', async () => {
    const forged = await new SignJWT({
      iss: ISSUER,
      aud: AUDIENCE,
      iat: nowSeconds,
      exp: nowSeconds + 60,
      jti: 'j',
      scope: 'reports:read',
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'key-1' })
      .sign(new TextEncoder().encode(JSON.stringify(key.publicJwk)));
    expect(await codeOf(verifier().verify(forged))).toBe('ERR_TOKEN_INVALID');
  });

  it('rejects a token with one payload character flipped', async () => {
    const [h, p, s] = (await token()).split('.');
    const flipped = `${h}.${String(p).slice(0, -2)}${String(p).at(-2) === 'A' ? 'B' : 'A'}${String(p).at(-1)}.${s}`;
    expect(await codeOf(verifier().verify(flipped))).toBe('ERR_TOKEN_INVALID');
  });

  it('rejects a token missing a required scope with ERR_INSUFFICIENT_SCOPE', async () => {
    const err = await verifier()
      .verify(await token({ scope: 'reports:read' }), { scopes: ['reports:read', 'reports:write'] })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE', scopes: ['reports:read', 'reports:write'] });
  });

  it('rejects an empty token with ERR_TOKEN_MISSING and an oversized one before any key lookup', async () => {
    expect(await codeOf(verifier().verify(''))).toBe('ERR_TOKEN_MISSING');
    const before = jwks.fetches;
    expect(await codeOf(verifier().verify('a'.repeat(9000)))).toBe('ERR_TOKEN_INVALID');
    expect(jwks.fetches).toBe(before);
  });

  it('ignores jku/jwk headers: zero requests to the attacker, token rejected', async () => {
    const attackerKey = await createTestKey('key-1');
    const attacker = await startFakeJwksServer([attackerKey.publicJwk]);
    try {
      const forged = await token({ header: { jku: attacker.jwksUri, jwk: attackerKey.publicJwk } }, attackerKey);
      expect(await codeOf(verifier().verify(forged))).toBe('ERR_TOKEN_INVALID');
      expect(attacker.fetches).toBe(0);
    } finally {
      await attacker.close();
    }
  });

  it('caches the JWKS and refetches once on an unknown kid after the cooldown', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const v = verifier({ cooldownDuration: 30_000 });
    const before = jwks.fetches;
    await v.verify(await token());
    await v.verify(await token());
    expect(jwks.fetches).toBe(before + 1);

    // rotation: the server publishes key-2; a token signed with it arrives within the cooldown
    const key2 = await createTestKey('key-2');
    jwks.keys = [key.publicJwk, key2.publicJwk];
    expect(await codeOf(v.verify(await token({}, key2)))).toBe('ERR_TOKEN_INVALID');
    expect(jwks.fetches).toBe(before + 1);

    // after the cooldown: exactly one refetch, then success
    vi.setSystemTime(NOW + 31_000);
    await expect(v.verify(await token({}, key2))).resolves.toMatchObject({ iss: ISSUER });
    expect(jwks.fetches).toBe(before + 2);

    // a flood of random kids within the new cooldown: no further fetch
    for (let i = 0; i < 5; i++) {
      expect(await codeOf(v.verify(await token({ header: { kid: `random-${i}` } })))).toBe('ERR_TOKEN_INVALID');
    }
    expect(jwks.fetches).toBe(before + 2);
  });

  it('reports ERR_JWKS_UNAVAILABLE when the JWKS answers 503 or nothing listens', async () => {
    jwks.failWith = 503;
    expect(await codeOf(verifier().verify(await token()))).toBe('ERR_JWKS_UNAVAILABLE');
    const dead = await deadUrl();
    expect(await codeOf(verifier({ jwksUri: `${dead}/.well-known/jwks.json` }).verify(await token()))).toBe(
      'ERR_JWKS_UNAVAILABLE',
    );
  });

  it('uses the injected fetch and {issuer}/.well-known/jwks.json by default', async () => {
    const urls: string[] = [];
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k' };
    const v = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      clock: () => NOW,
      fetch: async (input) => {
        urls.push(String(input));
        return new Response(JSON.stringify({ keys: [jwk] }), { headers: { 'content-type': 'application/json' } });
      },
    });
    await v.verify(
      await signAccessToken(
        { kid: 'k', privateKey, publicJwk: jwk },
        { issuer: ISSUER, audience: AUDIENCE, scope: 'a', iat: nowSeconds },
      ),
    );
    expect(urls).toEqual([`${ISSUER}/.well-known/jwks.json`]);
  });
});
