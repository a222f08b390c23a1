/**
 * openid-client 6 (panva; oauth4webapi underneath) against a real Gatehouse (issue 17 Deliver 5b;
 * docs/security.md I-88, I-89): RFC 8414 discovery, `private_key_jwt` with `client.PrivateKeyJwt`, a
 * DPoP-bound token with `client.getDPoPHandle`, and the Environment API through
 * `client.fetchProtectedResource` — 200 with the proof, 401 for the same token sent as Bearer; and
 * token exchange (RFC 8693, docs/security.md M-117) through `client.genericGrantRequest`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import * as client from 'openid-client';
import { settle, startGatehouse, type TestServer } from '@gatehouse/testing/gatehouse';
import { WallClock } from '@gatehouse/testing/wall-clock';

describe('openid-client against Gatehouse', () => {
  let t: TestServer;
  let config: client.Configuration;
  let keyClientId: string;
  let privateKey: CryptoKey;
  const self = () => new URL(`${t.url}/api/v1/self`);

  /** Status of a protected-resource call; openid-client throws on some challenges, which carry the response. */
  async function status(call: Promise<Response>): Promise<{ status: number; challenge: string }> {
    try {
      const res = await call;
      return { status: res.status, challenge: res.headers.get('www-authenticate') ?? '' };
    } catch (err) {
      const res = (err as { response?: Response }).response;
      if (!res) throw err;
      return { status: res.status, challenge: res.headers.get('www-authenticate') ?? '' };
    }
  }

  beforeAll(async () => {
    t = await startGatehouse({ clock: new WallClock() });
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kty: 'EC', kid: 'oidc-client-1', alg: 'ES256' };
    ({ client_id: keyClientId } = await t.integration({
      preset: 'read-only',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [jwk] },
    }));
    await settle(t);
    config = await client.discovery(
      new URL(t.url),
      keyClientId,
      undefined,
      client.PrivateKeyJwt({ key: privateKey, kid: 'oidc-client-1' }),
      {
        algorithm: 'oauth2',
        execute: [client.allowInsecureRequests],
      },
    );
  });
  afterAll(() => t?.close());

  it('discovers the token endpoint and private_key_jwt from RFC 8414 metadata', () => {
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(t.url);
    expect(meta.token_endpoint).toBe(`${t.url}/oauth/token`);
    expect(meta.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
  });

  it('gets a Bearer token with private_key_jwt and reads the Environment API with it', async () => {
    const tokens = await client.clientCredentialsGrant(config);
    expect(tokens.token_type).toBe('bearer');
    const res = await client.fetchProtectedResource(config, tokens.access_token, self(), 'GET');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ client_id: keyClientId });
  });

  it('I-89 gets a DPoP-bound token (cnf.jkt) that works with its proofs and is refused 401 as Bearer', async () => {
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const tokens = await client.clientCredentialsGrant(config, {}, { DPoP: dpop });
    expect(tokens.token_type).toBe('dpop');
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString()) as {
      cnf?: { jkt?: string };
    };
    expect(claims.cnf?.jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const withProof = await client.fetchProtectedResource(
      config,
      tokens.access_token,
      self(),
      'GET',
      undefined,
      undefined,
      { DPoP: dpop },
    );
    expect(withProof.status).toBe(200);
    // A second call signs a fresh proof (new jti): still 200.
    expect(
      (
        await client.fetchProtectedResource(config, tokens.access_token, self(), 'GET', undefined, undefined, {
          DPoP: dpop,
        })
      ).status,
    ).toBe(200);

    const asBearer = await status(client.fetchProtectedResource(config, tokens.access_token, self(), 'GET'));
    expect(asBearer.status).toBe(401);
    const raw = await fetch(self(), { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(raw.status).toBe(401);
  });

  it('I-88 a proof from another key does not make the leaked DPoP token usable', async () => {
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const tokens = await client.clientCredentialsGrant(config, {}, { DPoP: dpop });
    const thief = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const stolen = await status(
      client.fetchProtectedResource(config, tokens.access_token, self(), 'GET', undefined, undefined, { DPoP: thief }),
    );
    expect(stolen.status).toBe(401);
    expect(stolen.challenge).toMatch(/^DPoP /);
  });

  it('M-117 exchanges another integration’s token with genericGrantRequest; the Environment API sees the subject with act', async () => {
    const subject = await t.integration({ preset: 'read-only' });
    const exchanger = await t.integration({ preset: 'read-only', token_exchange: { enabled: true } });
    await settle(t);
    const subjectToken = (
      await client.clientCredentialsGrant(
        await client.discovery(new URL(t.url), subject.client_id, subject.client_secret, undefined, {
          algorithm: 'oauth2',
          execute: [client.allowInsecureRequests],
        }),
      )
    ).access_token;
    const exchangerConfig = await client.discovery(
      new URL(t.url),
      exchanger.client_id,
      undefined,
      client.ClientSecretBasic(exchanger.client_secret),
      { algorithm: 'oauth2', execute: [client.allowInsecureRequests] },
    );
    expect(exchangerConfig.serverMetadata().grant_types_supported).toContain(
      'urn:ietf:params:oauth:grant-type:token-exchange',
    );
    const exchanged = await client.genericGrantRequest(
      exchangerConfig,
      'urn:ietf:params:oauth:grant-type:token-exchange',
      {
        subject_token: subjectToken,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        scope: 'media:read',
      },
    );
    expect(exchanged.token_type).toBe('bearer');
    expect(exchanged.scope).toBe('media:read');
    expect(exchanged.issued_token_type).toBe('urn:ietf:params:oauth:token-type:access_token');
    const res = await client.fetchProtectedResource(exchangerConfig, exchanged.access_token, self(), 'GET');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      type: 'integration',
      client_id: subject.client_id,
      scopes: ['media:read'],
      act: { sub: exchanger.client_id },
    });
  });
});
