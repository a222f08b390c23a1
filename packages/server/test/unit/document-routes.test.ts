/**
 * Issue #25 item 4: a route documents itself from its context (openapi/document-routes.ts). A new
 * route that states only its summary and description gets the `security` of how its context
 * authenticates, an operationId, a description on every response and the error answers of its
 * authentication; what it states itself is kept. And the docs page's request interceptor leaves
 * empty form parameters out (RFC 6749 §3.1). A unit test: a bare Fastify app, no store.
 */
import { describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { Type } from '@sinclair/typebox';
import { declareAuthentication, type Authentication } from '../../src/auth/authentication-kind.js';
import { documentRoutes } from '../../src/openapi/document-routes.js';
import { securitySchemes } from '../../src/openapi/security.js';
import { omitEmptyFormParameters } from '../../src/docs-ui.js';

interface Operation {
  operationId: string;
  security: Record<string, string[]>[];
  responses: Record<string, { description: string; content?: Record<string, { example?: unknown }> }>;
}

/** An app with one context of `kind` holding `GET /thing` and `POST /thing` that say nothing of security. */
async function appWith(kind: Authentication): Promise<FastifyInstance> {
  const app = Fastify();
  documentRoutes(app);
  await app.register(swagger, { openapi: { components: { securitySchemes: securitySchemes() as never } } });
  await app.register(async (context) => {
    declareAuthentication(context, kind);
    const schema = { summary: 'A thing', description: 'The thing.' };
    context.get('/thing', { schema: { ...schema, response: { 200: Type.Object({ id: Type.String() }) } } }, () => ({
      id: '1',
    }));
    context.post(
      '/thing',
      { schema: { ...schema, response: { 201: Type.Object({}, { description: 'Made.' }) } } },
      () => ({}),
    );
  });
  await app.ready();
  return app;
}

const operationOf = (app: FastifyInstance, method: 'get' | 'post') =>
  (app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> }).paths['/thing']![method]!;

describe('routes document themselves from their context', () => {
  it('a route of an API context takes a token or the session (with CSRF on POST), and its errors are named', async () => {
    const app = await appWith('caller');
    const get = operationOf(app, 'get');
    expect(get.security).toEqual([{ bearer: [] }, { dpop: [] }, { session: [] }]);
    expect(get.operationId).toBe('get_thing');
    expect(Object.keys(get.responses).sort()).toEqual(['200', '401', '403', '503']);
    for (const response of Object.values(get.responses)) expect(response.description).not.toBe('Default Response');
    expect(get.responses['401']!.content!['application/json']!.example).toEqual({
      error: 'invalid_token',
      error_description: 'the access token is expired',
    });
    const post = operationOf(app, 'post');
    expect(post.security).toEqual([{ bearer: [] }, { dpop: [] }, { session: [], csrf: [] }]);
    expect(post.responses['201']!.description).toBe('Made.');
    await app.close();
  });

  it('the OAuth endpoints authenticate clients; console routes take the session only; public ones say none', async () => {
    const client = await appWith('client');
    expect(operationOf(client, 'post').security).toEqual([
      { client_secret_basic: [] },
      { client_secret_post: [] },
      { private_key_jwt: [] },
    ]);
    expect(operationOf(client, 'post').responses['401']!.description).toMatch(/invalid_client/);
    await client.close();
    const session = await appWith('session');
    expect(operationOf(session, 'post').security).toEqual([{ session: [], csrf: [] }]);
    await session.close();
    const open = await appWith('none');
    expect(operationOf(open, 'get').security).toEqual([]);
    expect(Object.keys(operationOf(open, 'get').responses)).toEqual(['200']);
    await open.close();
  });

  it('the docs page sends no empty form parameter, and leaves other bodies as they are', () => {
    const form = { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
    expect(
      omitEmptyFormParameters({ ...form, body: 'client_secret=&scope=a%20b&grant_type=client_credentials&x' }).body,
    ).toBe('scope=a%20b&grant_type=client_credentials&x');
    const json = { headers: { 'Content-Type': 'application/json' }, body: '{"a":""}' };
    expect(omitEmptyFormParameters({ ...json }).body).toBe('{"a":""}');
    // The header as the browser's fetch spells it (lower case) filters the same way.
    const lower = { headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }, body: 'a=&b=1' };
    expect(omitEmptyFormParameters(lower).body).toBe('b=1');
    // No headers (a GET) or no content type: the body is left as it is.
    expect(omitEmptyFormParameters({ body: 'a=&b=1' }).body).toBe('a=&b=1');
    expect(omitEmptyFormParameters({ headers: {}, body: 'a=&b=1' }).body).toBe('a=&b=1');
    // A body that is not a string (a multipart FormData object) is not rewritten.
    const multipart = { a: '' };
    const request = { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: multipart };
    expect(omitEmptyFormParameters(request).body).toBe(multipart);
  });
});
