/**
 * Cache coherence (cache/coherence.ts) between two nodes in one process on one store: what one
 * node changes, the other honours once its change feed has run — a revocation, a disabled
 * integration, a customer-token credential added — without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { CLI_ACTOR } from '../src/context.js';
import { updateIntegration } from '../src/services/integrations.js';
import { createEnvironmentSecret } from '../src/services/credentials.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { basic, postForm, request, token } from '@gatehouse/testing/http';

describe.each(STORE_KINDS)('cache coherence between two nodes (%s)', (kind) => {
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await startTestServer(kind);
    b = await startTestServer(kind, { location: a.location, clock: a.clock });
  });
  afterAll(async () => {
    await b?.stop();
    await a?.close();
  });
  const media = (t: TestServer, tok: string) =>
    request(`${t.url}/api/v1/environments/default/media`, { headers: { authorization: `Bearer ${tok}` } });

  it('a revocation on A and an integration disabled on A: B refuses the tokens it had cached as valid', async () => {
    const c = await a.integration({ preset: 'read-only' });
    const revoked = String((await token(a.url, c.client_id, c.client_secret)).body.access_token);
    expect((await media(b, revoked)).status).toBe(200);
    expect(
      (
        await postForm(
          a.url,
          { token: revoked },
          { authorization: basic(c.client_id, c.client_secret) },
          '/oauth/revoke',
        )
      ).status,
    ).toBe(200);
    // A honours its own revocation at once; B once its feed has run.
    expect((await media(a, revoked)).status).toBe(401);
    await settle(b);
    expect((await media(b, revoked)).status).toBe(401);

    const d = await a.integration({ preset: 'read-only' });
    const tok = String((await token(a.url, d.client_id, d.client_secret)).body.access_token);
    expect((await media(b, tok)).status).toBe(200);
    await updateIntegration(a.server.runtime.ctx, CLI_ACTOR, d.client_id, { enabled: false });
    await settle(b);
    expect((await media(b, tok)).status).toBe(401);
    expect((await token(b.url, d.client_id, d.client_secret)).status).toBe(401);
  });

  it('an environment secret created on A verifies customer tokens on B after B had found none', async () => {
    const self = (t: TestServer, tok: string) =>
      request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${tok}` } });
    const envKey = (await a.server.runtime.directory.environment('slug', 'default'))!.environmentKey;
    const now = a.clock.seconds();
    const early = jwt.sign({ id: 'early', iat: now, exp: now + 600 }, 'a secret nobody registered yet, long enough', {
      issuer: envKey,
    });
    expect((await self(b, early)).status).toBe(401);
    const creds = await createEnvironmentSecret(a.server.runtime.ctx, CLI_ACTOR, 'default');
    await settle(b);
    const tok = jwt.sign({ id: 'late', iat: now, exp: now + 600 }, creds.environment_secret!, {
      issuer: creds.environment_key,
    });
    expect((await self(b, tok)).status).toBe(200);
  });
});
