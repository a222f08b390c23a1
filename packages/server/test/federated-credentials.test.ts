/**
 * docs/security.md L-104…L-111: federated credentials (issue #26). A platform token (here from a
 * Kubernetes-shaped local issuer) authenticates as the integration whose credential trusts its
 * (`iss`, `sub`), as client authentication (RFC 7523 §2.2, failures 401 `invalid_client`) or as the
 * JWT bearer grant (§2.1, failures 400 `invalid_grant`), each failure naming its check.
 */
import { createServer as createTcpServer, type Server as TcpServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { base64url, SignJWT } from 'jose';
import { JWT_BEARER_GRANT, SECRETS_SCOPE, presetScopes } from '@gatehouse/contracts';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { capturedLogs, ISSUER, settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { postForm, request, type Res } from '@gatehouse/testing/http';
import { assertionForm, dpopProof, testKey } from '@gatehouse/testing/assertion';
import { startPlatformIssuer, type PlatformIssuer } from '@gatehouse/testing/platform-issuer';
import { persisted } from '@gatehouse/testing/persisted';
import { accessToken, call } from './management-helpers.js';
import { JWKS_FRESH_SECONDS } from '../src/auth/jwks-fetcher.js';
import { stored } from '@gatehouse/testing/stored';

describe.each(HTTP_STORE_KINDS)('federated credentials (%s)', (kind) => {
  let t: TestServer;
  let k8s: PlatformIssuer;
  let rsa: PlatformIssuer;
  let tcp: TcpServer;
  let tcpPort: number;
  let tcpConnections = 0;
  let admin: string;
  let workload: { client_id: string; client_secret: string };
  const SUB = 'system:serviceaccount:payments:api';
  const now = () => t.clock.seconds();
  const path = (clientId: string) => `/environments/default/integrations/${clientId}/federated-credentials`;
  const add = (clientId: string, body: Record<string, unknown>, bearer = admin) =>
    call(t, { bearer }, 'POST', path(clientId), body);
  const asClient = (token: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
    postForm(t.url, assertionForm(token, extra), headers);
  const asGrant = (token: string, extra: Record<string, string> = {}) =>
    postForm(t.url, { grant_type: JWT_BEARER_GRANT, assertion: token, ...extra });
  const saToken = (claims: Record<string, unknown> = {}) =>
    k8s.sign({ sub: SUB, aud: [ISSUER], iat: now(), exp: now() + 3600, ...claims });

  beforeAll(async () => {
    k8s = await startPlatformIssuer();
    rsa = await startPlatformIssuer('RS256', { publishAlg: false });
    tcp = createTcpServer((socket) => {
      tcpConnections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    tcpPort = (tcp.address() as AddressInfo).port;
    t = await startTestServer(kind, { config: { requestTimeoutMs: 5000, jwksUriAllowedHosts: [k8s.host, rsa.host] } });
    admin = await accessToken(t, await t.integration({ scopes: [...presetScopes('all-permissions'), SECRETS_SCOPE] }));
    workload = await t.integration({ preset: 'read-only' });
    const created = await add(workload.client_id, {
      issuer: k8s.issuer,
      subject: SUB,
      claims: { 'kubernetes.io.namespace': 'payments' },
    });
    expect(created.status).toBe(201);
    await settle(t);
  });
  // Each case starts with the failed-authentication windows (60 s) empty.
  beforeEach(() => t.clock.advance(61));
  afterAll(async () => {
    await t.close();
    await k8s.close();
    await rsa.close();
    await new Promise((resolve) => tcp.close(resolve));
  });

  it('a platform token authenticates as client_assertion (no client_id) and as the jwt-bearer grant; metadata lists the grant', async () => {
    const token = await saToken({ 'kubernetes.io': { namespace: 'payments' } });
    const a = await asClient(token);
    expect(a.status, a.text).toBe(200);
    expect(a.body.token_type).toBe('Bearer');
    const b = await asGrant(token, { scope: 'projects:read' });
    expect(b.status, b.text).toBe(200);
    expect(b.body.scope).toBe('projects:read');
    expect((await asClient(token, { client_id: workload.client_id })).status).toBe(200);
    expect((await asGrant(token, { client_id: workload.client_id })).status).toBe(200);
    // A client_id naming another integration fails; client authentication beside the grant is refused.
    const other = await asGrant(token, { client_id: 'cl_someone_else' });
    expect(other.body.error_description).toMatch(/^assertion refused \(issuer_subject\)/);
    const withSecret = await asGrant(token, { client_secret: 'x' });
    expect([withSecret.status, withSecret.body.error]).toEqual([400, 'invalid_request']);
    const meta = await request(`${t.url}/.well-known/oauth-authorization-server`);
    expect(meta.body.grant_types_supported).toContain(JWT_BEARER_GRANT);
  });

  it('L-110 the same platform token presented repeatedly gets the same reused access token; with DPoP it binds to the key', async () => {
    const token = await saToken({ 'kubernetes.io': { namespace: 'payments' } });
    const first = await asGrant(token);
    const again = await asGrant(token);
    const asAuth = await asClient(token);
    expect(again.body.access_token).toBe(first.body.access_token);
    expect(asAuth.body.access_token).toBe(first.body.access_token);
    const key = await testKey('ES256');
    const proof = await dpopProof(key, { htm: 'POST', htu: `${ISSUER}/oauth/token`, now: now() });
    const bound = await asClient(token, {}, { dpop: proof });
    expect(bound.status, bound.text).toBe(200);
    expect(bound.body.token_type).toBe('DPoP');
    const payload = JSON.parse(Buffer.from(String(bound.body.access_token).split('.')[1]!, 'base64url').toString()) as {
      cnf?: { jkt?: string };
    };
    expect(payload.cnf?.jkt).toBeTruthy();
  });

  it('L-104 a key not in the JWKS, alg none/HS256, an unknown kid: refused; a flood of unknown kids refetches at most once per cooldown', async () => {
    const stranger = await testKey('ES256');
    const claims = {
      sub: SUB,
      aud: ISSUER,
      iss: k8s.issuer,
      iat: now(),
      exp: now() + 600,
      'kubernetes.io': { namespace: 'payments' },
    };
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: k8s.keys[0]!.jwk.kid })
      .sign(stranger.privateKey);
    const none = `${base64url.encode(JSON.stringify({ alg: 'none' }))}.${base64url.encode(JSON.stringify(claims))}.`;
    const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('secret'));
    const cases: [string, string, string][] = [
      ['wrong key', forged, 'signature'],
      ['none', none, 'malformed'],
      ['HS256', hs, 'algorithm'],
    ];
    for (const [name, token, reason] of cases) {
      const a = await asClient(token);
      expect({ name, status: a.status, error: a.body.error }).toEqual({ name, status: 401, error: 'invalid_client' });
      expect(a.body.error_description).toMatch(new RegExp(`^client assertion refused \\(${reason}\\)`));
      const g = await asGrant(token);
      expect({ name, status: g.status, error: g.body.error }).toEqual({ name, status: 400, error: 'invalid_grant' });
      expect(g.body.error_description).toMatch(new RegExp(`^assertion refused \\(${reason}\\)`));
    }
    t.clock.advance(61);
    const before = k8s.hits['/openid/v1/jwks'] ?? 0;
    for (let i = 0; i < 8; i++) {
      const res = await asGrant(
        await k8s.sign({ ...claims, iat: now() }, { key: stranger, header: { kid: `unknown-${i}` } }),
      );
      expect(res.body.error_description).toMatch(/\(unknown_kid\)/);
    }
    expect((k8s.hits['/openid/v1/jwks'] ?? 0) - before).toBe(1);
  });

  it('L-105 wrong iss, sub or aud, or a claim condition not met (dotted path, nested object, array, wrong type): refused naming the check, never the value', async () => {
    const logsBefore = capturedLogs.length;
    const issuerHits = { ...k8s.hits };
    const cases: [string, Record<string, unknown>, string][] = [
      [
        'wrong sub',
        { sub: 'system:serviceaccount:payments:other', 'kubernetes.io': { namespace: 'payments' } },
        'issuer_subject',
      ],
      ['wrong iss', { iss: 'https://evil.example', 'kubernetes.io': { namespace: 'payments' } }, 'issuer_subject'],
      ['wrong aud', { aud: ['https://elsewhere.example'], 'kubernetes.io': { namespace: 'payments' } }, 'audience'],
      ['claim value', { 'kubernetes.io': { namespace: 'secret-ns-value' } }, 'claims'],
      ['claim missing', {}, 'claims'],
      ['array', { 'kubernetes.io': { namespace: ['payments'] } }, 'claims'],
      ['wrong type', { 'kubernetes.io': 'payments' }, 'claims'],
    ];
    for (const [name, claims, reason] of cases) {
      const res = await asGrant(await saToken(claims));
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      expect(res.body.error_description, name).toMatch(new RegExp(`^assertion refused \\(${reason}\\)`));
      expect(res.body.error_description, name).not.toMatch(/secret-ns-value|evil|elsewhere|other/);
    }
    // An issuer no credential names is never contacted (here: wrong iss pointed nowhere anyway; the local one was not asked again).
    expect(k8s.hits['/.well-known/openid-configuration']).toBe(issuerHits['/.well-known/openid-configuration']);
    await settle(t);
    const logged = capturedLogs
      .slice(logsBefore)
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.includes('platform token refused'))
      .map((line) => (JSON.parse(line) as { reason: string }).reason);
    expect(logged).toEqual(cases.map(([, , reason]) => reason));
    const audited = await stored(t).auditEvents({ action: 'client.auth_failed', target: workload.client_id });
    const reasons = audited.map((a) => (JSON.parse(a.details ?? '{}') as { reason?: string }).reason);
    for (const reason of ['audience', 'claims']) expect(reasons).toContain(reason);
  });

  it('L-106 expired, not yet valid, iat in the future, lifetime above the maximum, no exp: refused', async () => {
    const ns = { 'kubernetes.io': { namespace: 'payments' } };
    const before = await persisted(t);
    const cases: [string, Record<string, unknown>][] = [
      ['expired', { iat: now() - 7200, exp: now() - 3600 }],
      ['nbf future', { nbf: now() + 600 }],
      ['iat future', { iat: now() + 600, exp: now() + 1200 }],
      ['lifetime', { iat: now(), exp: now() + 86400 + 60 }],
      ['no exp', { exp: null }],
    ];
    for (const [name, claims] of cases) {
      const res = await asClient(await saToken({ ...ns, ...claims }));
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(res.body.error_description, name).toMatch(/^client assertion refused \(lifetime\)/);
    }
    expect(await persisted(t)).toBe(before);
  });

  it('L-107 an issuer on a loopback address outside the allowed hosts, plain http, a redirect: not fetched, refused, never 5xx', async () => {
    const bad = await add(workload.client_id, { issuer: `http://127.0.0.1:${tcpPort}`, subject: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_client_metadata');
    const other = await t.integration({ preset: 'read-only' });
    const issuer = `https://127.0.0.1:${tcpPort}`;
    expect((await add(other.client_id, { issuer, subject: 'loopback' })).status).toBe(201);
    await settle(t);
    const token = await k8s.sign({ iss: issuer, sub: 'loopback', aud: ISSUER, iat: now(), exp: now() + 600 });
    const res = await asGrant(token);
    expect(res.status).toBe(400);
    expect(res.body.error_description).toMatch(/^assertion refused \(issuer_keys\)/);
    expect(tcpConnections).toBe(0);
  });

  it('L-105 an issuer that no credential names is never contacted', async () => {
    const unknown = await startPlatformIssuer();
    try {
      const token = await unknown.sign({ sub: SUB, aud: ISSUER, iat: now(), exp: now() + 600 });
      expect((await asGrant(token)).body.error_description).toMatch(/^assertion refused \(issuer_subject\)/);
      expect((await asClient(token)).body.error_description).toMatch(/^client assertion refused \(issuer_subject\)/);
      expect(unknown.hits).toEqual({});
    } finally {
      await unknown.close();
    }
  });

  it('L-108 two integrations claim the same (issuer, subject): 409 naming the holder', async () => {
    const other = await t.integration({ preset: 'read-only' });
    const res = await add(other.client_id, { issuer: k8s.issuer, subject: SUB });
    expect(res.status).toBe(409);
    expect(res.body.error_description).toContain(workload.client_id);
    const list = await call(t, { bearer: admin }, 'GET', path(other.client_id));
    expect(list.body.items).toEqual([]);
  });

  it('L-109 a federated credential added to another integration without integrations:secrets: 403, nothing changed; its own: allowed', async () => {
    const caller = await t.integration({ preset: 'all-permissions' });
    const bearer = await accessToken(t, caller);
    const target = await t.integration({ preset: 'read-only' });
    const res = await add(target.client_id, { issuer: k8s.issuer, subject: 'l-109' }, bearer);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain(`scope="${SECRETS_SCOPE}"`);
    expect((await call(t, { bearer: admin }, 'GET', path(target.client_id))).body.items).toEqual([]);
    const own = await add(caller.client_id, { issuer: k8s.issuer, subject: 'l-109-own' }, bearer);
    expect(own.status).toBe(201);
    const removed = await call(t, { bearer }, 'DELETE', `${path(caller.client_id)}/${String(own.body.id)}`);
    expect(removed.status).toBe(204);
  });

  it('L-111 the issuer rotates its key: the new kid is accepted after one JWKS refresh; the old one refused once removed and the cache expired', async () => {
    const old = k8s.keys[k8s.keys.length - 1]!;
    await k8s.rotate();
    const before = k8s.hits['/openid/v1/jwks'] ?? 0;
    const ns = { 'kubernetes.io': { namespace: 'payments' } };
    const res = await asGrant(await saToken({ ...ns, jti: 'new-kid' }));
    expect(res.status, res.text).toBe(200);
    expect((k8s.hits['/openid/v1/jwks'] ?? 0) - before).toBe(1);
    expect(
      (await asGrant(await k8s.sign({ sub: SUB, aud: ISSUER, iat: now(), exp: now() + 600, ...ns }, { key: old })))
        .status,
    ).toBe(200);
    k8s.keys.splice(0, k8s.keys.indexOf(old) + 1);
    t.clock.advance(JWKS_FRESH_SECONDS + 1);
    const refused = await asGrant(
      await k8s.sign({ sub: SUB, aud: ISSUER, iat: now(), exp: now() + 600, ...ns }, { key: old }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error_description).toMatch(/\(unknown_kid\)/);
  });

  it('an RSA key published without alg (as Microsoft Entra and some clusters do) verifies RS256 tokens', async () => {
    {
      const c = await t.integration({ preset: 'read-only' });
      expect((await add(c.client_id, { issuer: rsa.issuer, subject: 'rsa', jwks_uri: rsa.jwksUri })).status).toBe(201);
      await settle(t);
      const res = await asGrant(await rsa.sign({ sub: 'rsa', aud: ISSUER, iat: now(), exp: now() + 600 }));
      expect(res.status, res.text).toBe(200);
      expect(rsa.hits['/.well-known/openid-configuration']).toBeUndefined();
    }
  });

  it('an integration created with federated credentials only has no secret and no key; a held pair is 409 and creates nothing', async () => {
    const created = await call(t, { bearer: admin }, 'POST', '/environments/default/integrations', {
      name: 'federated only',
      preset: 'read-only',
      token_endpoint_auth_method: 'private_key_jwt',
      federated_credentials: [{ issuer: k8s.issuer, subject: 'system:serviceaccount:ci:only' }],
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.client_secret).toBeUndefined();
    expect(created.body.token_endpoint_auth_method).toBe('private_key_jwt');
    const clientId = String(created.body.client_id);
    await settle(t);
    const token = await k8s.sign({ sub: 'system:serviceaccount:ci:only', aud: ISSUER, iat: now(), exp: now() + 600 });
    const res = await asGrant(token);
    expect(res.status, res.text).toBe(200);
    const before = (await call(t, { bearer: admin }, 'GET', '/environments/default/integrations?limit=100')).body
      .items as unknown[];
    const dup = await call(t, { bearer: admin }, 'POST', '/environments/default/integrations', {
      name: 'duplicate',
      preset: 'read-only',
      token_endpoint_auth_method: 'private_key_jwt',
      federated_credentials: [{ issuer: k8s.issuer, subject: 'system:serviceaccount:ci:only' }],
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error_description).toContain(clientId);
    const after = (await call(t, { bearer: admin }, 'GET', '/environments/default/integrations?limit=100')).body
      .items as unknown[];
    expect(after.length).toBe(before.length);
    const none = await call(t, { bearer: admin }, 'POST', '/environments/default/integrations', {
      name: 'nothing',
      preset: 'read-only',
      token_endpoint_auth_method: 'private_key_jwt',
    });
    expect([none.status, none.body.error]).toEqual([400, 'invalid_client_metadata']);
  });

  it('a removed credential no longer authenticates; a disabled integration is refused', async () => {
    const c = await t.integration({ preset: 'read-only' });
    const created = await add(c.client_id, { issuer: k8s.issuer, subject: 'removable', audience: 'gatehouse' });
    await settle(t);
    const token = await k8s.sign({ sub: 'removable', aud: 'gatehouse', iat: now(), exp: now() + 600 });
    expect((await asGrant(token)).status).toBe(200);
    await call(t, { bearer: admin }, 'PATCH', `/environments/default/integrations/${c.client_id}`, { enabled: false });
    await settle(t);
    const disabled: Res = await asGrant(token);
    expect(disabled.status).toBe(400);
    expect((await call(t, { bearer: admin }, 'DELETE', `${path(c.client_id)}/${String(created.body.id)}`)).status).toBe(
      204,
    );
    await settle(t);
    expect((await asClient(token)).body.error_description).toMatch(/\(issuer_subject\)/);
  });
});
