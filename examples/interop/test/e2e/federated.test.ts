/**
 * Workload identity federation (issue #26) with issuers and clients nobody here wrote:
 * node-oidc-provider as a CI platform's issuer (discovery, JWKS, RFC 9068 JWT access tokens it
 * signs), a Kubernetes-shaped issuer (`/.well-known/openid-configuration`, `/openid/v1/jwks`,
 * service-account tokens with the `kubernetes.io` claim object), and openid-client 6's
 * `genericGrantRequest` for the JWT bearer grant (RFC 7523 §2.1) and `clientCredentialsGrant` with
 * the platform token as `client_assertion` (§2.2). Rotation and the unknown-kid cooldown are rows
 * L-111 and L-104 (packages/server/test/federated-credentials.test.ts, with an injected clock).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { settle, startGatehouse, type TestServer } from '@gatehouse/testing/gatehouse';
import { WallClock } from '@gatehouse/testing/wall-clock';
import { startCiIssuer, type CiIssuer } from '@gatehouse/testing/ci-issuer';
import { startPlatformIssuer, type PlatformIssuer } from '@gatehouse/testing/platform-issuer';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

describe('federated credentials with external issuers and openid-client', () => {
  let t: TestServer;
  let ci: CiIssuer;
  let k8s: PlatformIssuer;
  let deployer: { client_id: string; client_secret: string };
  let worker: { client_id: string; client_secret: string };
  const options = { algorithm: 'oauth2' as const, execute: [client.allowInsecureRequests] };
  const self = () => new URL(`${t.url}/api/v1/self`);
  /** An integration adds a federated credential to itself (its own credentials need no further scope). */
  const addCredential = async (c: { client_id: string; client_secret: string }, body: Record<string, unknown>) => {
    const config = await client.discovery(new URL(t.url), c.client_id, c.client_secret, undefined, options);
    const { access_token } = await client.clientCredentialsGrant(config);
    return fetch(`${t.url}/api/v1/environments/default/integrations/${c.client_id}/federated-credentials`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  };

  beforeAll(async () => {
    k8s = await startPlatformIssuer();
    // The CI issuer's tokens name the Gatehouse issuer as their audience, known once Gatehouse listens.
    ci = await startCiIssuer(() => t.url);
    t = await startGatehouse({ clock: new WallClock(), config: { jwksUriAllowedHosts: [k8s.host, ci.host] } });
    deployer = await t.integration({ preset: 'read-only' });
    worker = await t.integration({ preset: 'read-only' });
  });
  afterAll(async () => {
    await t?.close();
    await ci?.close();
    await k8s?.close();
  });

  it('node-oidc-provider as the issuer: its JWT access token gets a Gatehouse token through openid-client genericGrantRequest (jwt-bearer)', async () => {
    expect((await addCredential(deployer, { issuer: ci.issuer, subject: ci.subject })).status).toBe(201);
    await settle(t);
    const config = await client.discovery(new URL(t.url), deployer.client_id, undefined, client.None(), options);
    expect(config.serverMetadata().grant_types_supported).toContain(JWT_BEARER);
    const tokens = await client.genericGrantRequest(config, JWT_BEARER, { assertion: await ci.token() });
    expect(tokens.token_type).toBe('bearer');
    const res = await client.fetchProtectedResource(config, tokens.access_token, self(), 'GET');
    expect(await res.json()).toMatchObject({ client_id: deployer.client_id });
  });

  it('a Kubernetes service-account token (kubernetes.io claims) as client_assertion through openid-client clientCredentialsGrant', async () => {
    const created = await addCredential(worker, {
      issuer: k8s.issuer,
      subject: 'system:serviceaccount:payments:api',
      claims: { 'kubernetes.io.namespace': 'payments' },
    });
    expect(created.status).toBe(201);
    await settle(t);
    const token = await k8s.serviceAccountToken('payments', 'api', t.url, Math.floor(Date.now() / 1000));
    // The platform token is the client assertion: a ClientAuth that sends it as it is.
    const platformAuth: client.ClientAuth = (_as, c, body) => {
      body.set('client_id', c.client_id);
      body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
      body.set('client_assertion', token);
    };
    const config = await client.discovery(new URL(t.url), worker.client_id, undefined, platformAuth, options);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'projects:read' });
    expect(tokens.scope).toBe('projects:read');
    const res = await client.fetchProtectedResource(config, tokens.access_token, self(), 'GET');
    expect(await res.json()).toMatchObject({ client_id: worker.client_id });
    // Another namespace's service account with the same name is not the credential's.
    const stranger = await k8s.serviceAccountToken('other', 'api', t.url, Math.floor(Date.now() / 1000));
    const bare = await client.discovery(new URL(t.url), worker.client_id, undefined, client.None(), options);
    await expect(client.genericGrantRequest(bare, JWT_BEARER, { assertion: stranger })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
