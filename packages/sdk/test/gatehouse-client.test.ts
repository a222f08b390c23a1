import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArgumentError, GatehouseApiError, GatehouseClient, NetworkError } from '../src/index.js';
import { deadUrl } from './helpers/http-server.js';
import { startFakeApiServer, type FakeApiServer } from './helpers/fake-api-server.js';

const PROJECT = {
  id: 'p 1/x',
  name: 'Spring',
  description: '',
  data: {},
  created_at: '2030-01-01T00:00:00Z',
  updated_at: '2030-01-01T00:00:00Z',
};
const ASSET = {
  id: 'a1',
  name: 'logo.png',
  content_type: 'image/png',
  size: 10,
  checksum: 'f'.repeat(64),
  created_at: '2030-01-01T00:00:00Z',
};

describe('GatehouseClient', () => {
  let api: FakeApiServer;
  beforeEach(async () => {
    api = await startFakeApiServer();
    api.validTokens.add('tok-1');
  });
  afterEach(() => api.close());

  const client = (extra: Partial<ConstructorParameters<typeof GatehouseClient>[0]> = {}) =>
    new GatehouseClient({ baseUrl: `${api.url}/`, token: 'tok-1', environment: 'acme', ...extra });

  it('self() sends the bearer token and returns the principal', async () => {
    const self = { type: 'integration', client_id: 'c1', name: 'Front', scopes: ['media:read'], environment: 'acme' };
    api.routes.set('GET /api/v1/self', { status: 200, body: self });
    expect(await client().self()).toEqual(self);
    expect(api.requests[0]?.headers.authorization).toBe('Bearer tok-1');
    expect(api.requests[0]?.headers.accept).toBe('application/json');
  });

  it('projects: list with limit and cursor, get, create, update, delete', async () => {
    const base = '/api/v1/environments/acme/projects';
    const item = `${base}/p%201%2Fx`;
    api.routes.set(`GET ${base}`, { status: 200, body: { items: [PROJECT], next_cursor: 'c2' } });
    api.routes.set(`POST ${base}`, (req) => ({ status: 201, body: { ...PROJECT, ...(req.body as object) } }));
    api.routes.set(`GET ${item}`, { status: 200, body: PROJECT });
    api.routes.set(`PATCH ${item}`, (req) => ({ status: 200, body: { ...PROJECT, ...(req.body as object) } }));
    api.routes.set(`DELETE ${item}`, { status: 204 });
    const c = client();

    expect(await c.projects.list({ limit: 10, cursor: 'c1' })).toEqual({ items: [PROJECT], next_cursor: 'c2' });
    expect(api.requests[0]?.query.get('limit')).toBe('10');
    expect(api.requests[0]?.query.get('cursor')).toBe('c1');
    expect(await c.projects.get('p 1/x')).toEqual(PROJECT);
    expect(await c.projects.create({ name: 'Autumn', data: { a: 1 } })).toMatchObject({
      name: 'Autumn',
      data: { a: 1 },
    });
    expect(api.requests[2]?.headers['content-type']).toBe('application/json');
    expect(api.requests[2]?.body).toEqual({ name: 'Autumn', data: { a: 1 } });
    expect(await c.projects.update('p 1/x', { description: 'new' })).toMatchObject({ description: 'new' });
    expect(api.requests[3]?.method).toBe('PATCH');
    await expect(c.projects.delete('p 1/x')).resolves.toBeUndefined();
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${base}`,
      `GET ${item}`,
      `POST ${base}`,
      `PATCH ${item}`,
      `DELETE ${item}`,
    ]);
  });

  it('media, fonts, outputs and customers use their collections; the environment can be given per call', async () => {
    api.routes.set('POST /api/v1/environments/acme/media', { status: 201, body: ASSET });
    api.routes.set('GET /api/v1/environments/other/fonts', {
      status: 200,
      body: { items: [ASSET], next_cursor: null },
    });
    api.routes.set('POST /api/v1/environments/acme/outputs', (req) => ({
      status: 201,
      body: { id: 'o1', status: 'queued', format: 'png', created_at: '', ...(req.body as object) },
    }));
    api.routes.set('PATCH /api/v1/environments/acme/customers/u1', (req) => ({
      status: 200,
      body: { id: 'u1', fields: {}, created_at: '', last_seen_at: '', ...(req.body as object) },
    }));
    const c = client();
    const { id: _id, created_at: _createdAt, ...assetCreate } = ASSET;
    expect(await c.media.create(assetCreate)).toEqual(ASSET);
    expect((await c.fonts.list({ environment: 'other' })).items).toHaveLength(1);
    expect(await c.outputs.create({ project_id: 'p1', format: 'png' })).toMatchObject({ id: 'o1', project_id: 'p1' });
    expect(await c.customers.update('u1', { name: 'Ada' })).toMatchObject({ id: 'u1', name: 'Ada' });
  });

  it('requires an environment from the options or the call', async () => {
    const c = client({ environment: undefined });
    await expect(c.projects.list()).rejects.toBeInstanceOf(ArgumentError);
    expect(api.requests).toHaveLength(0);
  });

  it('throws GatehouseApiError with the RFC 6750 challenge of a 403', async () => {
    api.routes.set('POST /api/v1/environments/acme/media', {
      status: 403,
      headers: { 'www-authenticate': 'Bearer realm="gatehouse", error="insufficient_scope", scope="media:write"' },
    });
    const err = await client()
      .media.create({ name: 'x', content_type: 'image/png', size: 1, checksum: 'a'.repeat(64) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatehouseApiError);
    expect(err).toMatchObject({ code: 'ERR_API', status: 403, error: 'insufficient_scope', scope: 'media:write' });
  });

  it('throws GatehouseApiError with the body error of a 404', async () => {
    const err = await client()
      .projects.get('missing')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 404, error: 'not_found', errorDescription: 'no such resource' });
  });

  it('reports invalid_token with a fixed token and does not retry', async () => {
    api.routes.set('GET /api/v1/self', { status: 200, body: {} });
    await expect(client({ token: 'revoked' }).self()).rejects.toMatchObject({ status: 401, error: 'invalid_token' });
    expect(api.requests).toHaveLength(1);
  });

  it('with a token source: a 401 invalidates the token and retries once with a fresh one', async () => {
    api.routes.set('GET /api/v1/self', { status: 200, body: { type: 'admin', environment: 'acme' } });
    const issued = ['revoked', 'tok-1'];
    let invalidations = 0;
    const tokenSource = {
      getToken: async () => issued[0] ?? 'none',
      invalidate: async () => {
        invalidations++;
        issued.shift();
      },
    };
    const c = new GatehouseClient({ baseUrl: api.url, tokenSource });
    expect(await c.self()).toEqual({ type: 'admin', environment: 'acme' });
    expect(invalidations).toBe(1);
    expect(api.requests.map((r) => r.headers.authorization)).toEqual(['Bearer revoked', 'Bearer tok-1']);

    issued.unshift('bad-1', 'bad-2');
    await expect(c.self()).rejects.toMatchObject({ status: 401 });
    expect(invalidations).toBe(2);
  });

  it('validates its options and reports unreachable servers as NetworkError', async () => {
    expect(() => new GatehouseClient({ baseUrl: api.url })).toThrow(ArgumentError);
    expect(
      () => new GatehouseClient({ baseUrl: api.url, token: 't', tokenSource: { getToken: async () => 't' } }),
    ).toThrow(ArgumentError);
    expect(() => new GatehouseClient({ baseUrl: 'nope', token: 't' })).toThrow(ArgumentError);
    await expect(new GatehouseClient({ baseUrl: await deadUrl(), token: 't' }).self()).rejects.toBeInstanceOf(
      NetworkError,
    );
  });

  it('exchangeToken rejects with ArgumentError for a fixed token or a token source without exchangeToken, sending nothing', async () => {
    const fixed = client().exchangeToken({ subjectToken: 's' });
    await expect(fixed).rejects.toBeInstanceOf(ArgumentError);
    await expect(fixed).rejects.toThrow(/tokenSource that exchanges/);
    const plain = client({ token: undefined, tokenSource: { getToken: async () => 'tok-1' } });
    await expect(plain.exchangeToken({ subjectToken: 's' })).rejects.toBeInstanceOf(ArgumentError);
    expect(api.requests).toHaveLength(0);
  });
});
