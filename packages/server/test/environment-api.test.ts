/**
 * The Environment API over real HTTP: read-only vs all-permissions, one owner per project
 * (docs/security.md E-54, E-55), pagination, downscoped tokens, and the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { request, token } from '@gatehouse/testing/http';
import { call, createTestAdmin, session, type ConsoleSession } from './management-helpers.js';
import { member } from './member-helpers.js';

describe.each(HTTP_STORE_KINDS)('Environment API (%s)', (kind) => {
  let t: TestServer;
  const api = (path: string) => `${t.url}/api/v1/environments/default${path}`;
  const call = (tok: string, method: string, path: string, body?: unknown) =>
    request(api(path), {
      method,
      headers: { authorization: `Bearer ${tok}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const tokenFor = async (c: { client_id: string; client_secret: string }, scope?: string) =>
    String((await token(t.url, c.client_id, c.client_secret, scope ? { scope } : {})).body.access_token);

  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t.close());

  it("E-54 scenario: read-only reads media and projects but cannot write; A's project is invisible to B", async () => {
    const readOnly = await tokenFor(await t.integration({ preset: 'read-only' }));
    const a = await tokenFor(await t.integration({ preset: 'all-permissions' }));
    const b = await tokenFor(await t.integration({ preset: 'all-permissions' }));

    const medium = await call(a, 'POST', '/media', {
      name: 'logo.png',
      content_type: 'image/png',
      size: 1234,
      checksum: 'a'.repeat(64),
    });
    expect(medium.status).toBe(201);
    const list = await call(readOnly, 'GET', '/media');
    expect(list.status).toBe(200);
    expect((list.body.items as { id: string }[]).map((m) => m.id)).toContain(medium.body.id);
    expect((await call(readOnly, 'GET', `/media/${String(medium.body.id)}`)).body.name).toBe('logo.png');
    expect((await call(readOnly, 'GET', '/projects')).status).toBe(200);

    const refused = await call(readOnly, 'POST', '/projects', { name: 'nope' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('scope="projects:write"');
    expect(
      (
        await call(readOnly, 'POST', '/media', {
          name: 'x',
          content_type: 'image/png',
          size: 1,
          checksum: 'b'.repeat(64),
        })
      ).status,
    ).toBe(403);

    const created = await call(a, 'POST', '/projects', { name: 'Brochure', data: { pages: 2 } });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect((await call(a, 'GET', `/projects/${id}`)).body).toMatchObject({ id, name: 'Brochure', data: { pages: 2 } });

    // E-54: B gets 404 for get, update and delete; its list never shows A's project; the row is unchanged.
    expect((await call(b, 'GET', `/projects/${id}`)).status).toBe(404);
    expect((await call(b, 'PATCH', `/projects/${id}`, { name: 'stolen' })).status).toBe(404);
    expect((await call(b, 'DELETE', `/projects/${id}`)).status).toBe(404);
    expect((await call(b, 'POST', '/outputs', { project_id: id })).status).toBe(404);
    const bList = await call(b, 'GET', '/projects');
    expect((bList.body.items as { id: string }[]).some((p) => p.id === id)).toBe(false);
    expect((await call(a, 'GET', `/projects/${id}`)).body.name).toBe('Brochure');

    const out = await call(a, 'POST', '/outputs', { project_id: id, format: 'pdf' });
    expect(out.status).toBe(201);
    expect((await call(b, 'GET', `/outputs/${String(out.body.id)}`)).status).toBe(404);
    expect(((await call(a, 'GET', '/outputs')).body.items as unknown[]).length).toBe(1);
    expect((await call(a, 'DELETE', `/projects/${id}`)).status).toBe(204);
    expect((await call(a, 'GET', `/projects/${id}`)).status).toBe(404);
  });

  it('E-55 PATCH with owner, environment, isAdmin or scopes fields: 400, row unchanged', async () => {
    const a = await tokenFor(await t.integration({ preset: 'all-permissions' }));
    const id = String((await call(a, 'POST', '/projects', { name: 'Mine' })).body.id);
    for (const extra of [
      { owner_id: 'someone' },
      { environment_id: 'x' },
      { tenant_id: 'x' },
      { isAdmin: true },
      { scopes: ['projects:write'] },
    ]) {
      const res = await call(a, 'PATCH', `/projects/${id}`, { name: 'Changed', ...extra });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    }
    expect((await call(a, 'GET', `/projects/${id}`)).body.name).toBe('Mine');
  });

  it('authentication and scope run before body validation', async () => {
    const readOnly = await tokenFor(await t.integration({ preset: 'read-only' }));
    expect(
      (
        await request(api('/projects'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{bad',
        })
      ).status,
    ).toBe(401);
    expect((await call(readOnly, 'POST', '/projects', { wrong: 1 })).status).toBe(403);
  });

  it('a downscoped token carries only its subset', async () => {
    const c = await t.integration({ preset: 'all-permissions' });
    const narrow = await tokenFor(c, 'media:read');
    expect((await call(narrow, 'GET', '/media')).status).toBe(200);
    expect((await call(narrow, 'GET', '/projects')).status).toBe(403);
    const self = await request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${narrow}` } });
    expect(self.body).toMatchObject({
      type: 'integration',
      client_id: c.client_id,
      scopes: ['media:read'],
      environment: 'default',
    });
  });

  it('lists paginate with limit and cursor', async () => {
    const a = await tokenFor(await t.integration({ preset: 'all-permissions' }));
    for (let i = 0; i < 5; i++) {
      t.clock.advance(1);
      await call(a, 'POST', '/projects', { name: `p${i}` });
    }
    const first = await call(a, 'GET', '/projects?limit=2');
    expect((first.body.items as { name: string }[]).map((p) => p.name)).toEqual(['p0', 'p1']);
    const second = await call(a, 'GET', `/projects?limit=2&cursor=${String(first.body.next_cursor)}`);
    expect((second.body.items as { name: string }[]).map((p) => p.name)).toEqual(['p2', 'p3']);
    const third = await call(a, 'GET', `/projects?limit=2&cursor=${String(second.body.next_cursor)}`);
    expect(third.body.next_cursor).toBeNull();
    expect((await call(a, 'GET', '/projects?limit=0')).status).toBe(400);
    expect((await call(a, 'GET', '/projects?limit=abc')).status).toBe(400);
  });

  it('bad input answers 400 and never 500', async () => {
    const a = await tokenFor(await t.integration({ preset: 'all-permissions' }));
    const bodies = [
      '{',
      '[]',
      'null',
      '"x"',
      JSON.stringify({ name: '' }),
      JSON.stringify({ name: 'x'.repeat(300) }),
      JSON.stringify({ name: 'x', data: [] }),
    ];
    for (const body of bodies) {
      const res = await request(api('/projects'), {
        method: 'POST',
        headers: { authorization: `Bearer ${a}`, 'content-type': 'application/json' },
        body,
      });
      expect(res.status, body).toBe(400);
    }
    const media = await call(a, 'POST', '/media', { name: 'x', content_type: 'nope', size: -1, checksum: 'zz' });
    expect(media.status).toBe(400);
  });

  it('serves a complete OpenAPI document', async () => {
    const doc = await request(`${t.url}/docs/json`);
    const paths = doc.body.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    for (const p of [
      '/oauth/token',
      '/api/v1/self',
      '/api/v1/environments/{env}/projects/{id}',
      '/api/v1/environments/{env}/media',
      '/api/v1/environments/{env}/fonts',
      '/api/v1/environments/{env}/outputs',
    ])
      expect(paths).toHaveProperty([p]);
    expect(paths['/api/v1/environments/{env}/projects']!.post!.responses).toHaveProperty(['201']);
  });

  it('fonts are their own collection (fnt_ ids, not listed under media); an unknown medium or font is 404 naming it', async () => {
    const a = await tokenFor(await t.integration({ preset: 'all-permissions' }));
    const font = await call(a, 'POST', '/fonts', {
      name: 'Inter.woff2',
      content_type: 'font/woff2',
      size: 4096,
      checksum: 'b'.repeat(64),
    });
    expect(font.status).toBe(201);
    expect(String(font.body.id)).toMatch(/^fnt_/);
    const read = await call(a, 'GET', `/fonts/${String(font.body.id)}`);
    expect(read.body).toMatchObject({ name: 'Inter.woff2', content_type: 'font/woff2', size: 4096 });
    expect(((await call(a, 'GET', '/fonts')).body.items as { id: string }[]).map((f) => f.id)).toContain(font.body.id);
    expect(((await call(a, 'GET', '/media')).body.items as { id: string }[]).map((m) => m.id)).not.toContain(
      font.body.id,
    );
    // A font's id is not a medium, and unknown ids are 404 naming the collection.
    const asMedium = await call(a, 'GET', `/media/${String(font.body.id)}`);
    expect(asMedium.status).toBe(404);
    expect(JSON.stringify(asMedium.body)).toContain('media');
    const noFont = await call(a, 'GET', '/fonts/fnt_nope');
    expect(noFont.status).toBe(404);
    expect(JSON.stringify(noFont.body)).toContain('font');
  });
});

describe.each(HTTP_STORE_KINDS)('Environment API with a console session (%s)', (kind) => {
  let t: TestServer;
  let operator: ConsoleSession;
  let viewer: ConsoleSession;
  beforeAll(async () => {
    t = await startTestServer(kind);
    await createTestAdmin(t);
    operator = await session(t);
    viewer = await member(t, operator, 'default', 'viewer@members.test', 'viewer');
  });
  afterAll(() => t.close());
  const get = (s: ConsoleSession, path: string) => call(t, { session: s }, 'GET', path);

  it('an operator reads the customers and media of the environment the path names; an unknown one is 404', async () => {
    await t.integration({ preset: 'all-permissions' });
    expect((await get(operator, '/environments/default/customers')).body).toEqual({ items: [], next_cursor: null });
    expect((await get(operator, '/environments/default/media')).status).toBe(200);
    expect((await get(operator, '/environments/default/fonts/nothing')).body.error_description).toBe('font not found');
    for (const path of ['/environments/nope/customers', '/environments/nope/media']) {
      const res = await get(operator, path);
      expect({ path, status: res.status, body: res.body }).toEqual({
        path,
        status: 404,
        body: { error: 'not_found', error_description: 'environment not found' },
      });
    }
  });

  it("a member reads its own environment's customers; media, projects and /self stay for operators or tokens", async () => {
    expect((await get(viewer, '/environments/default/customers')).status).toBe(200);
    expect((await get(viewer, '/environments/nope/customers')).status).toBe(404);
    for (const path of ['/environments/default/media', '/environments/default/projects', '/self'])
      expect((await get(viewer, path)).status, path).toBe(403);
    for (const path of ['/environments/default/projects', '/self']) {
      const res = await get(operator, path);
      expect(res.status, path).toBe(401);
      expect(res.body.error).toBe('invalid_token');
    }
  });
});
