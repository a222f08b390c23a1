/**
 * docs/security.md section B: parameters and content types at the token endpoint, over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { CLI_ACTOR } from '../src/context.js';
import { createApi } from '../src/services/apis.js';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { basic, postForm, postJson, request, token } from '@gatehouse/testing/http';
import { persisted } from '@gatehouse/testing/persisted';

describe.each(HTTP_STORE_KINDS)('token endpoint parameters (%s)', (kind) => {
  let t: TestServer;
  let ro: { client_id: string; client_secret: string };
  let auth: Record<string, string>;
  beforeAll(async () => {
    t = await startTestServer(kind);
    ro = await t.integration({ preset: 'read-only' });
    auth = { authorization: basic(ro.client_id, ro.client_secret) };
  });
  afterAll(() => t.close());

  it('B-12 GET and PUT: 405 invalid_request, nothing persisted', async () => {
    const before = await persisted(t);
    for (const method of ['GET', 'PUT']) {
      const res = await request(`${t.url}/oauth/token`, { method, headers: auth });
      expect(res.status).toBe(405);
      expect(res.body.error).toBe('invalid_request');
    }
    expect(await persisted(t)).toBe(before);
  });

  it('B-13 missing grant_type: 400 invalid_request', async () => {
    const res = await postForm(t.url, {}, auth);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it.each(['password', 'authorization_code', 'foo'])(
    'B-14 grant_type=%s: 400 unsupported_grant_type',
    async (grant) => {
      const res = await postForm(t.url, { grant_type: grant }, auth);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unsupported_grant_type');
    },
  );

  it.each([
    ['scope twice', 'grant_type=client_credentials&scope=media:read&scope=fonts:read'],
    ['grant_type twice', 'grant_type=client_credentials&grant_type=client_credentials'],
  ])('B-15 %s: 400 invalid_request', async (_n, body) => {
    const res = await postForm(t.url, body, auth);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('B-16 JSON with a duplicate key: 400 invalid_request', async () => {
    const res = await postJson(t.url, '{"grant_type":"client_credentials","scope":"media:read","scope":"admin"}', auth);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('JSON bodies follow the form rules and work', async () => {
    const res = await postJson(t.url, {
      grant_type: 'client_credentials',
      client_id: ro.client_id,
      client_secret: ro.client_secret,
      scope: 'media:read',
    });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('media:read');
  });

  it.each([
    ['text/plain', 'grant_type=client_credentials'],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nclient_credentials\r\n--x--',
    ],
    ['application/json', 'grant_type=client_credentials'],
  ])('B-17 content type %s: 400 invalid_request, nothing persisted', async (type, body) => {
    const before = await persisted(t);
    const res = await request(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { ...auth, 'content-type': type },
      body,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(await persisted(t)).toBe(before);
  });

  it('B-17 missing content type: 400 invalid_request', async () => {
    const res = await request(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: auth,
      body: new Uint8Array(Buffer.from('grant_type=client_credentials')),
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it.each([
    ['malformed JSON', 'json', '{"grant_type":'],
    ['top-level array', 'json', '["grant_type"]'],
    ['array member', 'json', '{"grant_type":"client_credentials","scope":["media:read"]}'],
    ['number member', 'json', '{"grant_type":"client_credentials","scope":1}'],
    ['client_secret[$ne]', 'form', 'grant_type=client_credentials&client_id=x&client_secret[$ne]=x'],
    ['scope[0]', 'form', 'grant_type=client_credentials&scope[0]=media:read'],
  ])('B-18 %s: 400 invalid_request', async (_n, type, body) => {
    const res = type === 'json' ? await postJson(t.url, body, auth) : await postForm(t.url, body, auth);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('B-19 body over 64 KiB: 413', async () => {
    const res = await postForm(t.url, `grant_type=client_credentials&pad=${'a'.repeat(70 * 1024)}`, auth);
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('invalid_request');
  });

  it('B-20 scope outside the allowlist: 400 invalid_scope, no partial token', async () => {
    const before = await persisted(t);
    for (const scope of ['media:read admin', 'media:write', 'nonsense']) {
      const res = await token(t.url, ro.client_id, ro.client_secret, { scope });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_scope');
      expect(res.body.access_token).toBeUndefined();
    }
    expect(await persisted(t)).toBe(before);
  });

  it('B-21 scope= (empty) is treated as omitted: every granted scope, echoed', async () => {
    const res = await token(t.url, ro.client_id, ro.client_secret, { scope: '' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('projects:read media:read fonts:read');
  });

  it("B-22 unknown audience, audience not granted, another tenant's audience: 400 invalid_target", async () => {
    const ctx = t.server.runtime.ctx;
    await createApi(ctx, CLI_ACTOR, 'default', {
      name: 'Billing',
      audience: 'https://billing.example',
      scopes: [{ value: 'invoices:read' }],
    });
    const { createEnvironment } = await import('../src/services/environments.js');
    await createEnvironment(ctx, CLI_ACTOR, `other-${kind}`);
    await createApi(ctx, CLI_ACTOR, `other-${kind}`, {
      name: 'Theirs',
      audience: 'https://theirs.example',
      scopes: [{ value: 'x:read' }],
    });
    await settle(t);
    for (const audience of ['https://unknown.example', 'https://billing.example', 'https://theirs.example']) {
      const res = await token(t.url, ro.client_id, ro.client_secret, { audience });
      expect(res.status, audience).toBe(400);
      expect(res.body.error).toBe('invalid_target');
    }
    const viaResource = await token(t.url, ro.client_id, ro.client_secret, { resource: 'https://unknown.example' });
    expect(viaResource.body.error).toBe('invalid_target');
  });

  it('B-23 two audience values: 400', async () => {
    const res = await postForm(
      t.url,
      `grant_type=client_credentials&audience=${encodeURIComponent(t.config.audience)}&audience=https%3A%2F%2Fx`,
      auth,
    );
    expect(res.status).toBe(400);
    const mixed = await token(t.url, ro.client_id, ro.client_secret, {
      audience: t.config.audience,
      resource: 'https://other.example',
    });
    expect(mixed.status).toBe(400);
  });

  it('B-24 any 200: Cache-Control no-store, token_type Bearer, expires_in, scope', async () => {
    const res = await token(t.url, ro.client_id, ro.client_secret, { scope: 'media:read' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.token_type).toBe('Bearer');
    expect(res.body.expires_in).toBe(86400);
    expect(res.body.scope).toBe('media:read');
  });

  it('B-25 token cache: distinct tokens per client, scope and audience; nothing cached served after a reset or disable', async () => {
    const ctx = t.server.runtime.ctx;
    const a = await t.integration({ preset: 'all-permissions' });
    const b = await t.integration({ preset: 'all-permissions' });
    const ta = await token(t.url, a.client_id, a.client_secret, { scope: 'media:read' });
    const tb = await token(t.url, b.client_id, b.client_secret, { scope: 'media:read' });
    expect(ta.body.access_token).not.toBe(tb.body.access_token);
    expect(decodeJwt(String(tb.body.access_token)).sub).toBe(b.client_id);
    const r = await token(t.url, a.client_id, a.client_secret, { scope: 'media:read' });
    const rw = await token(t.url, a.client_id, a.client_secret, { scope: 'media:read media:write' });
    expect(r.body.access_token).toBe(ta.body.access_token);
    expect(rw.body.access_token).not.toBe(r.body.access_token);
    expect(decodeJwt(String(rw.body.access_token)).scope).toBe('media:read media:write');

    const { updateIntegration, rotateSecret } = await import('../src/services/integrations.js');
    await updateIntegration(ctx, CLI_ACTOR, a.client_id, {
      grants: [
        { audience: t.config.audience, scopes: ['media:read'] },
        { audience: 'https://billing.example', scopes: ['invoices:read'] },
      ],
    });
    await settle(t);
    const x = await token(t.url, a.client_id, a.client_secret, { scope: 'media:read' });
    const y = await token(t.url, a.client_id, a.client_secret, { audience: 'https://billing.example' });
    expect(x.body.access_token).not.toBe(ta.body.access_token);
    expect(decodeJwt(String(y.body.access_token)).aud).toBe('https://billing.example');
    expect(y.body.access_token).not.toBe(x.body.access_token);

    const { client_secret: fresh } = await rotateSecret(ctx, CLI_ACTOR, a.client_id, 0);
    await settle(t);
    const afterReset = await token(t.url, a.client_id, fresh, { scope: 'media:read' });
    expect(afterReset.body.access_token).not.toBe(x.body.access_token);

    await updateIntegration(ctx, CLI_ACTOR, b.client_id, { enabled: false });
    await settle(t);
    expect((await token(t.url, b.client_id, b.client_secret, { scope: 'media:read' })).status).toBe(401);
  });
});
