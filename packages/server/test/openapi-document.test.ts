/**
 * Issue #25 item 4: the OpenAPI document (`GET /docs/json`) serves its users. Every operation has a
 * summary and a description and an operationId; every response is named (never "Default
 * Response"); every route that authenticates declares its security (the OAuth endpoints their
 * client authentication methods, the APIs a token or the session) and every public one says it is
 * public (`security: []`); every request body has an example, the OAuth endpoints' a form one
 * with every parameter of their grants and client authentication methods.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';

interface Media {
  schema: { properties?: Record<string, unknown> };
  example?: unknown;
  examples?: Record<string, unknown>;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { description?: string }>;
}
interface Document {
  info: { title: string };
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string; in?: string; name?: string }> };
}

/** `/api/v1/environments/:env` → `/api/v1/environments/{env}` (Fastify URL to OpenAPI path). */
const openapiPath = (url: string) => url.replace(/:([A-Za-z_]+)/g, '{$1}');

describe.each(HTTP_STORE_KINDS)('the OpenAPI document (%s)', (kind) => {
  let t: TestServer;
  let doc: Document;
  let operations: { method: string; path: string; op: Operation }[];

  beforeAll(async () => {
    t = await startTestServer(kind);
    const res = await fetch(`${t.url}/docs/json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Document;
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
    );
  });
  afterAll(() => t.close());

  it('is titled Gatehouse API and every operation has a summary, a description and a unique operationId', () => {
    expect(doc.info.title).toBe('Gatehouse API');
    expect(operations.length).toBeGreaterThanOrEqual(78);
    const missing = operations.filter(({ op }) => !op.summary?.trim() || !op.description?.trim());
    expect(missing.map((o) => `${o.method} ${o.path}`)).toEqual([]);
    const ids = operations.map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every response is named: no "Default Response", each with its own description', () => {
    const unnamed = operations.flatMap(({ method, path, op }) =>
      Object.entries(op.responses)
        .filter(([, r]) => !r.description?.trim() || r.description === 'Default Response')
        .map(([status]) => `${method} ${path} ${status}`),
    );
    expect(unnamed).toEqual([]);
    expect(operations.every(({ op }) => Object.keys(op.responses).length > 0)).toBe(true);
  });

  it('every route that authenticates declares its security; every other one declares none', () => {
    const schemes = doc.components.securitySchemes;
    expect(schemes.client_secret_basic).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.dpop).toMatchObject({ type: 'http', scheme: 'dpop' });
    expect(schemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'gatehouse_session' });
    expect(schemes.csrf).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-csrf-token' });
    expect(schemes.client_secret_post).toBeDefined();
    expect(schemes.private_key_jwt).toBeDefined();
    const byRoute = new Map(operations.map((o) => [`${o.method} ${o.path}`, o.op]));
    // Every operation says, and every scheme it names exists.
    for (const { method, path, op } of operations) {
      expect(Array.isArray(op.security), `${method} ${path}`).toBe(true);
      for (const requirement of op.security!)
        for (const name of Object.keys(requirement)) expect(schemes[name], `${method} ${path} ${name}`).toBeDefined();
    }
    // The routes that authenticate a principal (K-103's table: an action) take a token or a session.
    const authenticated = t.server.app.routeActions.filter((r) => r.action !== null);
    expect(authenticated.length).toBeGreaterThan(50);
    for (const route of authenticated) {
      const op = byRoute.get(`${route.method} ${openapiPath(route.url)}`);
      expect(op, `${route.method} ${route.url}`).toBeDefined();
      const names = op!.security!.flatMap((r) => Object.keys(r));
      expect(names, `${route.method} ${route.url}`).toContain('session');
      // A state-changing method needs the CSRF header with the session.
      if (route.method !== 'GET')
        expect(
          op!.security!.find((r) => 'session' in r),
          `${route.method} ${route.url}`,
        ).toHaveProperty('csrf');
    }
    // The Environment API also takes bearer and DPoP tokens.
    expect(byRoute.get('GET /api/v1/self')!.security).toEqual([{ bearer: [] }, { dpop: [] }, { session: [] }]);
    // The OAuth endpoints authenticate clients.
    for (const path of ['/oauth/token', '/oauth/revoke', '/oauth/introspect'])
      expect(byRoute.get(`POST ${path}`)!.security).toEqual([
        { client_secret_basic: [] },
        { client_secret_post: [] },
        { private_key_jwt: [] },
      ]);
    // Anything else is public, and says so.
    const client = new Set(['POST /oauth/token', 'POST /oauth/revoke', 'POST /oauth/introspect']);
    const withAction = new Set(authenticated.map((r) => `${r.method} ${openapiPath(r.url)}`));
    const publicOps = operations.filter(
      (o) => !withAction.has(`${o.method} ${o.path}`) && !client.has(`${o.method} ${o.path}`),
    );
    expect(publicOps.map((o) => `${o.method} ${o.path}`).sort()).toEqual(
      [
        'GET /.well-known/jwks.json',
        'GET /.well-known/oauth-authorization-server',
        'GET /.well-known/oauth-protected-resource',
        'GET /api/v1/session/options',
        'GET /api/v1/session/sso',
        'GET /api/v1/session/sso/callback',
        'GET /oauth/authorize',
        'POST /api/v1/invitations/preview',
        'POST /api/v1/session',
        'POST /api/v1/session/totp',
      ].sort(),
    );
    for (const { method, path, op } of publicOps) expect(op.security, `${method} ${path}`).toEqual([]);
  });

  it('every request body has an example; the OAuth endpoints take a form with every parameter', () => {
    const bodies = operations.filter(({ op }) => op.requestBody);
    expect(bodies.length).toBeGreaterThanOrEqual(30);
    const without = bodies.flatMap(({ method, path, op }) =>
      Object.entries(op.requestBody!.content)
        .filter(([, media]) => media.example === undefined && media.examples === undefined)
        .map(([type]) => `${method} ${path} ${type}`),
    );
    expect(without).toEqual([]);
    for (const path of ['/oauth/token', '/oauth/revoke', '/oauth/introspect']) {
      const content = doc.paths[path]!.post!.requestBody!.content;
      expect(Object.keys(content)).toEqual(['application/x-www-form-urlencoded', 'application/json']);
      const params = Object.keys(content['application/x-www-form-urlencoded']!.schema.properties ?? {});
      expect(params).toEqual(
        expect.arrayContaining(['client_id', 'client_secret', 'client_assertion_type', 'client_assertion']),
      );
      if (path !== '/oauth/token') expect(params).toContain('token');
    }
    const token = Object.keys(
      doc.paths['/oauth/token']!.post!.requestBody!.content['application/x-www-form-urlencoded']!.schema.properties!,
    );
    expect(token).toEqual(
      expect.arrayContaining([
        'grant_type',
        'scope',
        'audience',
        'resource',
        'subject_token',
        'subject_token_type',
        'actor_token',
        'actor_token_type',
        'requested_token_type',
      ]),
    );
  });

  it('documenting the OAuth parameters refuses nothing: their errors stay RFC 6749 §5.2 ones', async () => {
    const basic = `Basic ${Buffer.from('nobody:nothing').toString('base64')}`;
    const empty = await fetch(`${t.url}/oauth/token`, { method: 'POST', headers: { authorization: basic } });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({ error: 'invalid_request', error_description: 'grant_type is missing' });
    const odd = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password',
    });
    expect(odd.status).toBe(400);
    expect(((await odd.json()) as { error: string }).error).toBe('unsupported_grant_type');
  });
});
