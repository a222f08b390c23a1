/**
 * Token exchange (RFC 8693) at /oauth/token over real HTTP: docs/security.md rows M-112…M-117 and
 * M-119, introspection of exchanged tokens, the Environment API's view of them, and the chain
 * revoked on one node (the two-node chain is token-exchange-chain.test.ts).
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jwt from 'jsonwebtoken';
import { DEFAULT_CUSTOMER_SCOPES } from '@gatehouse/contracts';
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import { CLI_ACTOR } from '../src/context.js';
import { updateIntegration } from '../src/services/integrations.js';
import { deleteIntegration } from '../src/services/integration-lifecycle.js';
import {
  addPublicKey,
  createEnvironmentSecret,
  removePublicKey,
  rotateEnvironmentSecret,
} from '../src/services/credentials.js';
import { createEnvironment, updateEnvironment } from '../src/services/environments.js';
import { createApi } from '../src/services/apis.js';
import { deleteCustomer } from '../src/services/customers.js';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { ISSUER, settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { basic, postForm, request, token } from '@gatehouse/testing/http';
import { dpopProof, testKey } from '@gatehouse/testing/assertion';
import { tamper } from '@gatehouse/testing/tamper';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const AT = 'urn:ietf:params:oauth:token-type:access_token';
const JWT = 'urn:ietf:params:oauth:token-type:jwt';
const ORDERS = 'https://orders.example';

type Client = { client_id: string; client_secret: string };

describe.each(HTTP_STORE_KINDS)('token exchange (%s)', (kind) => {
  let t: TestServer;
  let envKey: string;
  let envSecret: string;
  let exchanger: Client;
  let subject: Client;
  let plain: Client;
  const now = () => t.clock.seconds();
  const accessToken = async (c: Client, extra: Record<string, string> = {}) => {
    const res = await token(t.url, c.client_id, c.client_secret, extra);
    expect(res.status).toBe(200);
    return String(res.body.access_token);
  };
  const exchange = (c: Client, params: Record<string, string>) =>
    postForm(t.url, { grant_type: GRANT, ...params }, { authorization: basic(c.client_id, c.client_secret) });
  const self = (tok: string) => request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${tok}` } });
  const introspect = (c: Client, tok: string) =>
    postForm(t.url, { token: tok }, { authorization: basic(c.client_id, c.client_secret) }, '/oauth/introspect');
  const customerToken = (id: string, claims: object = {}, secret = envSecret) =>
    jwt.sign({ id, iat: now(), exp: now() + 600, ...claims }, secret, { algorithm: 'HS256', issuer: envKey });
  const enableExchange = async (c: Client, audiences?: string[] | null) => {
    await updateIntegration(t.server.runtime.ctx, CLI_ACTOR, c.client_id, {
      token_exchange: { enabled: true, ...(audiences !== undefined && { audiences }) },
    });
    await settle(t);
  };

  beforeAll(async () => {
    t = await startTestServer(kind);
    const ctx = t.server.runtime.ctx;
    const creds = await createEnvironmentSecret(ctx, CLI_ACTOR, 'default');
    envKey = creds.environment_key;
    envSecret = creds.environment_secret;
    await createApi(ctx, CLI_ACTOR, 'default', {
      name: 'Orders',
      audience: ORDERS,
      scopes: [{ value: 'orders:read' }, { value: 'orders:write' }],
    });
    exchanger = await t.integration({
      grants: [
        { audience: t.config.audience, scopes: ['media:read', 'projects:read', 'fonts:read'] },
        { audience: ORDERS, scopes: ['orders:read'] },
      ],
    });
    subject = await t.integration({ scopes: ['media:read', 'media:write', 'projects:read'] });
    plain = await t.integration({ scopes: ['media:read'] });
    await enableExchange(exchanger);
  });
  afterAll(() => t.close());

  it('metadata lists the grant; the setting is off by default and shown on the integration', async () => {
    const meta = await request(`${t.url}/.well-known/oauth-authorization-server`);
    expect(meta.body.grant_types_supported).toContain(GRANT);
    const fresh = await updateIntegration(t.server.runtime.ctx, CLI_ACTOR, plain.client_id, {});
    expect(fresh.token_exchange).toEqual({ enabled: false, audiences: null });
  });

  it('the management API sets token_exchange by PATCH and shows it on GET', async () => {
    const admin = await t.integration({ preset: 'all-permissions' });
    const target = await t.integration({ scopes: ['media:read'] });
    const bearer = { authorization: `Bearer ${await accessToken(admin)}`, 'content-type': 'application/json' };
    const url = `${t.url}/api/v1/environments/default/integrations/${target.client_id}`;
    const patched = await request(url, {
      method: 'PATCH',
      headers: bearer,
      body: JSON.stringify({ token_exchange: { enabled: true, audiences: [ORDERS] } }),
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.token_exchange).toEqual({ enabled: true, audiences: [ORDERS] });
    expect((await request(url, { headers: bearer })).body.token_exchange).toEqual({
      enabled: true,
      audiences: [ORDERS],
    });
    const unknown = await request(url, {
      method: 'PATCH',
      headers: bearer,
      body: JSON.stringify({ token_exchange: { enabled: true, audiences: ['https://unknown.example'] } }),
    });
    expect(unknown.status).toBe(400);
  });

  it('M-112: an integration without token exchange enabled sends the grant → 400 unauthorized_client', async () => {
    const res = await exchange(plain, { subject_token: await accessToken(subject), subject_token_type: AT });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
    expect(res.body.access_token).toBeUndefined();
  });

  it('M-113: subject revoked, expired, of another environment, signed by an unknown key, or a customer token with a bad signature → invalid_grant', async () => {
    const revoked = await accessToken(subject, { scope: 'media:read' });
    const rev = await postForm(
      t.url,
      { token: revoked },
      { authorization: basic(subject.client_id, subject.client_secret) },
      '/oauth/revoke',
    );
    expect(rev.status).toBe(200);

    await createEnvironment(t.server.runtime.ctx, CLI_ACTOR, 'other');
    const foreign = await t.integration({ scopes: ['media:read'] }, 'other');
    const foreignToken = await accessToken(foreign);

    const { privateKey } = await generateKeyPair('ES256');
    const good = decodeJwt(await accessToken(subject));
    const forged = await new SignJWT({ ...good })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'unknown-kid' })
      .sign(privateKey);

    const badSignature = customerToken('cust-bad', {}, 'x'.repeat(64));

    for (const [tok, type] of [
      [revoked, AT],
      [foreignToken, AT],
      [forged, AT],
      [badSignature, JWT],
      ['not-a-token', AT],
    ] as const) {
      const res = await exchange(exchanger, { subject_token: tok, subject_token_type: type });
      expect(res.status, type).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    }

    // Expired: a subject minted now, then the clock moves past its exp.
    const expiring = customerToken('cust-exp', { exp: now() + 30 });
    t.clock.advance(31 + t.config.clockSkew); // customer tokens are verified with the skew allowance
    const expired = await exchange(exchanger, { subject_token: expiring, subject_token_type: JWT });
    expect(expired.status).toBe(400);
    expect(expired.body.error).toBe('invalid_grant');
  });

  it('M-114: scope or audience wider than the subject’s or than the client may grant → invalid_scope / invalid_target', async () => {
    const narrow = await accessToken(subject, { scope: 'media:read' });
    const cases: [Record<string, string>, string][] = [
      [{ scope: 'media:write' }, 'invalid_scope'], // the subject holds it, the exchanger may not grant it
      [{ scope: 'projects:read' }, 'invalid_scope'], // the exchanger may grant it, the subject token lacks it
      [{ scope: 'media:read fonts:read' }, 'invalid_scope'],
      [{ audience: ORDERS }, 'invalid_target'], // the subject holds nothing on the tenant API
      [{ audience: 'https://unknown.example' }, 'invalid_target'],
      [{ resource: ORDERS, audience: t.config.audience }, 'invalid_target'],
    ];
    for (const [params, error] of cases) {
      const res = await exchange(exchanger, { subject_token: narrow, subject_token_type: AT, ...params });
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.body.error, JSON.stringify(params)).toBe(error);
      expect(res.body.access_token).toBeUndefined();
    }
    // A token is never turned into one for another API than its own, even one its integration holds.
    const both = await t.integration({
      grants: [
        { audience: t.config.audience, scopes: ['media:read'] },
        { audience: ORDERS, scopes: ['orders:read'] },
      ],
    });
    for (const [from, to] of [
      [t.config.audience, ORDERS],
      [ORDERS, t.config.audience],
    ] as const) {
      const res = await exchange(exchanger, {
        subject_token: await accessToken(both, { audience: from }),
        subject_token_type: AT,
        audience: to,
      });
      expect(res.body.error, `${from} → ${to}`).toBe('invalid_target');
    }
    // Without `scope`: the intersection, never wider than either.
    const ok = await exchange(exchanger, { subject_token: await accessToken(subject), subject_token_type: AT });
    expect(ok.status).toBe(200);
    expect(ok.body.scope).toBe('projects:read media:read');
    // An audience list on the exchanger narrows where it may exchange to.
    await enableExchange(exchanger, [ORDERS]);
    const barred = await exchange(exchanger, { subject_token: narrow, subject_token_type: AT });
    expect(barred.body.error).toBe('invalid_target');
    await enableExchange(exchanger, null);
  });

  it('M-115: a subject token with may_act naming another client → invalid_grant; naming the caller → exchanged', async () => {
    const other = customerToken('cust-may', { may_act: { sub: plain.client_id } });
    const refused = await exchange(exchanger, { subject_token: other, subject_token_type: JWT });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
    const named = customerToken('cust-may', { may_act: { sub: exchanger.client_id } });
    const ok = await exchange(exchanger, { subject_token: named, subject_token_type: JWT });
    expect(ok.status).toBe(200);
  });

  it('M-113: a DPoP-bound subject token is exchanged only by the client it was issued to', async () => {
    const key = await testKey('ES256');
    const proof = () => dpopProof(key, { htm: 'POST', htu: `${ISSUER}/oauth/token`, now: now() });
    const bound = await postForm(
      t.url,
      { grant_type: 'client_credentials' },
      { authorization: basic(subject.client_id, subject.client_secret), dpop: await proof() },
    );
    expect(bound.body.token_type).toBe('DPoP');
    const stolen = await exchange(exchanger, {
      subject_token: String(bound.body.access_token),
      subject_token_type: AT,
    });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
  });

  it('M-116: an actor_token that is not the calling client’s own → invalid_request', async () => {
    const subjectToken = await accessToken(subject);
    const foreignActor = await exchange(exchanger, {
      subject_token: subjectToken,
      subject_token_type: AT,
      actor_token: await accessToken(subject),
      actor_token_type: AT,
    });
    expect(foreignActor.status).toBe(400);
    expect(foreignActor.body.error).toBe('invalid_request');
    const noType = await exchange(exchanger, {
      subject_token: subjectToken,
      subject_token_type: AT,
      actor_token: await accessToken(exchanger),
    });
    expect(noType.body.error).toBe('invalid_request');
    const own = await exchange(exchanger, {
      subject_token: subjectToken,
      subject_token_type: AT,
      actor_token: await accessToken(exchanger),
      actor_token_type: AT,
    });
    expect(own.status).toBe(200);
    const jwtRequested = await exchange(exchanger, {
      subject_token: subjectToken,
      subject_token_type: AT,
      requested_token_type: JWT,
    });
    expect(jwtRequested.body.error).toBe('invalid_request');
  });

  it('M-117: exp ≤ the subject’s; act names the exchanging client, nested when the subject had one; the Environment API sees the subject with act', async () => {
    const subjectToken = await accessToken(subject);
    const subjectExp = decodeJwt(subjectToken).exp!;
    // Part of the subject's life has passed: a fresh lifetime would outlive it.
    t.clock.advance(Math.floor((subjectExp - now()) / 3));
    const res = await exchange(exchanger, { subject_token: subjectToken, subject_token_type: AT });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.issued_token_type).toBe(AT);
    expect(res.body.token_type).toBe('Bearer');
    const first = String(res.body.access_token);
    const claims = decodeJwt(first);
    expect(claims.exp).toBe(subjectExp);
    expect(claims.sub).toBe(subject.client_id);
    expect(claims.client_id).toBe(exchanger.client_id);
    expect(claims.act).toEqual({ sub: exchanger.client_id });

    const second = await t.integration({ scopes: ['media:read'] });
    await enableExchange(second);
    const nested = await exchange(second, { subject_token: first, subject_token_type: AT });
    expect(nested.status).toBe(200);
    const nestedClaims = decodeJwt(String(nested.body.access_token));
    expect(nestedClaims.sub).toBe(subject.client_id);
    expect(nestedClaims.act).toEqual({ sub: second.client_id, act: { sub: exchanger.client_id } });
    expect(nestedClaims.exp).toBeLessThanOrEqual(claims.exp!);
    expect(nestedClaims.scope).toBe('media:read');

    const me = await self(String(nested.body.access_token));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      type: 'integration',
      client_id: subject.client_id,
      scopes: ['media:read'],
      act: { sub: second.client_id, act: { sub: exchanger.client_id } },
    });
    const seen = await introspect(plain, String(nested.body.access_token));
    expect(seen.body).toMatchObject({
      active: true,
      exchanged: true,
      sub: subject.client_id,
      client_id: second.client_id,
      act: { sub: second.client_id, act: { sub: exchanger.client_id } },
    });
    // Authorization on current state: the subject loses media:read → the exchanged token carries nothing.
    await updateIntegration(t.server.runtime.ctx, CLI_ACTOR, subject.client_id, { scopes: ['projects:read'] });
    await settle(t);
    expect((await introspect(plain, String(nested.body.access_token))).body).toEqual({ active: false });
    await updateIntegration(t.server.runtime.ctx, CLI_ACTOR, subject.client_id, {
      scopes: ['media:read', 'media:write', 'projects:read'],
    });
    await settle(t);
  });

  it('a customer token is exchanged for the customer: /self answers the customer with act', async () => {
    const res = await exchange(exchanger, {
      subject_token: customerToken('cust-self', { name: 'Ada' }),
      subject_token_type: JWT,
      scope: 'projects:read',
    });
    expect(res.status).toBe(200);
    const tok = String(res.body.access_token);
    expect(decodeJwt(tok)).toMatchObject({ sub: 'cust-self', act: { sub: exchanger.client_id }, iss: ISSUER });
    const me = await self(tok);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ type: 'customer', id: 'cust-self', act: { sub: exchanger.client_id } });
    // For a tenant API the exchanger's grants there bound the token.
    const orders = await exchange(exchanger, {
      subject_token: customerToken('cust-self'),
      subject_token_type: JWT,
      audience: ORDERS,
    });
    expect(orders.status).toBe(200);
    expect(orders.body.scope).toBe('orders:read');
    expect(decodeJwt(String(orders.body.access_token)).aud).toBe(ORDERS);
  });

  it("M-117: a customer's exchanged token introspects within the environment's customer scopes as they are now", async () => {
    const res = await exchange(exchanger, {
      subject_token: customerToken('cust-introspect'),
      subject_token_type: JWT,
      scope: 'media:read projects:read',
    });
    expect(res.status).toBe(200);
    const tok = String(res.body.access_token);
    expect(String(res.body.scope).split(' ').sort()).toEqual(['media:read', 'projects:read']);
    expect((await introspect(plain, tok)).body).toMatchObject({
      active: true,
      scope: res.body.scope,
      sub: 'cust-introspect',
      exchanged: true,
      subject_type: 'customer',
      act: { sub: exchanger.client_id },
    });
    const ctx = t.server.runtime.ctx;
    try {
      // The environment stops letting customers read projects: the token's scope shrinks with it…
      await updateEnvironment(ctx, CLI_ACTOR, 'default', { customer_scopes: ['media:read'] });
      await settle(t);
      expect((await introspect(plain, tok)).body).toMatchObject({ active: true, scope: 'media:read' });
      const read = (what: string) =>
        request(`${t.url}/api/v1/environments/default/${what}`, { headers: { authorization: `Bearer ${tok}` } });
      expect((await read('media')).status).toBe(200);
      expect((await read('projects')).status).toBe(403);
      // …and with none of its scopes left, the token is inactive.
      await updateEnvironment(ctx, CLI_ACTOR, 'default', { customer_scopes: ['fonts:read'] });
      await settle(t);
      expect((await introspect(plain, tok)).body).toEqual({ active: false });
    } finally {
      await updateEnvironment(ctx, CLI_ACTOR, 'default', { customer_scopes: [...DEFAULT_CUSTOMER_SCOPES] });
      await settle(t);
    }
  });

  it('M-117: an exchanged token follows its acting integration now: refused once it requires DPoP or is disabled', async () => {
    const actor = await t.integration({ scopes: ['media:read', 'projects:read'] });
    await enableExchange(actor);
    const forCustomer = async () => {
      const res = await exchange(actor, { subject_token: customerToken('cust-actor'), subject_token_type: JWT });
      expect(res.status).toBe(200);
      return String(res.body.access_token);
    };
    const forIntegration = async () => {
      const res = await exchange(actor, { subject_token: await accessToken(plain), subject_token_type: AT });
      expect(res.status).toBe(200);
      return String(res.body.access_token);
    };
    const customer = await forCustomer();
    const integration = await forIntegration();
    expect((await self(customer)).status).toBe(200);
    expect((await self(integration)).status).toBe(200);
    // The acting integration now requires DPoP-bound tokens: its unbound exchanged tokens are refused.
    await updateIntegration(t.server.runtime.ctx, CLI_ACTOR, actor.client_id, { dpop_bound_access_tokens: true });
    await settle(t);
    expect((await self(customer)).status).toBe(401);
    expect((await self(integration)).status).toBe(401);
    await updateIntegration(t.server.runtime.ctx, CLI_ACTOR, actor.client_id, { dpop_bound_access_tokens: false });
    await settle(t);
    expect((await self(customer)).status).toBe(200);
    // Disabled: refused too.
    await updateIntegration(t.server.runtime.ctx, CLI_ACTOR, actor.client_id, { enabled: false });
    await settle(t);
    expect((await self(customer)).status).toBe(401);
    expect((await self(integration)).status).toBe(401);
  });

  it('M-118: deleting a customer ends the tokens exchanged for it (and only its)', async () => {
    const forCustomer = async (id: string) => {
      const res = await exchange(exchanger, { subject_token: customerToken(id), subject_token_type: JWT });
      expect(res.status).toBe(200);
      return String(res.body.access_token);
    };
    const gone = await forCustomer('cust-deleted');
    const kept = await forCustomer('cust-kept');
    // The customers are written off the request path on first sight.
    await self(customerToken('cust-deleted'));
    await settle(t);
    expect((await introspect(plain, gone)).body.active).toBe(true);
    const { environmentId } = (await t.server.runtime.directory.client(plain.client_id))!;
    await deleteCustomer(t.server.runtime.ctx, CLI_ACTOR, environmentId, 'cust-deleted');
    await settle(t);
    expect((await introspect(plain, gone)).body).toEqual({ active: false });
    expect((await self(gone)).status).toBe(401);
    expect((await introspect(plain, kept)).body.active).toBe(true);
  });

  it("M-117: introspection follows the exchanged token's subject now; a customer's tenant-API token is bounded by the exchanger's grants only", async () => {
    const subjectNow = await t.integration({ scopes: ['media:read'] });
    const res = await exchange(exchanger, {
      subject_token: await accessToken(subjectNow),
      subject_token_type: AT,
    });
    expect(res.status).toBe(200);
    const tok = String(res.body.access_token);
    expect((await introspect(plain, tok)).body).toMatchObject({ active: true, subject_type: 'integration' });
    // The subject disabled: its exchanged token is inactive.
    await updateIntegration(t.server.runtime.ctx, CLI_ACTOR, subjectNow.client_id, { enabled: false });
    await settle(t);
    expect((await introspect(plain, tok)).body).toEqual({ active: false });
    // The subject removed: its exchanged token is inactive too.
    const removed = await t.integration({ scopes: ['media:read'] });
    const fromRemoved = await exchange(exchanger, {
      subject_token: await accessToken(removed),
      subject_token_type: AT,
    });
    expect(fromRemoved.status).toBe(200);
    await deleteIntegration(t.server.runtime.ctx, CLI_ACTOR, removed.client_id);
    await settle(t);
    expect((await introspect(plain, String(fromRemoved.body.access_token))).body).toEqual({ active: false });
    // The subject disabled by a hand on the store, its exchanged token left unrevoked: inactive all
    // the same, because introspection reads the subject as it is now, not whether a revocation ran.
    const byHand = await t.integration({ scopes: ['media:read'] });
    const fromByHand = await exchange(exchanger, { subject_token: await accessToken(byHand), subject_token_type: AT });
    expect(fromByHand.status).toBe(200);
    const handTok = String(fromByHand.body.access_token);
    expect((await introspect(plain, handTok)).body).toMatchObject({ active: true });
    await tamper(t).disableIntegrationKeepingTokens(byHand.client_id, now());
    await settle(t);
    expect((await introspect(plain, handTok)).body).toEqual({ active: false });
    // A customer's token for a tenant API: the environment's customer scopes (content scopes) don't apply there.
    const orders = await exchange(exchanger, {
      subject_token: customerToken('cust-orders'),
      subject_token_type: JWT,
      audience: ORDERS,
    });
    expect(orders.status).toBe(200);
    expect((await introspect(plain, String(orders.body.access_token))).body).toMatchObject({
      active: true,
      scope: 'orders:read',
      aud: ORDERS,
      subject_type: 'customer',
    });
  });

  it('M-119: reuse across two subjects with the same scopes never hands one subject’s token to another', async () => {
    // Long enough to leave a reuse window before the subject's exp.
    const a = customerToken('cust-a', { exp: now() + 7200 });
    const b = customerToken('cust-b', { exp: now() + 7200 });
    const ex = async (tok: string) =>
      String((await exchange(exchanger, { subject_token: tok, subject_token_type: JWT })).body.access_token);
    const [ta, tb, ta2] = await Promise.all([ex(a), ex(b), ex(a)]);
    expect(decodeJwt(ta).sub).toBe('cust-a');
    expect(decodeJwt(tb).sub).toBe('cust-b');
    expect(ta2).toBe(ta);
    expect(tb).not.toBe(ta);
    // Two integration subjects with the same scopes.
    const twin = await t.integration({ scopes: ['media:read', 'media:write', 'projects:read'] });
    const s1 = await ex2(await accessToken(subject));
    const s2 = await ex2(await accessToken(twin));
    expect(decodeJwt(s1).sub).toBe(subject.client_id);
    expect(decodeJwt(s2).sub).toBe(twin.client_id);
    async function ex2(tok: string) {
      return String((await exchange(exchanger, { subject_token: tok, subject_token_type: AT })).body.access_token);
    }
  });

  it('M-118 (one node): revoking the subject revokes every token derived from it, at any depth', async () => {
    const root = await accessToken(subject, { scope: 'media:read' });
    const child = String(
      (await exchange(exchanger, { subject_token: root, subject_token_type: AT })).body.access_token,
    );
    const second = await t.integration({ scopes: ['media:read'] });
    await enableExchange(second);
    const grandchild = String(
      (await exchange(second, { subject_token: child, subject_token_type: AT })).body.access_token,
    );
    expect((await self(grandchild)).status).toBe(200);
    await postForm(
      t.url,
      { token: root },
      { authorization: basic(subject.client_id, subject.client_secret) },
      '/oauth/revoke',
    );
    expect((await self(child)).status).toBe(401);
    expect((await self(grandchild)).status).toBe(401);
    expect((await introspect(plain, grandchild)).body).toEqual({ active: false });
    const again = await exchange(second, { subject_token: child, subject_token_type: AT });
    expect(again.body.error).toBe('invalid_grant');
  });

  it('M-118: rotating the environment secret or removing a public key ends the tokens exchanged for customers; a second secret is 409', async () => {
    const ctx = t.server.runtime.ctx;
    await expect(createEnvironmentSecret(ctx, CLI_ACTOR, 'default')).rejects.toMatchObject({ status: 409 });
    const forCustomer = async (id: string) => {
      const res = await exchange(exchanger, { subject_token: customerToken(id), subject_token_type: JWT });
      expect(res.status).toBe(200);
      return String(res.body.access_token);
    };
    const beforeRotation = await forCustomer('cust-rotation');
    expect((await introspect(plain, beforeRotation)).body.active).toBe(true);
    envSecret = (await rotateEnvironmentSecret(ctx, CLI_ACTOR, 'default')).environment_secret;
    await settle(t);
    expect((await introspect(plain, beforeRotation)).body).toEqual({ active: false });
    const beforeRemoval = await forCustomer('cust-removal');
    expect((await introspect(plain, beforeRemoval)).body.active).toBe(true);
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = await addPublicKey(ctx, CLI_ACTOR, 'default', {
      alg: 'ES256',
      key: publicKey.export({ type: 'spki', format: 'pem' }) as string,
      kid: 'm118',
    });
    await removePublicKey(ctx, CLI_ACTOR, 'default', key.id);
    await settle(t);
    expect((await introspect(plain, beforeRemoval)).body).toEqual({ active: false });
  });
});
