/**
 * docs/security.md L-110 across nodes: two Gatehouse nodes on one store answer the same platform
 * token with the same reused access token, and a credential added or removed on one node is
 * honoured by the other once its change feed has run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_BEARER_GRANT } from '@gatehouse/contracts';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { ISSUER, settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { postForm } from '@gatehouse/testing/http';
import { startPlatformIssuer, type PlatformIssuer } from '@gatehouse/testing/platform-issuer';
import { CLI_ACTOR } from '../src/context.js';
import { addFederatedCredential, removeFederatedCredential } from '../src/services/federated-credentials.js';

describe.each(STORE_KINDS)('federated credentials on two nodes (%s)', (kind) => {
  let a: TestServer;
  let b: TestServer;
  let k8s: PlatformIssuer;
  beforeAll(async () => {
    k8s = await startPlatformIssuer();
    const config = { jwksUriAllowedHosts: [k8s.host] };
    a = await startTestServer(kind, { config });
    b = await startTestServer(kind, { location: a.location, clock: a.clock, config });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.close();
    await k8s?.close();
  });
  const grant = (t: TestServer, assertion: string) => postForm(t.url, { grant_type: JWT_BEARER_GRANT, assertion });

  it('L-110 the same platform token gets the same reused token from either node; a removal on A is honoured by B', async () => {
    const c = await a.integration({ preset: 'read-only' });
    // B looks the pair up first and finds nothing: that miss must not outlive A's addition.
    const token = await k8s.serviceAccountToken('payments', 'api', ISSUER, a.clock.seconds());
    expect((await grant(b, token)).status).toBe(400);
    const added = await addFederatedCredential(a.server.runtime.ctx, CLI_ACTOR, c.client_id, {
      issuer: k8s.issuer,
      subject: 'system:serviceaccount:payments:api',
    });
    await settle(b);
    a.clock.advance(61);
    const fromA = await grant(a, token);
    const fromB = await grant(b, token);
    expect([fromA.status, fromB.status]).toEqual([200, 200]);
    expect(fromB.body.access_token).toBe(fromA.body.access_token);
    await removeFederatedCredential(a.server.runtime.ctx, CLI_ACTOR, c.client_id, added.id);
    await settle(b);
    const refused = await grant(b, token);
    expect(refused.status).toBe(400);
    expect(refused.body.error_description).toMatch(/\(issuer_subject\)/);
  });
});
