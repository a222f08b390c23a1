/**
 * Token-source details of private_key_jwt and DPoP that a real server cannot script: every retry
 * carries a fresh assertion and proof, a Bearer answer to a DPoP request is refused, and a shared
 * store never hands a bound token to a source without its key.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import {
  createMemoryTokenStore,
  createTokenSource,
  InvalidResponseError,
  type TokenSourceOptions,
} from '../src/index.js';
import { startFakeAuthorizationServer, type FakeAuthorizationServer } from './helpers/fake-authorization-server.js';

const T0 = Date.UTC(2030, 0, 1);

describe('createTokenSource: assertions and proofs per request', () => {
  let server: FakeAuthorizationServer;
  beforeEach(async () => {
    server = await startFakeAuthorizationServer();
  });
  afterEach(() => server.close());

  const source = async (extra: Partial<TokenSourceOptions> = {}) => {
    const { privateKey } = await generateKeyPair('ES256');
    return createTokenSource({
      issuer: server.issuer,
      clientId: 'c1',
      privateKey,
      kid: 'k1',
      clock: () => T0,
      sleep: async () => undefined,
      random: () => 0.5,
      ...extra,
    });
  };

  it('a retried request sends a new assertion (fresh jti) and a new DPoP proof; aud is the discovered issuer', async () => {
    server.answers.push(
      { status: 503, body: { error: 'temporarily_unavailable' } },
      { status: 200, body: { access_token: 'at-1', token_type: 'DPoP', expires_in: 600, scope: '' } },
    );
    const s = await source({ dpop: true });
    expect(await s.getToken()).toBe('at-1');
    expect((await s.getTokenResponse()).token_type).toBe('DPoP');
    expect(server.tokenCalls).toHaveLength(2);
    const [first, second] = server.tokenCalls.map((c) => ({
      assertion: decodeJwt(c.form.get('client_assertion')!),
      header: decodeProtectedHeader(c.form.get('client_assertion')!),
      proof: decodeJwt(String(c.headers['dpop'])),
    }));
    expect(first!.assertion).toMatchObject({
      iss: 'c1',
      sub: 'c1',
      aud: server.issuer,
      iat: T0 / 1000,
      exp: T0 / 1000 + 60,
    });
    expect(first!.header).toMatchObject({ alg: 'ES256', kid: 'k1' });
    expect(first!.assertion.jti).not.toBe(second!.assertion.jti);
    expect(first!.proof).toMatchObject({ htm: 'POST', htu: `${server.issuer}/oauth/token` });
    expect(first!.proof['ath']).toBeUndefined();
    expect(first!.proof.jti).not.toBe(second!.proof.jti);
  });

  it('a Bearer answer to a DPoP token request is refused', async () => {
    const s = await source({ dpop: true });
    await expect(s.getToken()).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it('a shared store keeps bound tokens apart by key: a source without the key never gets them', async () => {
    const store = createMemoryTokenStore();
    server.answers.push({
      status: 200,
      body: { access_token: 'bound', token_type: 'DPoP', expires_in: 600, scope: '' },
    });
    expect(await (await source({ dpop: true, store })).getToken()).toBe('bound');
    const plain = await (await source({ store })).getToken();
    expect(plain).not.toBe('bound');
    server.answers.push({
      status: 200,
      body: { access_token: 'bound-2', token_type: 'DPoP', expires_in: 600, scope: '' },
    });
    expect(await (await source({ dpop: true, store })).getToken()).toBe('bound-2');
    expect(server.tokenCalls).toHaveLength(3);
  });
});
