/**
 * docs/security.md I-85, I-86: `private_key_jwt` client authentication (RFC 7523 §2.2, §3) at the
 * token, introspection and revocation endpoints, over real HTTP on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, base64url } from 'jose';
import { presetScopes, SECRETS_SCOPE } from '@gatehouse/contracts';
import { HTTP_STORE_KINDS, STORE_KINDS } from '@gatehouse/testing/stores';
import { capturedLogs, ISSUER, settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { basic, postForm, request } from '@gatehouse/testing/http';
import { persisted } from '@gatehouse/testing/persisted';
import { purgeExpired } from '../src/maintenance.js';
import { assertion, assertionForm, testKey, type TestKey } from '@gatehouse/testing/assertion';
import { accessToken, call, type Caller } from './management-helpers.js';
import type { AssertionFailure } from '../src/errors/oauth-error.js';
import { loadConfig } from '../src/config/config.js';

describe.each(STORE_KINDS)('private_key_jwt (%s)', (kind) => {
  let t: TestServer;
  let key: TestKey;
  let clientId: string;
  let admin: Caller;
  const now = () => t.clock.seconds();
  const tokenWith = (signed: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
    postForm(t.url, assertionForm(signed, extra), headers);

  beforeAll(async () => {
    t = await startTestServer(kind);
    key = await testKey('ES256');
    ({ client_id: clientId } = await t.integration({
      preset: 'read-only',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [key.jwk] },
    }));
    // Keys of other integrations are credentials: the administrator holds integrations:secrets (G-70).
    admin = {
      bearer: await accessToken(
        t,
        await t.integration({ scopes: [...presetScopes('all-permissions'), SECRETS_SCOPE] }),
      ),
    };
  });
  afterAll(() => t.close());

  it("a key-only integration gets tokens with private_key_jwt (aud: the issuer, the token endpoint, as a string or a one-element array), reused like a secret's", async () => {
    const first = await tokenWith(await assertion(key, clientId, { now: now() }));
    expect(first.status).toBe(200);
    expect(first.body.token_type).toBe('Bearer');
    const second = await tokenWith(await assertion(key, clientId, { now: now(), aud: `${ISSUER}/oauth/token` }), {
      client_id: clientId,
    });
    expect(second.status).toBe(200);
    expect(second.body.access_token).toBe(first.body.access_token);
    for (const aud of [[ISSUER], [`${ISSUER}/oauth/token`]])
      expect((await tokenWith(await assertion(key, clientId, { now: now(), aud }))).status).toBe(200);
  });

  it('I-85 an assertion living as long as authlib signs by default (exp = iat + 3600) is accepted; its jti is kept until exp', async () => {
    const signed = await assertion(key, clientId, { now: now(), exp: now() + 3600 });
    expect((await tokenWith(signed)).status).toBe(200);
    // Maintenance keeps the used jti while the assertion could still be accepted.
    t.clock.advance(3500);
    await purgeExpired(t.server.runtime.ctx);
    const replay = await tokenWith(signed);
    expect(replay.status).toBe(401);
    expect(replay.body.error_description).toContain('(replayed_jti)');
    t.clock.advance(200);
  });

  it('I-86 a key-only integration can never authenticate with any secret', async () => {
    for (const secret of ['none', '', 'x'.repeat(43)]) {
      const post = await postForm(t.url, {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret || 'y',
      });
      expect(post.status).toBe(401);
      expect(post.body.error).toBe('invalid_client');
    }
    const viaBasic = await postForm(
      t.url,
      { grant_type: 'client_credentials' },
      { authorization: basic(clientId, 'none') },
    );
    expect(viaBasic.status).toBe(401);
  });

  it('I-86 an assertion with a client_secret or a Basic header at once: 400 invalid_request, nothing persisted', async () => {
    t.clock.advance(61);
    const before = await persisted(t);
    const withSecret = await tokenWith(await assertion(key, clientId, { now: now() }), { client_secret: 'whatever' });
    const withBasic = await tokenWith(
      await assertion(key, clientId, { now: now() }),
      {},
      { authorization: basic(clientId, 'whatever') },
    );
    for (const res of [withSecret, withBasic]) {
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    }
    expect(await persisted(t)).toBe(before);
  });

  it('I-85 each bad assertion: 401 invalid_client naming the failed check (not the claim), logged and audited; nothing persisted', async () => {
    const other = await testKey('ES256', key.jwk.kid);
    const stranger = await testKey('ES256');
    const es384 = await testKey('ES384', key.jwk.kid);
    const { kid: _k, alg: _a, ...attackerJwk } = other.jwk;
    const hs256 = (n: number) =>
      new SignJWT({ iss: clientId, sub: clientId, aud: ISSUER, exp: n + 60, jti: `hs${n}` })
        .setProtectedHeader({ alg: 'HS256', kid: key.jwk.kid })
        .sign(new TextEncoder().encode(JSON.stringify(key.jwk)));
    const none = async (n: number) =>
      `${base64url.encode(JSON.stringify({ alg: 'none' }))}.${base64url.encode(JSON.stringify({ iss: clientId, sub: clientId, aud: ISSUER, exp: n + 60, jti: `none${n}` }))}.`;
    const YEAR = 365 * 86400;
    const cases: Array<[string, AssertionFailure, (n: number) => Promise<string>, Record<string, string>?]> = [
      ['wrong aud', 'audience', (n) => assertion(key, clientId, { now: n, aud: 'https://other.test' })],
      [
        'aud naming other parties too',
        'audience',
        (n) => assertion(key, clientId, { now: n, aud: ['https://other.test', ISSUER] }),
      ],
      ['iss ≠ sub', 'issuer_subject', (n) => assertion(key, clientId, { now: n, iss: 'someone-else' })],
      [
        'sub ≠ client_id',
        'issuer_subject',
        (n) => assertion(key, clientId, { now: n, sub: 'someone-else' }),
        { client_id: clientId },
      ],
      ['expired', 'lifetime', (n) => assertion(key, clientId, { now: n - 600, exp: n - 120 })],
      ['exp beyond the maximum lifetime', 'lifetime', (n) => assertion(key, clientId, { now: n, exp: n + 7200 })],
      ['iat a year ahead', 'lifetime', (n) => assertion(key, clientId, { now: n + YEAR, exp: n + 60 })],
      ['no exp', 'lifetime', (n) => assertion(key, clientId, { now: n, exp: null })],
      ['no jti', 'jti', (n) => assertion(key, clientId, { now: n, jti: null })],
      ["alg not the key's", 'unknown_kid', (n) => assertion(es384, clientId, { now: n })],
      ['an unknown kid', 'unknown_kid', (n) => assertion(stranger, clientId, { now: n })],
      ['another key under the registered kid', 'signature', (n) => assertion(other, clientId, { now: n })],
      ['HS256 with the public key', 'algorithm', hs256, { client_id: clientId }],
      ['alg none', 'malformed', none, { client_id: clientId }],
      ['an embedded jwk', 'malformed', (n) => assertion(other, clientId, { now: n, header: { jwk: attackerJwk } })],
      ['garbage', 'malformed', async () => 'not.a.jwt', { client_id: clientId }],
    ];
    const before = await persisted(t);
    const logsBefore = capturedLogs.length;
    const since = t.clock.now();
    for (const [name, reason, make, extra] of cases) {
      // A new throttle window for each case: the failures are counted like wrong secrets.
      t.clock.advance(61);
      const res = await tokenWith(await make(now()), extra);
      expect({ name, status: res.status, error: res.body.error }).toEqual({
        name,
        status: 401,
        error: 'invalid_client',
      });
      expect(res.body.error_description, name).toMatch(new RegExp(`^client assertion refused \\(${reason}\\): `));
      // The description names the check, never what the claim held.
      expect(res.body.error_description, name).not.toMatch(/other\.test|someone-else/);
      expect(res.headers.get('www-authenticate')).toBeNull();
    }
    await settle(t);
    const logged = capturedLogs
      .slice(logsBefore)
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.includes('client assertion refused'))
      .map((line) => (JSON.parse(line) as { reason: string }).reason);
    expect(logged).toEqual(cases.map(([, reason]) => reason));
    const audited = await stored(t).auditEvents({ action: 'client.auth_failed', target: clientId, sinceMs: since });
    expect(audited.map((a) => (JSON.parse(a.details ?? '{}') as { reason?: string }).reason)).toEqual(
      cases.map(([, reason]) => reason),
    );
    expect(await persisted(t)).toBe(before);
    t.clock.advance(61);
  });

  it('A-3 I-85 an unknown client gets the answer a known one gets for the same assertion', async () => {
    const stranger = await testKey('ES256');
    const unknownId = `${clientId.slice(0, -4)}zzzz`;
    const n = now();
    const cases: Array<[string, (id: string) => Promise<string>]> = [
      ['wrong aud', (id) => assertion(key, id, { now: n, aud: 'https://other.test' })],
      ['iat a year ahead', (id) => assertion(key, id, { now: n + 365 * 86400, exp: n + 60 })],
      ['an unknown kid', (id) => assertion(stranger, id, { now: n })],
      ['no kid, another key', (id) => assertion(stranger, id, { now: n, header: { kid: undefined } })],
    ];
    for (const [name, make] of cases) {
      t.clock.advance(61);
      const known = await tokenWith(await make(clientId));
      const unknown = await tokenWith(await make(unknownId));
      expect({ name, status: unknown.status, body: unknown.body }).toEqual({
        name,
        status: known.status,
        body: known.body,
      });
      expect(known.status).toBe(401);
    }
    t.clock.advance(61);
  });

  it('I-85 a replayed jti is refused, also by another node on the same store', async () => {
    const signed = await assertion(key, clientId, { now: now() });
    expect((await tokenWith(signed)).status).toBe(200);
    const replay = await tokenWith(signed);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_client');
    expect(replay.body.error_description).toContain('(replayed_jti)');
    const b = await startTestServer(kind, { location: t.location, clock: t.clock });
    try {
      const twice = await assertion(key, clientId, { now: now() });
      const [onA, onB] = await Promise.all([tokenWith(twice), postForm(b.url, assertionForm(twice))]);
      expect([onA.status, onB.status].sort()).toEqual([200, 401]);
    } finally {
      await b.stop();
    }
    // Used jtis are kept only while their assertion could be accepted; maintenance then drops them.
    const count = () => stored(t).usedJtiCount();
    expect(await count()).toBeGreaterThan(0);
    t.clock.advance(3600);
    await purgeExpired(t.server.runtime.ctx);
    expect(await count()).toBe(0);
  });

  it('two keys during a rotation; a removed key stops working; keys are managed under the policy', async () => {
    const next = await testKey('RS256');
    const path = `/environments/default/integrations/${clientId}/keys`;
    const added = await call(t, admin, 'POST', path, { jwk: next.jwk });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ kid: next.jwk.kid, alg: 'RS256', kty: 'RSA' });
    await settle(t);
    expect((await tokenWith(await assertion(next, clientId, { now: now() }))).status).toBe(200);
    expect((await tokenWith(await assertion(key, clientId, { now: now() }))).status).toBe(200);
    const listed = await call(t, admin, 'GET', path);
    expect((listed.body.items as Array<{ kid: string }>).map((k) => k.kid)).toEqual([key.jwk.kid, next.jwk.kid]);
    expect(JSON.stringify(listed.body)).not.toMatch(/"d"/);
    expect((await call(t, admin, 'DELETE', `${path}/${encodeURIComponent(key.jwk.kid)}`)).status).toBe(204);
    await settle(t);
    expect((await tokenWith(await assertion(key, clientId, { now: now() }))).status).toBe(401);
    expect((await tokenWith(await assertion(next, clientId, { now: now() }))).status).toBe(200);
    t.clock.advance(61);
    key = next;
    // A private key, a symmetric key or a repeated kid is refused, and nothing changes.
    const { privateKey } = next;
    const { exportJWK } = await import('jose');
    const priv = await exportJWK(privateKey);
    expect((await call(t, admin, 'POST', path, { jwk: { ...priv, kid: 'p1', alg: 'RS256' } })).status).toBe(400);
    expect(
      (await call(t, admin, 'POST', path, { jwk: { kty: 'oct', k: 'c2VjcmV0', kid: 'o1', alg: 'HS256' } })).status,
    ).toBe(400);
    expect((await call(t, admin, 'POST', path, { jwk: next.jwk })).status).toBe(409);
    // An integration holding fewer scopes than the target can't touch its keys (G-70).
    const weak = { bearer: await accessToken(t, await t.integration({ preset: 'read-only' })) };
    expect((await call(t, weak, 'POST', path, { jwk: (await testKey()).jwk })).status).toBe(403);
    // Pointing another integration at other keys needs integrations:secrets too, like adding one.
    const writer = { bearer: await accessToken(t, await t.integration({ preset: 'all-permissions' })) };
    const repoint = await call(t, writer, 'PATCH', `/environments/default/integrations/${clientId}`, {
      jwks_uri: 'https://attacker.test/jwks',
    });
    expect(repoint.status).toBe(403);
    expect((await call(t, writer, 'DELETE', `${path}/${encodeURIComponent(next.jwk.kid)}`)).status).toBe(403);
    expect((await call(t, admin, 'GET', `/environments/default/integrations/${clientId}`)).body.jwks_uri).toBeNull();
  });

  it('the management API creates a key-only integration: no client_secret in the answer', async () => {
    const k = await testKey('EdDSA');
    const res = await call(t, admin, 'POST', '/environments/default/integrations', {
      name: 'signer',
      preset: 'read-only',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [k.jwk] },
    });
    expect(res.status).toBe(201);
    expect(res.body.client_secret).toBeUndefined();
    expect(res.body).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: null,
      dpop_bound_access_tokens: false,
    });
    await settle(t);
    expect((await tokenWith(await assertion(k, String(res.body.client_id), { now: now() }))).status).toBe(200);
    const missing = await call(t, admin, 'POST', '/environments/default/integrations', {
      name: 'x',
      preset: 'read-only',
      token_endpoint_auth_method: 'private_key_jwt',
    });
    expect(missing.status).toBe(400);
  });

  it('introspection and revocation accept private_key_jwt; metadata lists it', async () => {
    const issued = await tokenWith(await assertion(key, clientId, { now: now() }), { scope: 'media:read' });
    const tok = String(issued.body.access_token);
    const info = await postForm(
      t.url,
      assertionForm(await assertion(key, clientId, { now: now() }), { token: tok }),
      {},
      '/oauth/introspect',
    );
    expect(info.body).toMatchObject({ active: true, client_id: clientId });
    const revoked = await postForm(
      t.url,
      assertionForm(await assertion(key, clientId, { now: now() }), { token: tok }),
      {},
      '/oauth/revoke',
    );
    expect(revoked.status).toBe(200);
    const bad = await postForm(
      t.url,
      assertionForm(await assertion(key, clientId, { now: now(), aud: 'https://x.test' }), { token: tok }),
      {},
      '/oauth/introspect',
    );
    expect(bad.status).toBe(401);
    t.clock.advance(61);
    const meta = await request(`${t.url}/.well-known/oauth-authorization-server`);
    expect(meta.body.token_endpoint_auth_methods_supported).toContain('private_key_jwt');
    expect(meta.body.token_endpoint_auth_signing_alg_values_supported).toEqual(
      expect.arrayContaining(['ES256', 'RS256', 'EdDSA']),
    );
    expect(meta.body.token_endpoint_auth_signing_alg_values_supported).not.toContain('HS256');
  });
});

describe('GATEHOUSE_ASSERTION_MAX_LIFETIME', () => {
  const base = { dataDir: '/tmp/gatehouse-config-test', masterKey: Buffer.alloc(32).toString('base64') };

  it('defaults to 3600 s (authlib signs exp = iat + 3600), is read from the environment, and is bounded', () => {
    expect(loadConfig(base, {}).assertionMaxLifetime).toBe(3600);
    expect(loadConfig(base, { GATEHOUSE_ASSERTION_MAX_LIFETIME: '600' }).assertionMaxLifetime).toBe(600);
    for (const bad of ['59', '86401', '1.5', 'an hour'])
      expect(() => loadConfig(base, { GATEHOUSE_ASSERTION_MAX_LIFETIME: bad })).toThrow(/assertionMaxLifetime/);
  });

  it('I-85 a shorter configured maximum refuses longer assertions, naming the limit', async () => {
    const t = await startTestServer('sqlite', { config: { assertionMaxLifetime: 120 } });
    try {
      const key = await testKey('ES256');
      const { client_id } = await t.integration({
        preset: 'read-only',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [key.jwk] },
      });
      const n = t.clock.seconds();
      const long = await postForm(t.url, assertionForm(await assertion(key, client_id, { now: n, exp: n + 600 })));
      expect(long.status).toBe(401);
      expect(long.body.error_description).toBe(
        'client assertion refused (lifetime): exp must be at most 120 seconds ahead (GATEHOUSE_ASSERTION_MAX_LIFETIME)',
      );
      const fits = await postForm(t.url, assertionForm(await assertion(key, client_id, { now: n, exp: n + 120 })));
      expect(fits.status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe.each(HTTP_STORE_KINDS)('reading a client assertion (%s)', (kind) => {
  let t: TestServer;
  let key: TestKey;
  let clientId: string;
  beforeAll(async () => {
    t = await startTestServer(kind);
    key = await testKey('ES256');
    ({ client_id: clientId } = await t.integration({
      preset: 'read-only',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [key.jwk] },
    }));
  });
  afterAll(() => t.close());

  it('another client_assertion_type: 400 invalid_request naming the expected type; nothing persisted', async () => {
    const before = await persisted(t);
    const signed = await assertion(key, clientId, { now: t.clock.seconds() });
    const res = await postForm(t.url, assertionForm(signed, { client_assertion_type: 'urn:example:saml' }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'invalid_request',
      error_description: 'client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    });
    expect(await persisted(t)).toBe(before);
  });

  it('I-85 an assertion whose payload is not JSON, without client_id: 401 invalid_client (issuer_subject), no client looked up', async () => {
    t.clock.advance(61);
    const res = await postForm(t.url, assertionForm(`eyJhbGciOiJFUzI1NiJ9.${base64url.encode('{not json')}.sig`));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.body.error_description).toMatch(/^client assertion refused \(issuer_subject\): /);
  });

  it('I-85 a kid longer than 128 characters or not a string: 401 unknown_kid before any key is looked up', async () => {
    for (const kid of ['k'.repeat(129), 7, '']) {
      t.clock.advance(61);
      const signed = await assertion(key, clientId, { now: t.clock.seconds(), header: { kid } });
      const res = await postForm(t.url, assertionForm(signed));
      expect({ kid, status: res.status, error: res.body.error }).toEqual({ kid, status: 401, error: 'invalid_client' });
      expect(res.body.error_description).toBe(
        'client assertion refused (unknown_kid): kid must be a string of 1 to 128 characters',
      );
    }
    t.clock.advance(61);
    const ok = await postForm(t.url, assertionForm(await assertion(key, clientId, { now: t.clock.seconds() })));
    expect(ok.status).toBe(200);
  });
});
