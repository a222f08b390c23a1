/**
 * `exchangeToken` (RFC 8693) of the token source and the client against a real Gatehouse: the
 * back end's own token exchanged down to a front-end scope, a customer token exchanged for the
 * customer, and the server's refusals surfaced as OAuthError (docs/security.md M-112, M-117).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { CLI_ACTOR, credentials } from '@gatehouse/server';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { settle } from '@gatehouse/testing/server';
import {
  createAuthData,
  createTokenSource,
  GatehouseClient,
  OAuthError,
  signCustomerToken,
  WriteScopeError,
} from '../src/index.js';
import { ISSUER, issuerFetch, startTestServer, type TestServer } from './helpers/real-gatehouse.js';

describe.each(HTTP_STORE_KINDS)('exchangeToken against Gatehouse (%s)', (kind) => {
  let t: TestServer;
  let backEnd: { client_id: string; client_secret: string };
  let envKey: string;
  let envSecret: string;
  const source = (c: { client_id: string; client_secret: string }) =>
    createTokenSource({
      issuer: ISSUER,
      clientId: c.client_id,
      clientSecret: c.client_secret,
      fetch: issuerFetch(t.url),
      clock: () => t.clock.now(),
    });
  beforeAll(async () => {
    t = await startTestServer(kind);
    backEnd = await t.integration({ preset: 'all-permissions', token_exchange: { enabled: true } });
    const creds = await credentials.createEnvironmentSecret(t.server.runtime.ctx, CLI_ACTOR, 'default');
    envKey = creds.environment_key;
    envSecret = creds.environment_secret;
    await settle(t);
  });
  afterAll(() => t.close());

  it('M-117: the back end exchanges its own token for a read-only front-end token', async () => {
    const src = source(backEnd);
    const own = await src.getToken();
    const front = await src.exchangeToken({ subjectToken: own, scope: ['media:read', 'fonts:read'] });
    expect(front.issued_token_type).toBe('urn:ietf:params:oauth:token-type:access_token');
    expect(front.scope).toBe('media:read fonts:read');
    expect(front.expires_in).toBeGreaterThan(0);
    expect(decodeJwt(front.access_token)).toMatchObject({ sub: backEnd.client_id, act: { sub: backEnd.client_id } });
    const client = new GatehouseClient({ baseUrl: t.url, token: front.access_token, environment: 'default' });
    expect(await client.self()).toMatchObject({ client_id: backEnd.client_id, scopes: ['media:read', 'fonts:read'] });
  });

  it('createAuthData with exchange hands the browser a down-scoped token of the back end’s own; without it, the write-capable token is refused', async () => {
    const src = source(backEnd);
    const exchanged = await createAuthData({ tokenSource: src, apiUrl: `${t.url}/api/v1/`, exchange: true }).get();
    expect(decodeJwt(exchanged.token)).toMatchObject({
      scope: 'projects:read media:read fonts:read',
      act: { sub: backEnd.client_id },
    });
    await expect(createAuthData({ tokenSource: src, apiUrl: `${t.url}/api/v1/` }).get()).rejects.toBeInstanceOf(
      WriteScopeError,
    );
    expect(() => createAuthData({ tokenSource: src, apiUrl: 'x', allowScopes: () => true, exchange: true })).toThrow(
      /name the scopes/,
    );
  });

  it('the client exchanges a customer token for the customer (an agent acting for a user)', async () => {
    const customerToken = await signCustomerToken({
      id: 'user-42',
      name: 'Ada',
      environmentKey: envKey,
      secret: envSecret,
      expiresIn: 600,
      clock: () => t.clock.now(),
    });
    const client = new GatehouseClient({ baseUrl: t.url, tokenSource: source(backEnd), environment: 'default' });
    const forUser = await client.exchangeToken({
      subjectToken: customerToken,
      subjectTokenType: 'jwt',
      scope: 'projects:read',
    });
    const asUser = new GatehouseClient({ baseUrl: t.url, token: forUser.access_token, environment: 'default' });
    expect(await asUser.self()).toMatchObject({ type: 'customer', id: 'user-42', act: { sub: backEnd.client_id } });
  });

  it('M-112: a client without token exchange gets OAuthError unauthorized_client', async () => {
    const plain = await t.integration({ preset: 'read-only' });
    const src = source(plain);
    const err = await src.exchangeToken({ subjectToken: await src.getToken() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthError);
    expect((err as OAuthError).error).toBe('unauthorized_client');
  });
});
