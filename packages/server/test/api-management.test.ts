/**
 * Registered APIs managed through the management API (issue #19): read, rename, change scopes
 * (a removed scope leaves every grant and the holders' tokens for the API are revoked unless
 * keep_tokens), delete (409 while integrations hold grants, unless force); the Environment API is
 * fixed; bearer callers read with integrations:read and are refused writes (403); another
 * environment's API is 404 (SECURITY.md E-53); bad input is 400 naming the field, never 5xx.
 */
import { describe, expect } from 'vitest';
import { settle, type TestServer } from '@gatehouse/testing/server';
import { basic, postForm, token } from '@gatehouse/testing/http';
import { accessToken, call } from './management-helpers.js';
import { test } from './fixtures.js';
import { CLI_ACTOR } from '../src/context.js';
import { createEnvironment } from '../src/services/environments.js';
import { createApi } from '../src/services/apis.js';

const AUD = 'https://invoices.example';
const enc = encodeURIComponent(AUD);

/** The file's fixtures, plus `as`: a call as the signed-in administrator in `default`. */
const it = test.extend(
  'as',
  { scope: 'file' },
  async ({ t, admin }) =>
    (method: string, path: string, body?: unknown) =>
      call(t, admin, method, `/environments/default${path}`, body),
);

const introspect = (t: TestServer, c: { client_id: string; client_secret: string }, tok: string) =>
  postForm(t.url, { token: tok }, { authorization: basic(c.client_id, c.client_secret) }, '/oauth/introspect');

describe('API management (sqlite)', () => {
  it.beforeAll(async ({ t }) => {
    await createEnvironment(t.server.runtime.ctx, CLI_ACTOR, 'acme');
  });

  it('reads, renames and changes the scopes of an API; a removed scope leaves grants and revokes tokens for it', async ({
    t,
    admin,
    as,
  }) => {
    const created = await as('POST', '/apis', {
      name: 'Invoices',
      audience: AUD,
      scopes: [{ value: 'invoices:read' }, { value: 'invoices:write', description: 'Write' }],
    });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect((await as('GET', `/apis/${id}`)).body).toMatchObject({ name: 'Invoices', audience: AUD });
    expect((await as('GET', `/apis/${enc}`)).body).toMatchObject({ id });
    const holder = await t.integration({ grants: [{ audience: AUD, scopes: ['invoices:read', 'invoices:write'] }] });
    const keeper = await t.integration({ grants: [{ audience: AUD, scopes: ['invoices:read'] }] });
    await settle(t);
    const tok = await token(t.url, holder.client_id, holder.client_secret, { audience: AUD });
    expect(tok.status).toBe(200);
    const keeperTok = await token(t.url, keeper.client_id, keeper.client_secret, { audience: AUD });

    const renamed = await as('PATCH', `/apis/${enc}`, { name: 'Billing' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      name: 'Billing',
      scopes: [{ value: 'invoices:read' }, { value: 'invoices:write', description: 'Write' }],
    });

    const changed = await as('PATCH', `/apis/${id}`, {
      scopes: [{ value: 'invoices:read', description: 'Read invoices' }, { value: 'invoices:export' }],
    });
    expect(changed.status).toBe(200);
    expect(changed.body.scopes).toEqual([
      { value: 'invoices:read', description: 'Read invoices' },
      { value: 'invoices:export', description: '' },
    ]);
    await settle(t);
    const h = await call(t, admin, 'GET', `/environments/default/integrations/${holder.client_id}`);
    expect(h.body.grants).toEqual([{ audience: AUD, scopes: ['invoices:read'] }]);
    // The holder's token for the API is revoked; the one who lost nothing keeps its token.
    expect((await introspect(t, holder, String(tok.body.access_token))).body.active).toBe(false);
    expect((await introspect(t, keeper, String(keeperTok.body.access_token))).body.active).toBe(true);
    expect(
      (await token(t.url, holder.client_id, holder.client_secret, { audience: AUD, scope: 'invoices:write' })).status,
    ).toBe(400);
    const audit = (await as('GET', '/audit')).body.items as { action: string; target: string }[];
    expect(audit.some((e) => e.action === 'api.update' && e.target === AUD)).toBe(true);
  });

  it("keep_tokens keeps the holders' tokens when a scope is removed", async ({ t, as }) => {
    const aud = 'https://keep.example';
    await as('POST', '/apis', { name: 'Keep', audience: aud, scopes: [{ value: 'a' }, { value: 'b' }] });
    const holder = await t.integration({ grants: [{ audience: aud, scopes: ['a', 'b'] }] });
    await settle(t);
    const tok = String(
      (await token(t.url, holder.client_id, holder.client_secret, { audience: aud })).body.access_token,
    );
    expect(
      (await as('PATCH', `/apis/${encodeURIComponent(aud)}`, { scopes: [{ value: 'a' }], keep_tokens: true })).status,
    ).toBe(200);
    await settle(t);
    expect((await introspect(t, holder, tok)).body.active).toBe(true);
  });

  it('refuses to delete an API integrations hold grants on, unless forced', async ({ t, admin, as }) => {
    const aud = 'https://held.example';
    await as('POST', '/apis', { name: 'Held', audience: aud, scopes: [{ value: 'x:read' }] });
    const holder = await t.integration({ grants: [{ audience: aud, scopes: ['x:read'] }] });
    await settle(t);
    const tok = String(
      (await token(t.url, holder.client_id, holder.client_secret, { audience: aud })).body.access_token,
    );
    const refused = await as('DELETE', `/apis/${encodeURIComponent(aud)}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error_description).toContain(holder.client_id);
    expect((await as('GET', `/apis/${encodeURIComponent(aud)}`)).status).toBe(200);
    expect((await as('DELETE', `/apis/${encodeURIComponent(aud)}?force=true`)).status).toBe(204);
    await settle(t);
    expect((await as('GET', `/apis/${encodeURIComponent(aud)}`)).status).toBe(404);
    expect((await introspect(t, holder, tok)).body.active).toBe(false);
    expect((await call(t, admin, 'GET', `/environments/default/integrations/${holder.client_id}`)).body.grants).toEqual(
      [],
    );
    // An API nobody holds goes without force.
    await as('POST', '/apis', { name: 'Free', audience: 'https://free.example', scopes: [] });
    expect((await as('DELETE', `/apis/${encodeURIComponent('https://free.example')}`)).status).toBe(204);
    const audit = (await as('GET', '/audit')).body.items as { action: string; target: string }[];
    expect(audit.filter((e) => e.action === 'api.delete').map((e) => e.target)).toEqual(
      expect.arrayContaining([aud, 'https://free.example']),
    );
  });

  it("the Environment API can't be renamed, changed or deleted", async ({ as }) => {
    const envApi = ((await as('GET', '/apis')).body.items as { id: string; built_in: boolean }[])[0]!;
    expect(envApi.built_in).toBe(true);
    for (const [method, body] of [
      ['PATCH', { name: 'x' }],
      ['PATCH', { scopes: [] }],
      ['DELETE', undefined],
    ] as const) {
      const res = await as(method, `/apis/${envApi.id}`, body);
      expect(res.status).toBe(409);
      expect(res.body.error_description).toContain('Environment API');
    }
  });

  it("bad input is 400 naming the field; unknown APIs and other environments' APIs are 404", async ({
    t,
    admin,
    as,
  }) => {
    await as('POST', '/apis', { name: 'Bad', audience: 'https://bad.example', scopes: [{ value: 'a' }] });
    const path = `/apis/${encodeURIComponent('https://bad.example')}`;
    for (const body of [
      { scopes: [{ value: 'has space' }] },
      { name: '' },
      { scopes: [{ value: 'a' }, { value: 'a' }] },
      {},
      { nope: 1 },
      { name: 'x'.repeat(201) },
    ]) {
      const res = await as('PATCH', path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(String(res.body.error_description).length).toBeGreaterThan(0);
    }
    expect(String((await as('PATCH', path, { scopes: [{ value: 'has space' }] })).body.error_description)).toContain(
      'scopes',
    );
    expect((await as('DELETE', `${path}?force=maybe`)).status).toBe(400);
    expect((await as('GET', '/apis/api_nope')).status).toBe(404);
    expect((await as('PATCH', '/apis/api_nope', { name: 'x' })).status).toBe(404);
    // acme's API, addressed under default, is not found.
    const other = await call(t, admin, 'POST', '/environments/acme/apis', {
      name: 'Other',
      audience: 'https://other.example',
      scopes: [],
    });
    expect((await as('GET', `/apis/${String(other.body.id)}`)).status).toBe(404);
    expect((await as('DELETE', `/apis/${String(other.body.id)}`)).status).toBe(404);
    expect((await call(t, admin, 'GET', `/environments/acme/apis/${String(other.body.id)}`)).status).toBe(200);
  });

  it('bearer callers read with integrations:read; writes are 403; another environment is 404', async ({ t, as }) => {
    await as('POST', '/apis', { name: 'Bearer', audience: 'https://bearer.example', scopes: [{ value: 'a' }] });
    const path = `/apis/${encodeURIComponent('https://bearer.example')}`;
    const reader = await accessToken(t, await t.integration({ scopes: ['integrations:read'] }));
    const writer = await accessToken(t, await t.integration({ preset: 'all-permissions' }));
    const none = await accessToken(t, await t.integration({ scopes: ['media:read'] }));
    const bearer = (b: string, method: string, p: string, body?: unknown) => call(t, { bearer: b }, method, p, body);
    expect((await bearer(reader, 'GET', `/environments/default${path}`)).status).toBe(200);
    const noScope = await bearer(none, 'GET', `/environments/default${path}`);
    expect(noScope.status).toBe(403);
    expect(noScope.headers.get('www-authenticate')).toContain('scope="integrations:read"');
    for (const b of [reader, writer]) {
      expect((await bearer(b, 'PATCH', `/environments/default${path}`, { name: 'nope' })).status).toBe(403);
      expect((await bearer(b, 'DELETE', `/environments/default${path}?force=true`)).status).toBe(403);
    }
    expect((await bearer(writer, 'GET', `/environments/acme/apis`)).status).toBe(404);
    expect((await as('GET', path)).body.name).toBe('Bearer');
  });

  it("creating an API: a non-URI audience or repeated scopes are 400; the Environment API's or a taken audience is 409", async ({
    t,
    as,
  }) => {
    const bad = await as('POST', '/apis', { name: 'Bad', audience: 'not a uri', scopes: [] });
    expect(bad.status).toBe(400);
    expect(String(bad.body.error_description)).toContain('audience');
    const repeated = await as('POST', '/apis', {
      name: 'Rep',
      audience: 'https://rep.example',
      scopes: [{ value: 'a' }, { value: 'a' }],
    });
    expect(repeated.status).toBe(400);
    expect(String(repeated.body.error_description)).toContain('repeated');
    // A bare token-like audience (no scheme) is accepted.
    const bare = await as('POST', '/apis', { name: 'Bare', audience: 'urn-less:bare.api', scopes: [] });
    expect(bare.status).toBe(201);
    const envApi = (await as('GET', '/apis')).body.items as { audience: string; built_in: boolean }[];
    expect(envApi[0]!.built_in).toBe(true);
    expect((await as('POST', '/apis', { name: 'Clash', audience: envApi[0]!.audience, scopes: [] })).status).toBe(409);
    expect((await as('POST', '/apis', { name: 'Again', audience: 'urn-less:bare.api', scopes: [] })).status).toBe(409);
    // The service refuses a bad scope value itself, not only through the request schema.
    await expect(
      createApi(t.server.runtime.ctx, CLI_ACTOR, 'default', {
        name: 'Svc',
        audience: 'https://svc.example',
        scopes: [{ value: 'has space' }],
      }),
    ).rejects.toThrow(/is not a scope/);
    expect(((await as('GET', '/apis')).body.items as { audience: string }[]).map((a) => a.audience)).not.toContain(
      'https://svc.example',
    );
  });
});
