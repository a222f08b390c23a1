/**
 * docs/security.md I-85, I-86 through the SDK: `createTokenSource` with `privateKey` or `signer`
 * authenticates with `private_key_jwt` against a REAL Gatehouse (SQLite), and reuses tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, exportPKCS8, SignJWT } from 'jose';
import { createTokenSource, OAuthError, type TokenSourceOptions } from '../src/index.js';
import { clientKey, ISSUER, issuerFetch, startTestServer, type TestServer } from './helpers/real-gatehouse.js';

describe('createTokenSource with private_key_jwt (real Gatehouse)', () => {
  let t: TestServer;
  let key: Awaited<ReturnType<typeof clientKey>>;
  let clientId: string;
  let seen: Parameters<typeof issuerFetch>[1] & object;

  beforeAll(async () => {
    t = await startTestServer('sqlite');
    key = await clientKey('k1');
    ({ client_id: clientId } = await t.integration({
      preset: 'read-only',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [key.publicJwk] },
    }));
  });
  afterAll(() => t.close());

  const source = (extra: Partial<TokenSourceOptions>) => {
    seen = [];
    return createTokenSource({
      issuer: ISSUER,
      clientId,
      fetch: issuerFetch(t.url, seen),
      clock: () => t.clock.now(),
      ...extra,
    });
  };
  const assertions = () => seen.filter((r) => r.url.endsWith('/oauth/token')).map((r) => new URLSearchParams(r.body));

  it('I-86 a key-only integration gets a token with a CryptoKey and reuses it; the assertion is iss = sub = client_id, aud = issuer, exp ≤ 60 s, fresh jti', async () => {
    const s = source({ privateKey: key.privateKey, kid: 'k1' });
    const first = await s.getToken();
    expect(await s.getToken()).toBe(first);
    expect((await s.getTokenResponse()).token_type).toBe('Bearer');
    expect(decodeJwt(first)['client_id']).toBe(clientId);
    await s.invalidate();
    await s.getToken();
    const forms = assertions();
    expect(forms).toHaveLength(2);
    const claims = forms.map((form) => {
      expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      expect(form.get('client_secret')).toBeNull();
      return decodeJwt(form.get('client_assertion')!);
    });
    for (const c of claims) {
      expect(c).toMatchObject({ iss: clientId, sub: clientId, aud: ISSUER, iat: t.clock.seconds() });
      expect(c.exp! - c.iat!).toBeLessThanOrEqual(60);
    }
    expect(claims[0]!.jti).not.toBe(claims[1]!.jti);
    expect(seen.some((r) => 'authorization' in r.headers)).toBe(false);
  });

  it('accepts a private JWK (alg from the curve), a PKCS#8 PEM, and a signer callback', async () => {
    const pem = await exportPKCS8(key.privateKey);
    const signer: TokenSourceOptions['signer'] = (claims, header) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1', ...header }).sign(key.privateKey);
    for (const extra of [{ privateKey: key.privateJwk }, { privateKey: pem, kid: 'k1' }, { signer }] as Array<
      Partial<TokenSourceOptions>
    >) {
      const s = source(extra);
      expect(decodeJwt(await s.getToken())['client_id']).toBe(clientId);
    }
  });

  it('I-85 a key the integration does not hold: OAuthError invalid_client, not retried', async () => {
    const stranger = await clientKey('k1');
    const s = source({ privateKey: stranger.privateKey, kid: 'k1' });
    const err = await s.getToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect(err).toMatchObject({ status: 401, error: 'invalid_client' });
    expect(assertions()).toHaveLength(1);
  });

  it('refuses two credentials at once, or none', () => {
    expect(() => source({ privateKey: key.privateKey, clientSecret: 'x' })).toThrow(/exactly one/);
    expect(() => source({})).toThrow(/exactly one/);
  });

  it('exchangeToken authenticates with a fresh private_key_jwt assertion (aud = issuer) and returns the down-scoped token', async () => {
    const { client_id: backEnd } = await t.integration({
      preset: 'all-permissions',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [key.publicJwk] },
      token_exchange: { enabled: true },
    });
    const s = source({ clientId: backEnd, privateKey: key.privateKey, kid: 'k1' });
    const own = await s.getToken();
    const front = await s.exchangeToken({ subjectToken: own, scope: 'media:read' });
    expect(front.scope).toBe('media:read');
    expect(decodeJwt(front.access_token)).toMatchObject({ sub: backEnd, act: { sub: backEnd } });
    const forms = assertions();
    expect(forms.map((f) => f.get('grant_type'))).toEqual([
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ]);
    const [first, second] = forms.map((f) => decodeJwt(f.get('client_assertion')!));
    expect(second).toMatchObject({ iss: backEnd, sub: backEnd, aud: ISSUER });
    expect(second!.jti).not.toBe(first!.jti);
    expect(forms[1]!.get('client_secret')).toBeNull();
  });
});
