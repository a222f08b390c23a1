/**
 * The management API as the console uses it (session cookie): environments, integrations, their
 * secrets, APIs and the audit log; unknown PATCH fields refused with nothing written (docs/security.md
 * E-55); reads never carry secrets or hashes (F-62); the OpenAPI document lists every route.
 */
import { describe, expect } from 'vitest';
import jwt from 'jsonwebtoken';
import { settle, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { request, token } from '@gatehouse/testing/http';
import { call, type Caller } from './management-helpers.js';
import { it } from './fixtures.js';
import { CLI_ACTOR } from '../src/context.js';
import { rotateSigningKey } from '../src/keys/signing-keys.js';

describe('management API with a console session (sqlite)', () => {
  let t: TestServer;
  let admin: Caller;
  const as = (method: string, path: string, body?: unknown) => call(t, admin, method, path, body);

  it.beforeAll(async ({ t: server, admin: signedIn }) => {
    t = server;
    admin = signedIn;
  });

  it('creates, lists, reads and changes environments', async () => {
    const created = await as('POST', '/environments', { slug: 'acme', name: 'Acme' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      slug: 'acme',
      name: 'Acme',
      token_lifetime: 86400,
      refresh_before: 3600,
      integration_count: 0,
    });
    expect((await as('POST', '/environments', { slug: 'acme' })).status).toBe(409);
    expect((await as('POST', '/environments', { slug: 'Bad Slug' })).status).toBe(400);
    const list = await as('GET', '/environments');
    expect(list.status).toBe(200);
    expect((list.body.items as { slug: string }[]).map((e) => e.slug)).toEqual(['acme', 'default']);
    expect(list.body.next_cursor).toBeNull();
    const page = await as('GET', '/environments?limit=1');
    expect(page.body).toMatchObject({ items: [{ slug: 'acme' }], next_cursor: 'acme' });
    expect((await as('GET', '/environments?limit=1&cursor=acme')).body).toMatchObject({
      items: [{ slug: 'default' }],
      next_cursor: null,
    });
    const changed = await as('PATCH', '/environments/acme', { token_lifetime: 7200, refresh_before: 600 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ token_lifetime: 7200, refresh_before: 600 });
    expect((await as('GET', '/environments/acme')).body).toMatchObject({ name: 'Acme', token_lifetime: 7200 });
    expect((await as('GET', '/environments/nope')).status).toBe(404);
  });

  it('integration lifecycle: create (secret once), list with search, read, patch, rotate, revoke, delete', async () => {
    const created = await as('POST', '/environments/acme/integrations', {
      name: 'Brochure builder',
      description: 'renders',
      preset: 'read-only',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const c = created.body as {
      id: string;
      client_id: string;
      client_secret: string;
      scopes: string[];
      environment: string;
      enabled: boolean;
    };
    expect(c).toMatchObject({ name: 'Brochure builder', description: 'renders', environment: 'acme', enabled: true });
    expect(c.scopes).toEqual(['projects:read', 'media:read', 'fonts:read']);
    expect(c.client_secret).toMatch(/^[\w-]{43}$/);
    await settle(t);
    expect((await token(t.url, c.client_id, c.client_secret)).body.expires_in).toBe(7200);

    await as('POST', '/environments/acme/integrations', { name: 'Other', scopes: ['media:read'] });
    const search = await as('GET', '/environments/acme/integrations?q=brochure');
    expect((search.body.items as { client_id: string }[]).map((i) => i.client_id)).toEqual([c.client_id]);
    expect(((await as('GET', '/environments/acme/integrations?q=Other')).body.items as unknown[]).length).toBe(1);
    expect(((await as('GET', `/environments/acme/integrations?q=${c.client_id}`)).body.items as unknown[]).length).toBe(
      1,
    );
    const page = await as('GET', '/environments/acme/integrations?limit=1');
    expect(page.body.next_cursor).toBe((page.body.items as { id: string }[])[0]!.id);
    const rest = await as('GET', `/environments/acme/integrations?limit=1&cursor=${String(page.body.next_cursor)}`);
    expect(rest.body.next_cursor).toBeNull();
    expect((await as('GET', '/environments/acme')).body.integration_count).toBe(2);

    const patched = await as('PATCH', `/environments/acme/integrations/${c.client_id}`, {
      name: 'Renamed',
      scopes: ['media:read', 'media:write'],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', scopes: ['media:read', 'media:write'] });
    await settle(t);
    expect((await token(t.url, c.client_id, c.client_secret)).body.scope).toBe('media:read media:write');

    const rotated = await as('POST', `/environments/acme/integrations/${c.client_id}/rotate-secret`, {
      grace_seconds: 60,
    });
    expect(rotated.status).toBe(200);
    expect(Object.keys(rotated.body).sort()).toEqual(['client_id', 'client_secret']);
    const secret2 = String(rotated.body.client_secret);
    await settle(t);
    expect((await token(t.url, c.client_id, c.client_secret)).status).toBe(200);
    expect((await token(t.url, c.client_id, secret2)).status).toBe(200);
    expect((await as('POST', `/environments/acme/integrations/${c.client_id}/rotate-secret`)).status).toBe(200);
    await settle(t);
    expect((await token(t.url, c.client_id, secret2)).status).toBe(401);

    const revoked = await as('POST', `/environments/acme/integrations/${c.client_id}/revoke-tokens`);
    expect(revoked.status).toBe(200);
    expect(typeof revoked.body.revoked).toBe('number');

    expect((await as('DELETE', `/environments/acme/integrations/${c.client_id}`)).status).toBe(204);
    expect((await as('GET', `/environments/acme/integrations/${c.client_id}`)).status).toBe(404);
    // An integration is named within its environment.
    const other = (await as('GET', '/environments/acme/integrations')).body.items as { client_id: string }[];
    expect((await as('GET', `/environments/default/integrations/${other[0]!.client_id}`)).status).toBe(404);
  });

  it('rotates the environment secret: without grace_seconds the old one stops at once, with it the old one keeps verifying', async () => {
    expect((await as('POST', '/environments', { slug: 'rotating' })).status).toBe(201);
    const base = '/environments/rotating/credentials';
    const first = (await as('POST', `${base}/secret`)).body as { environment_key: string; environment_secret: string };
    const self = async (secret: string) => {
      const now = t.clock.seconds();
      const tok = jwt.sign({ id: 'c', iat: now, exp: now + 60 }, secret, { issuer: first.environment_key });
      t.server.runtime.customerTokens.clear();
      return (await request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${tok}` } })).status;
    };
    expect(await self(first.environment_secret)).toBe(200);
    const second = await as('POST', `${base}/rotate-secret`, {});
    expect(second.status).toBe(200);
    expect(second.body.environment_key).toBe(first.environment_key);
    const secret2 = String(second.body.environment_secret);
    await settle(t);
    expect(await self(first.environment_secret)).toBe(401);
    expect(await self(secret2)).toBe(200);
    const third = await as('POST', `${base}/rotate-secret`, { grace_seconds: 60 });
    expect(third.status).toBe(200);
    await settle(t);
    expect(await self(secret2)).toBe(200);
    expect(await self(String(third.body.environment_secret))).toBe(200);
    t.clock.advance(61);
    expect(await self(secret2)).toBe(401);
  });

  it('E-55: PATCH with tenant_id, owner, isAdmin or any extra field is 400 and changes nothing', async () => {
    const c = (await as('POST', '/environments/default/integrations', { name: 'Stable', preset: 'read-only' }))
      .body as { client_id: string };
    const path = `/environments/default/integrations/${c.client_id}`;
    const before = (await as('GET', path)).body;
    const envBefore = (await as('GET', '/environments/default')).body;
    for (const extra of [
      { tenant_id: 'env_x' },
      { owner: 'someone' },
      { isAdmin: true },
      { environment: 'acme' },
      { client_secret: 'mine' },
      { secret_hash: 'x' },
      { id: 'int_x' },
    ]) {
      const res = await as('PATCH', path, { name: 'Changed', ...extra });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect((await as('PATCH', '/environments/default', { name: 'Changed', ...extra })).status).toBe(400);
    }
    expect((await as('PATCH', path, { scopes: ['admin'] })).status).toBe(400);
    expect(
      (
        await as('POST', '/environments/default/integrations', {
          name: 'x',
          preset: 'read-only',
          scopes: ['media:read'],
        })
      ).status,
    ).toBe(400);
    expect((await as('GET', path)).body).toEqual(before);
    expect((await as('GET', '/environments/default')).body).toEqual(envBefore);
  });

  it('F-62: lists and reads never return secrets or hashes', async () => {
    const created = (
      await as('POST', '/environments/default/integrations', { name: 'Secretive', preset: 'all-permissions' })
    ).body as { client_id: string; client_secret: string };
    const rows = await stored(t).integrations();
    const bodies = [
      (await as('GET', '/environments/default/integrations')).text,
      (await as('GET', `/environments/default/integrations/${created.client_id}`)).text,
      (await as('GET', '/environments/default/audit')).text,
    ];
    for (const text of bodies) {
      expect(text).not.toContain(created.client_secret);
      expect(text).not.toMatch(/secret_hash|password|client_secret"/);
      for (const r of rows) expect(text).not.toContain(r.secret_hash);
    }
  });

  it('APIs: list with scopes, register one, grant its scopes', async () => {
    const apis = await as('GET', '/environments/default/apis');
    expect(apis.status).toBe(200);
    const builtIn = (apis.body.items as { built_in: boolean; scopes: { value: string; description: string }[] }[])[0]!;
    expect(builtIn.built_in).toBe(true);
    expect(builtIn.scopes[0]).toEqual({ value: 'projects:read', description: expect.any(String) });
    const created = await as('POST', '/environments/default/apis', {
      name: 'Billing',
      audience: 'https://billing.example',
      scopes: [{ value: 'invoices:read', description: 'Read invoices' }],
    });
    expect(created.status).toBe(201);
    expect(
      (
        await as('POST', '/environments/default/apis', {
          name: 'Again',
          audience: 'https://billing.example',
          scopes: [],
        })
      ).status,
    ).toBe(409);
    const c = await as('POST', '/environments/default/integrations', {
      name: 'Biller',
      grants: [{ audience: 'https://billing.example', scopes: ['invoices:read'] }],
    });
    expect(c.status).toBe(201);
    await settle(t);
    const tok = await token(t.url, String(c.body.client_id), String(c.body.client_secret), {
      audience: 'https://billing.example',
    });
    expect(tok.body.scope).toBe('invoices:read');
  });

  it('integration search matches its text literally: % and _ are not wildcards', async () => {
    expect((await as('POST', '/environments', { slug: 'search-lab', name: 'Search lab' })).status).toBe(201);
    for (const name of ['100% done', '1000 done', 'a_b', 'axb', 'back\\slash'])
      expect((await as('POST', '/environments/search-lab/integrations', { name, preset: 'read-only' })).status).toBe(
        201,
      );
    const names = async (q: string) =>
      (
        (await as('GET', `/environments/search-lab/integrations?q=${encodeURIComponent(q)}`)).body.items as {
          name: string;
        }[]
      )
        .map((i) => i.name)
        .sort();
    expect(await names('100%')).toEqual(['100% done']);
    expect(await names('a_b')).toEqual(['a_b']);
    expect(await names('%')).toEqual(['100% done']);
    expect(await names('\\')).toEqual(['back\\slash']);
    expect(await names('DONE')).toEqual(['100% done', '1000 done']);
  });

  it('the audit log records who changed what, newest first', async () => {
    t.clock.advance(1);
    await as('PATCH', '/environments/acme', { name: 'Acme Inc.' });
    const res = await as('GET', '/environments/acme/audit?limit=5');
    expect(res.status).toBe(200);
    const items = res.body.items as { actor: string; action: string; ip: string | null }[];
    expect(items).toHaveLength(5);
    expect(items[0]).toMatchObject({ actor: 'admin:ada@example.com', action: 'environment.update', ip: '127.0.0.1' });
    const all = (
      (await as('GET', '/environments/acme/audit?limit=1000')).body.items as { actor: string; action: string }[]
    ).filter((e) => e.actor.startsWith('admin:'));
    expect(new Set(all.map((e) => e.action))).toEqual(
      new Set([
        'environment.create',
        'environment.update',
        'integration.create',
        'integration.update',
        'integration.rotate_secret',
        'integration.revoke_tokens',
        'integration.delete',
      ]),
    );
    expect((await as('GET', '/environments/acme/audit?limit=0')).status).toBe(400);
  });

  it('the audit log pages with next_cursor, newest first, and refuses a cursor it did not make', async () => {
    const whole = (await as('GET', '/environments/acme/audit?limit=1000')).body as {
      items: { id: string }[];
      next_cursor: string | null;
    };
    expect(whole.next_cursor).toBeNull();
    expect(whole.items.length).toBeGreaterThan(4);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await as(
        'GET',
        `/environments/acme/audit?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(res.status).toBe(200);
      const body = res.body as { items: { id: string }[]; next_cursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(2);
      walked.push(...body.items.map((e) => e.id));
      cursor = body.next_cursor;
    } while (cursor);
    expect(walked).toEqual(whole.items.map((e) => e.id));
    for (const bad of ['x', '123', "1.evt_a' OR 1=1--", `${'9'.repeat(30)}.evt_a`]) {
      const res = await as('GET', `/environments/acme/audit?cursor=${encodeURIComponent(bad)}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    }
  });

  it('the server-wide audit log (keys, administrators, sign-ins) is read by console administrators only', async () => {
    await rotateSigningKey(t.server.runtime.ctx, CLI_ACTOR, {});
    const res = await as('GET', '/audit?limit=100');
    expect(res.status).toBe(200);
    const items = res.body.items as { environment: string | null; action: string; actor: string }[];
    expect(items.every((e) => e.environment === null)).toBe(true);
    expect(items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['keys.rotate', 'admin.create', 'admin.sign_in']),
    );
    expect(items.some((e) => e.action.startsWith('integration.'))).toBe(false);
    const c = await t.integration({ preset: 'all-permissions' });
    const bearer = String((await token(t.url, c.client_id, c.client_secret)).body.access_token);
    expect((await request(`${t.url}/api/v1/audit`, { headers: { authorization: `Bearer ${bearer}` } })).status).toBe(
      403,
    );
  });

  it('authentication runs before body validation; /docs/json lists the management routes with schemas', async () => {
    expect(
      (
        await request(`${t.url}/api/v1/environments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{bad',
        })
      ).status,
    ).toBe(401);
    const doc = (await request(`${t.url}/docs/json`)).body as {
      paths: Record<
        string,
        Record<string, { tags?: string[]; responses: Record<string, unknown>; requestBody?: unknown }>
      >;
    };
    const paths = [
      '/api/v1/environments',
      '/api/v1/environments/{env}',
      '/api/v1/environments/{env}/integrations',
      '/api/v1/environments/{env}/integrations/{client_id}',
      '/api/v1/environments/{env}/integrations/{client_id}/rotate-secret',
      '/api/v1/environments/{env}/integrations/{client_id}/revoke-tokens',
      '/api/v1/environments/{env}/apis',
      '/api/v1/environments/{env}/audit',
      '/api/v1/audit',
      '/api/v1/session',
    ];
    for (const p of paths) expect(Object.keys(doc.paths)).toContain(p);
    expect(doc.paths['/api/v1/environments/{env}/integrations']!.post!.tags).toEqual(['management']);
    expect(Object.keys(doc.paths['/api/v1/environments/{env}/integrations']!.post!.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '404']),
    );
    expect(doc.paths['/api/v1/environments/{env}/integrations/{client_id}']!.patch!.requestBody).toBeDefined();
  });
});
