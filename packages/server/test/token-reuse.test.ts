/**
 * Token reuse (docs/product.md "Reuse"), the refresh window with an injected clock, claims checked
 * against the served JWKS, metadata, and restart on the same store.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { CLI_ACTOR } from '../src/context.js';
import { createEnvironment, updateEnvironment } from '../src/services/environments.js';
import { revokeIntegrationTokens } from '../src/services/integrations.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { ISSUER, settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { request, token } from '@gatehouse/testing/http';

describe.each(STORE_KINDS)('token reuse and claims (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t.close());

  it('issues RFC 9068 tokens that verify against the served JWKS', async () => {
    const c = await t.integration({ preset: 'read-only' });
    const res = await token(t.url, c.client_id, c.client_secret);
    expect(res.status).toBe(200);
    const jwks = await request(`${t.url}/.well-known/jwks.json`);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    const keys = jwks.body.keys as Record<string, unknown>[];
    for (const k of keys) for (const m of ['d', 'p', 'q', 'k', 'dp', 'dq', 'qi']) expect(k).not.toHaveProperty(m);
    const at = String(res.body.access_token);
    const { payload, protectedHeader } = await jwtVerify(at, createLocalJWKSet({ keys: keys as never }), {
      issuer: ISSUER,
      audience: t.config.audience,
      typ: 'at+jwt',
      algorithms: ['ES256'],
      currentDate: new Date(t.clock.now()),
    });
    expect(protectedHeader.kid).toBe(keys[0]!.kid);
    expect(payload).toMatchObject({
      iss: ISSUER,
      sub: c.client_id,
      aud: t.config.audience,
      client_id: c.client_id,
      environment: 'default',
      scope: res.body.scope,
    });
    expect(payload.exp! - payload.iat!).toBe(86400);
    expect(payload.jti).toMatch(/^[\w-]{22}$/);
  });

  it('publishes RFC 8414 metadata', async () => {
    const res = await request(`${t.url}/.well-known/oauth-authorization-server`);
    expect(res.body).toMatchObject({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/oauth/token`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      grant_types_supported: [
        'client_credentials',
        'urn:ietf:params:oauth:grant-type:token-exchange',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
      ],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    });
  });

  it('returns the same token until refresh_before seconds before expiry, then a new one', async () => {
    const c = await t.integration({ preset: 'read-only' });
    const first = await token(t.url, c.client_id, c.client_secret);
    t.clock.advance(1000);
    const again = await token(t.url, c.client_id, c.client_secret);
    expect(again.body.access_token).toBe(first.body.access_token);
    expect(again.body.expires_in).toBe(86400 - 1000);
    t.clock.advance(86400 - 3600 - 1000 - 1); // one second before the refresh window
    const last = await token(t.url, c.client_id, c.client_secret);
    expect(last.body.access_token).toBe(first.body.access_token);
    expect(last.body.expires_in).toBe(3601);
    t.clock.advance(1);
    const fresh = await token(t.url, c.client_id, c.client_secret);
    expect(fresh.body.access_token).not.toBe(first.body.access_token);
    expect(fresh.body.expires_in).toBe(86400);
  });

  it('honours per-environment lifetime and refresh_before; refresh_before >= lifetime switches reuse off', async () => {
    const slug = `short-${kind}`;
    await createEnvironment(t.server.runtime.ctx, CLI_ACTOR, slug);
    await updateEnvironment(t.server.runtime.ctx, CLI_ACTOR, slug, { token_lifetime: 600, refresh_before: 60 });
    const c = await t.integration({ preset: 'read-only' }, slug);
    const a = await token(t.url, c.client_id, c.client_secret);
    expect(a.body.expires_in).toBe(600);
    expect((await token(t.url, c.client_id, c.client_secret)).body.access_token).toBe(a.body.access_token);
    await updateEnvironment(t.server.runtime.ctx, CLI_ACTOR, slug, { refresh_before: 600 });
    await settle(t);
    const b = await token(t.url, c.client_id, c.client_secret);
    const b2 = await token(t.url, c.client_id, c.client_secret);
    expect(b.body.access_token).not.toBe(a.body.access_token);
    expect(b2.body.access_token).not.toBe(b.body.access_token);
  });

  it('concurrent requests: one token signed and written with reuse on; with reuse off each its own, every one written', async () => {
    const signatures = vi.spyOn(t.server.runtime.keys, 'signingKey');
    const written = async (clientId: string) => {
      const integration = await stored(t).integrationByClientId(clientId);
      const rows = await stored(t).issuedTokens(integration.id);
      const mints = await stored(t).auditEvents({ action: 'token.mint', target: clientId });
      return {
        jtis: rows.map((r) => r.jti).sort(),
        mintedJtis: mints.map((m) => (JSON.parse(String(m.details)) as { jti: string }).jti).sort(),
      };
    };
    const burst = (c: { client_id: string; client_secret: string }) =>
      Promise.all(Array.from({ length: 20 }, () => token(t.url, c.client_id, c.client_secret)));
    const jtiOf = (accessToken: unknown) => String(decodeJwt(String(accessToken)).jti);

    const reused = await t.integration({ preset: 'read-only' });
    const answers = await burst(reused);
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.body.access_token)).size).toBe(1);
    expect(signatures).toHaveBeenCalledTimes(1);
    expect(await written(reused.client_id)).toEqual({
      jtis: [jtiOf(answers[0]!.body.access_token)],
      mintedJtis: [jtiOf(answers[0]!.body.access_token)],
    });

    const slug = `burst-${kind}`;
    await createEnvironment(t.server.runtime.ctx, CLI_ACTOR, slug);
    await updateEnvironment(t.server.runtime.ctx, CLI_ACTOR, slug, { token_lifetime: 600, refresh_before: 600 });
    const minted = await t.integration({ preset: 'read-only' }, slug);
    const fresh = await burst(minted);
    expect(fresh.map((a) => a.status)).toEqual(Array(20).fill(200));
    const jtis = fresh.map((a) => jtiOf(a.body.access_token)).sort();
    expect(new Set(jtis).size).toBe(20);
    expect(signatures).toHaveBeenCalledTimes(21);
    signatures.mockRestore();
    expect(await written(minted.client_id)).toEqual({ jtis, mintedJtis: jtis });
  });

  it("revoking an integration's tokens ends reuse", async () => {
    const c = await t.integration({ preset: 'read-only' });
    const a = await token(t.url, c.client_id, c.client_secret);
    await revokeIntegrationTokens(t.server.runtime.ctx, CLI_ACTOR, c.client_id);
    await settle(t);
    const b = await token(t.url, c.client_id, c.client_secret);
    expect(b.body.access_token).not.toBe(a.body.access_token);
  });

  it('a restart on the same store keeps keys, integrations, reuse and the validity of issued tokens', async () => {
    const c = await t.integration({ preset: 'read-only' });
    const before = await token(t.url, c.client_id, c.client_secret);
    const kid = decodeProtectedHeader(String(before.body.access_token)).kid;
    await t.stop();
    const again = await startTestServer(kind, { location: t.location, clock: t.clock });
    t = again;
    const after = await token(t.url, c.client_id, c.client_secret);
    expect(after.status).toBe(200);
    expect(after.body.access_token).toBe(before.body.access_token);
    const jwks = await request(`${t.url}/.well-known/jwks.json`);
    expect((jwks.body.keys as { kid: string }[]).map((k) => k.kid)).toContain(kid);
    const keys = createLocalJWKSet(jwks.body as never);
    await expect(
      jwtVerify(String(before.body.access_token), keys, { currentDate: new Date(t.clock.now()) }),
    ).resolves.toBeTruthy();
  });
});
