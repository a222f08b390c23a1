/**
 * docs/security.md H-77: one input policy for every route. Deep JSON, an empty PATCH, numeric query
 * parameters out of range or not numbers, and a NUL character in any string (form field, JSON
 * string or key, query, path, the customer token's `id`) each answer 400 in the route's error
 * format (OAuth: RFC 6749 §5.2 `invalid_request`; API: `{error, error_description}`), never a 5xx,
 * and change nothing.
 */
import { connect } from 'node:net';
import { describe, expect } from 'vitest';
import jwt from 'jsonwebtoken';
import { CLI_ACTOR } from '../src/context.js';
import { createEnvironmentSecret } from '../src/services/credentials.js';
import { type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { basic, postForm, postJson, request, type Res } from '@gatehouse/testing/http';
import { accessToken, call, createTestAdmin, session, signIn, type ConsoleSession } from './management-helpers.js';
import { it } from './fixtures.js';

/** Sends `raw` over a new connection and answers the status line of the response. */
function rawStatusLine(url: string, raw: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(raw));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

/** `{"a":{"a":…}}` nested `depth` deep. */
const deep = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

function expect400(res: Res): void {
  expect(res.status, res.text).toBe(400);
  expect(res.body.error).toBe('invalid_request');
  expect(typeof res.body.error_description).toBe('string');
}

describe('hostile input (sqlite)', () => {
  let t: TestServer;
  let client: { client_id: string; client_secret: string };
  let bearer: string;
  let admin: ConsoleSession;
  let creds: { environment_key: string; environment_secret: string | null };
  const as = (method: string, path: string, body?: unknown) => call(t, { bearer }, method, path, body);

  it.beforeAll(async ({ t: server }) => {
    t = server;
    client = await t.integration({ preset: 'all-permissions' });
    bearer = await accessToken(t, client);
    await createTestAdmin(t);
    admin = await session(t);
    creds = await createEnvironmentSecret(t.server.runtime.ctx, CLI_ACTOR, 'default');
    const now = t.clock.seconds();
    const customerToken = jwt.sign({ id: 'cust-1', iat: now, exp: now + 3600 }, creds.environment_secret!, {
      issuer: creds.environment_key,
    });
    expect(
      (await request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${customerToken}` } })).status,
    ).toBe(200);
  });

  it('H-77 JSON nested 5,000 deep in project data, customer fields and a management body: 400, nothing stored', async () => {
    const projects = await as('GET', '/environments/default/projects');
    expect400(await as('POST', '/environments/default/projects', `{"name":"deep","data":${deep(5000)}}`));
    expect400(await as('PATCH', '/environments/default/customers/cust-1', `{"fields":${deep(5000)}}`));
    expect400(await as('POST', '/environments/default/integrations', `{"name":"x","metadata":${deep(5000)}}`));
    expect400(await call(t, { session: admin }, 'PATCH', '/environments/default', deep(5000)));
    expect((await as('GET', '/environments/default/projects')).body).toEqual(projects.body);
    // Moderate nesting is still data.
    expect((await as('POST', '/environments/default/projects', `{"name":"nested","data":${deep(20)}}`)).status).toBe(
      201,
    );
  });

  it('H-77 an empty PATCH is 400', async () => {
    expect400(await as('PATCH', '/environments/default/customers/cust-1', {}));
    expect400(await as('PATCH', `/environments/default/integrations/${client.client_id}`, {}));
    expect400(await call(t, { session: admin }, 'PATCH', '/environments/default', {}));
  });

  it.each(['1e309', '-1', 'abc', '0', '1.5', '99999999999999999999', '', '%00'])(
    'H-77 ?limit=%s on every list route is 400',
    async (limit) => {
      for (const path of [
        '/environments/default/integrations',
        '/environments/default/audit',
        '/audit',
        '/environments',
        '/environments/default/customers',
        '/environments/default/projects',
      ]) {
        // Projects are their owner's: listed with the integration's token (an operator owns none: 401, K-103).
        const caller = path.endsWith('/projects') ? { bearer } : { session: admin };
        const res = await call(t, caller, 'GET', `${path}?limit=${encodeURIComponent(limit)}`);
        expect400(res);
      }
    },
  );

  it('H-77 a NUL in a form field, a JSON string or key, a query, a path, a Basic credential: 400 invalid_request', async () => {
    expect400(await postForm(t.url, 'grant_type=client_credentials&client_id=a%00b&client_secret=x'));
    expect400(await postForm(t.url, { grant_type: 'client_credentials' }, { authorization: basic('a\0b', 'secret') }));
    expect400(await postJson(t.url, { grant_type: 'client_credentials', client_id: 'a\0b', client_secret: 'x' }));
    expect400(
      await postForm(
        t.url,
        { token: 'a\0b' },
        { authorization: basic(client.client_id, client.client_secret) },
        '/oauth/introspect',
      ),
    );
    expect400(
      await postForm(
        t.url,
        { token: 'a\0b' },
        { authorization: basic(client.client_id, client.client_secret) },
        '/oauth/revoke',
      ),
    );
    expect400(await signIn(t, 'ada\0@example.com', 'x'));
    expect400(await as('POST', '/environments/default/integrations', { name: 'a\0b', preset: 'read-only' }));
    expect400(await as('POST', '/environments/default/projects', { name: 'p', data: { 'k\0': 1 } }));
    expect400(await as('GET', '/environments/default/integrations?q=a%00b'));
    expect400(await as('GET', '/environments/default/customers/a%00b'));
    expect400(await as('GET', '/environments/default/integrations?cursor=a%00b'));
  });

  it('H-77 a NUL in a header value or the raw request line: 400', async () => {
    expect(
      await rawStatusLine(
        t.url,
        `GET /api/v1/self HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${bearer}\0\r\nConnection: close\r\n\r\n`,
      ),
    ).toMatch(/^HTTP\/1\.1 400 /);
    expect(await rawStatusLine(t.url, `GET /api/v1/se\0lf HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 400 /,
    );
  });

  it('H-77 a customer token whose id holds a NUL: 401, no customer stored', async () => {
    const now = t.clock.seconds();
    const tok = jwt.sign({ id: 'nul\0id', iat: now, exp: now + 600 }, creds.environment_secret!, {
      issuer: creds.environment_key,
    });
    const before = await stored(t).customerIds();
    const res = await request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${tok}` } });
    expect(res.status).toBe(401);
    expect(await stored(t).customerIds()).toEqual(before);
  });
});
