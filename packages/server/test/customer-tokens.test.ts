/**
 * Customer tokens signed the way tenants sign them (jsonwebtoken and jose), over real HTTP:
 * docs/security.md section D, admin tokens, /self, and isolation between customers and integrations.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { CLI_ACTOR } from '../src/context.js';
import {
  addPublicKey,
  createEnvironmentSecret,
  getCredentials,
  rotateEnvironmentSecret,
} from '../src/services/credentials.js';
import { createEnvironment, updateEnvironment } from '../src/services/environments.js';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { request, token } from '@gatehouse/testing/http';

describe.each(HTTP_STORE_KINDS)('customer tokens (%s)', (kind) => {
  let t: TestServer;
  let key: string;
  let secret: string;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = (k: KeyObject, type: 'spki' | 'pkcs8') => k.export({ type, format: 'pem' }) as string;
  const api = (tok: string, path: string, init: RequestInit = {}) =>
    request(`${t.url}/api/v1${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${tok}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...(init.headers as Record<string, string>),
      },
    });
  const now = () => t.clock.seconds();
  const hs = (claims: object, alg: jwt.Algorithm = 'HS256', s = secret) =>
    jwt.sign({ iat: now(), exp: now() + 3600, ...claims }, s, { algorithm: alg, issuer: key });

  beforeAll(async () => {
    t = await startTestServer(kind);
    const creds = await createEnvironmentSecret(t.server.runtime.ctx, CLI_ACTOR, 'default');
    key = creds.environment_key;
    secret = creds.environment_secret;
    await addPublicKey(t.server.runtime.ctx, CLI_ACTOR, 'default', {
      alg: 'ES256',
      key: pem(ec.publicKey, 'spki'),
      kid: 'ec-1',
    });
    await addPublicKey(t.server.runtime.ctx, CLI_ACTOR, 'default', { alg: 'RS256', key: pem(rsa.publicKey, 'spki') });
    await settle(t);
  });
  afterAll(() => t.close());

  it('the secret is 512 bits, shown once, and the key is stable', async () => {
    expect(Buffer.from(secret, 'base64url')).toHaveLength(64);
    const again = await getCredentials(t.server.runtime.ctx, 'default');
    expect(again.environment_secret).toBeNull();
    expect(again.environment_key).toBe(key);
    expect(again.public_keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
  });

  it.each(['HS256', 'HS512'] as const)(
    'accepts %s with the environment secret (jsonwebtoken) and /self answers the customer',
    async (alg) => {
      const tok = hs({ id: `cust-${alg}`, name: 'Ada', fields: { plan: 'pro' } }, alg);
      const self = await api(tok, '/self');
      expect(self.status).toBe(200);
      expect(self.body).toEqual({
        type: 'customer',
        id: `cust-${alg}`,
        name: 'Ada',
        fields: { plan: 'pro' },
        environment: 'default',
      });
    },
  );

  it('accepts ES256 (by kid) and RS256 with registered public keys (jsonwebtoken), EdDSA and HS384 with jose', async () => {
    const es = jwt.sign({ id: 'c-es', exp: now() + 600, iat: now() }, pem(ec.privateKey, 'pkcs8'), {
      algorithm: 'ES256',
      issuer: key,
      keyid: 'ec-1',
    });
    const rs = jwt.sign({ id: 'c-rs', exp: now() + 600, iat: now() }, pem(rsa.privateKey, 'pkcs8'), {
      algorithm: 'RS256',
      issuer: key,
    });
    expect((await api(es, '/self')).body.id).toBe('c-es');
    expect((await api(rs, '/self')).body.id).toBe('c-rs');
    const ed = await generateKeyPair('EdDSA', { extractable: true });
    await addPublicKey(t.server.runtime.ctx, CLI_ACTOR, 'default', {
      alg: 'EdDSA',
      key: JSON.stringify(await exportJWK(ed.publicKey)),
      kid: 'ed-1',
    });
    await settle(t);
    const edTok = await new SignJWT({ id: 'c-ed' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'ed-1' })
      .setIssuer(key)
      .setIssuedAt(now())
      .setExpirationTime(now() + 600)
      .sign(ed.privateKey);
    expect((await api(edTok, '/self')).body.id).toBe('c-ed');
    const hs384 = await new SignJWT({ id: 'c-384' })
      .setProtectedHeader({ alg: 'HS384' })
      .setIssuer(key)
      .setIssuedAt(now())
      .setExpirationTime(now() + 600)
      .sign(Buffer.from(secret));
    expect((await api(hs384, '/self')).body.id).toBe('c-384');
  });

  it("D-46 unknown iss; iss=A signed with B's secret: 401", async () => {
    expect(
      (await api(jwt.sign({ id: 'x', iat: now(), exp: now() + 60 }, secret, { issuer: 'ek_unknown' }), '/self')).status,
    ).toBe(401);
    await createEnvironment(t.server.runtime.ctx, CLI_ACTOR, `tenant-b-${kind}`);
    const b = await createEnvironmentSecret(t.server.runtime.ctx, CLI_ACTOR, `tenant-b-${kind}`);
    const forged = jwt.sign({ id: 'x', iat: now(), exp: now() + 60 }, b.environment_secret, { issuer: key });
    const res = await api(forged, '/self');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('D-47 HS256 keyed with the registered EC PEM; RS256 to an environment with only a secret: 401', async () => {
    const confused = jwt.sign({ id: 'x', iat: now(), exp: now() + 60 }, pem(ec.publicKey, 'spki'), {
      algorithm: 'HS256',
      issuer: key,
    });
    expect((await api(confused, '/self')).status).toBe(401);
    const slug = `hs-only-${kind}`;
    await createEnvironment(t.server.runtime.ctx, CLI_ACTOR, slug);
    const hsOnly = await createEnvironmentSecret(t.server.runtime.ctx, CLI_ACTOR, slug);
    const rs = jwt.sign({ id: 'x', iat: now(), exp: now() + 60 }, pem(rsa.privateKey, 'pkcs8'), {
      algorithm: 'RS256',
      issuer: hsOnly.environment_key,
    });
    expect((await api(rs, '/self')).status).toBe(401);
  });

  it('D-48 weak or mismatched keys are refused at registration with 400', async () => {
    const { generateKeyPairSync: gen } = await import('node:crypto');
    const cases: [string, string][] = [
      ['RS256', pem(gen('rsa', { modulusLength: 1024 }).publicKey, 'spki')],
      ['ES256', pem(gen('ec', { namedCurve: 'P-384' }).publicKey, 'spki')],
      ['EdDSA', pem(gen('ed448').publicKey, 'spki')],
      ['ES256', pem(ec.privateKey, 'pkcs8')],
      ['RS256', pem(ec.publicKey, 'spki')],
      ['HS256', 'short-secret'],
      ['ES256', 'not a key'],
    ];
    for (const [alg, k] of cases) {
      await expect(
        addPublicKey(t.server.runtime.ctx, CLI_ACTOR, 'default', { alg, key: k }),
        alg,
      ).rejects.toMatchObject({ status: 400 });
    }
  });

  it("D-49 missing exp, exp beyond the environment's cap, future iat: 401", async () => {
    expect((await api(jwt.sign({ id: 'x', iat: now() }, secret, { issuer: key }), '/self')).status).toBe(401);
    expect((await api(hs({ id: 'x', exp: now() + 25 * 3600 }), '/self')).status).toBe(401);
    expect((await api(hs({ id: 'x', iat: now() + 600 }), '/self')).status).toBe(401);
    const noIat = jwt.sign({ id: 'x', exp: now() + 25 * 3600 }, secret, { issuer: key, noTimestamp: true });
    expect((await api(noIat, '/self')).status).toBe(401);
    expect((await api(hs({ id: 'x', nbf: now() + 600 }), '/self')).status).toBe(401);
  });

  it('D-50 admin tokens: true, "true" and 1 act as admin; false, 0, "" and null do not; a credential without admin rights gets 403', async () => {
    for (const isAdmin of [true, 'true', 1]) {
      const res = await api(hs({ isAdmin }), '/self');
      expect(res.body, String(isAdmin)).toEqual({ type: 'admin', environment: 'default' });
    }
    for (const isAdmin of [false, 0, '', null]) expect((await api(hs({ isAdmin }), '/self')).status).toBe(401);
    expect((await api(hs({ isAdmin: true, id: 'both' }), '/self')).status).toBe(401);
    const limited = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await addPublicKey(t.server.runtime.ctx, CLI_ACTOR, 'default', {
      alg: 'ES256',
      key: pem(limited.publicKey, 'spki'),
      kid: 'no-admin',
      allow_admin: false,
    });
    await settle(t);
    const admin = jwt.sign({ isAdmin: true, iat: now(), exp: now() + 60 }, pem(limited.privateKey, 'pkcs8'), {
      algorithm: 'ES256',
      issuer: key,
      keyid: 'no-admin',
    });
    expect((await api(admin, '/self')).status).toBe(403);
  });

  it('D-51 id not a string, fields an array or huge, fields.__proto__: 401 and no prototype pollution', async () => {
    expect((await api(hs({ id: 42 }), '/self')).status).toBe(401);
    expect((await api(hs({ id: 'x'.repeat(256) }), '/self')).status).toBe(401);
    expect((await api(hs({ id: 'x', fields: ['a'] }), '/self')).status).toBe(401);
    expect((await api(hs({ id: 'x', fields: { big: 'y'.repeat(6000) } }), '/self')).status).toBe(401);
    const polluted = jwt.sign(
      JSON.parse(`{"id":"x","iat":${now()},"exp":${now() + 60},"fields":{"__proto__":{"polluted":true}}}`) as object,
      secret,
      { issuer: key },
    );
    expect((await api(polluted, '/self')).status).toBe(401);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('D-52 the old secret after rotation: 200 within grace, 401 after', async () => {
    const slug = `rot-${kind}`;
    await createEnvironment(t.server.runtime.ctx, CLI_ACTOR, slug);
    const first = await createEnvironmentSecret(t.server.runtime.ctx, CLI_ACTOR, slug);
    const rotated = await rotateEnvironmentSecret(t.server.runtime.ctx, CLI_ACTOR, slug, 300);
    await settle(t);
    const sign = (s: string) =>
      jwt.sign({ id: 'r', iat: now(), exp: now() + 60 }, s, { issuer: first.environment_key });
    expect((await api(sign(first.environment_secret), '/self')).status).toBe(200);
    expect((await api(sign(rotated.environment_secret), '/self')).status).toBe(200);
    t.clock.advance(301);
    t.server.runtime.customerTokens.clear();
    expect((await api(sign(first.environment_secret), '/self')).status).toBe(401);
    expect((await api(sign(rotated.environment_secret), '/self')).status).toBe(200);
  });

  it("customers own projects: A can't reach B's, integrations and customers can't reach each other's", async () => {
    const a = hs({ id: 'alice' });
    const b = hs({ id: 'bob' });
    const created = await api(a, '/environments/default/projects', {
      method: 'POST',
      body: JSON.stringify({ name: "Alice's" }),
    });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect((await api(a, `/environments/default/projects/${id}`)).status).toBe(200);
    expect((await api(b, `/environments/default/projects/${id}`)).status).toBe(404);
    expect(((await api(b, '/environments/default/projects')).body.items as unknown[]).length).toBe(0);
    const c = await t.integration({ preset: 'all-permissions' });
    const it = String((await token(t.url, c.client_id, c.client_secret)).body.access_token);
    expect((await api(it, `/environments/default/projects/${id}`)).status).toBe(404);
    const own = await api(it, '/environments/default/projects', {
      method: 'POST',
      body: JSON.stringify({ name: "integration's" }),
    });
    expect((await api(a, `/environments/default/projects/${String(own.body.id)}`)).status).toBe(404);
    // Customer scopes: read media, no media writes, no customer management.
    expect((await api(a, '/environments/default/media')).status).toBe(200);
    expect((await api(a, '/environments/default/media', { method: 'POST', body: '{}' })).status).toBe(403);
    expect((await api(a, '/environments/default/customers')).status).toBe(403);
  });

  it("E-57 a customer whose id equals an integration's client_id is a different principal (owners are namespaced)", async () => {
    const c = await t.integration({ preset: 'all-permissions' });
    const it = String((await token(t.url, c.client_id, c.client_secret)).body.access_token);
    const own = await api(it, '/environments/default/projects', {
      method: 'POST',
      body: JSON.stringify({ name: 'integration-owned' }),
    });
    const lookalike = hs({ id: c.client_id });
    expect((await api(lookalike, `/environments/default/projects/${String(own.body.id)}`)).status).toBe(404);
    expect(((await api(lookalike, '/environments/default/projects')).body.items as unknown[]).length).toBe(0);
    expect((await api(lookalike, '/self')).body.type).toBe('customer');
  });

  it('customers are created on first use (audited) and not rewritten on every request', async () => {
    await api(hs({ id: 'carol', name: 'Carol', fields: { n: 1 } }), '/self');
    await settle(t);
    const row = await stored(t).customer('carol');
    t.clock.advance(10);
    await api(hs({ id: 'carol', name: 'Carol', fields: { n: 1 } }), '/self');
    await settle(t);
    expect(Number((await stored(t).customer('carol')).last_seen_at)).toBe(Number(row.last_seen_at));
    await api(hs({ id: 'carol', name: 'Carol C.', fields: { n: 2 } }), '/self');
    await settle(t);
    const { name, fields } = await stored(t).customer('carol');
    expect({ name, fields }).toEqual({ name: 'Carol C.', fields: '{"n":2}' });
    // The creation is audited once, by the customer; later updates from its tokens are not.
    const events = (await stored(t).auditEvents({ target: 'carol' })).map(({ action, actor }) => ({ action, actor }));
    expect(events).toEqual([{ action: 'customer.create', actor: 'customer:carol' }]);
  });

  it('admin tokens manage customers but own no projects', async () => {
    const admin = hs({ isAdmin: true });
    await api(hs({ id: 'dave' }), '/self');
    await settle(t);
    const list = await api(admin, '/environments/default/customers?limit=100');
    expect((list.body.items as { id: string }[]).map((c) => c.id)).toContain('dave');
    expect(
      (
        await api(admin, '/environments/default/customers/dave', {
          method: 'PATCH',
          body: JSON.stringify({ name: 'Dave' }),
        })
      ).body.name,
    ).toBe('Dave');
    expect(
      (await api(admin, '/environments/default/projects', { method: 'POST', body: JSON.stringify({ name: 'x' }) }))
        .status,
    ).toBe(403);
    // Fields alone change the fields, and keep the name.
    const fields = await api(admin, '/environments/default/customers/dave', {
      method: 'PATCH',
      body: JSON.stringify({ fields: { plan: 'pro' } }),
    });
    expect(fields.status).toBe(200);
    expect(fields.body).toMatchObject({ name: 'Dave', fields: { plan: 'pro' } });
    expect((await api(admin, '/environments/default/customers/dave', { method: 'DELETE' })).status).toBe(204);
    expect((await api(admin, '/environments/default/customers/dave')).status).toBe(404);
    // A customer that does not exist (or no longer does): 404 to a change or a delete, nothing written.
    const patchGone = await api(admin, '/environments/default/customers/dave', {
      method: 'PATCH',
      body: JSON.stringify({ name: 'Ghost' }),
    });
    expect(patchGone.status).toBe(404);
    expect((await api(admin, '/environments/default/customers/dave', { method: 'DELETE' })).status).toBe(404);
    expect((await api(admin, '/environments/default/customers/dave')).status).toBe(404);
    expect((await api(admin, '/environments/default/credentials')).status).toBe(403);
  });

  it("E-53 tenant A's admin token on tenant B's paths (or with ?environment=B): refused, B unchanged", async () => {
    const slug = `tenant-e53-${kind}`;
    await createEnvironment(t.server.runtime.ctx, CLI_ACTOR, slug);
    const b = await createEnvironmentSecret(t.server.runtime.ctx, CLI_ACTOR, slug);
    await api(
      jwt.sign({ id: 'b-user', iat: now(), exp: now() + 60 }, b.environment_secret, { issuer: b.environment_key }),
      '/self',
    );
    await settle(t);
    const adminA = hs({ isAdmin: true });
    for (const [method, path] of [
      ['GET', `/environments/${slug}/customers`],
      ['DELETE', `/environments/${slug}/customers/b-user`],
      ['GET', `/environments/default/customers/b-user?environment=${slug}`],
    ] as const) {
      const res = await api(adminA, path, { method });
      expect([401, 403, 404], path).toContain(res.status);
    }
    const row = (await stored(t).customers('b-user'))[0];
    expect(row?.id).toBe('b-user');
  });

  it('customer scopes are settable per environment', async () => {
    await updateEnvironment(t.server.runtime.ctx, CLI_ACTOR, 'default', { customer_scopes: ['media:read'] });
    await settle(t);
    const tok = hs({ id: 'erin' });
    expect((await api(tok, '/environments/default/media')).status).toBe(200);
    expect((await api(tok, '/environments/default/projects')).status).toBe(403);
    await updateEnvironment(t.server.runtime.ctx, CLI_ACTOR, 'default', {
      customer_scopes: ['projects:read', 'projects:write', 'media:read', 'fonts:read', 'outputs:create'],
    });
    await settle(t);
  });
});
