/**
 * docs/security.md H-77: a property-based fuzz of every route of the OpenAPI document (`GET /docs/json`
 * of the running server), on each store. Each case picks a route and a caller (an all-permissions
 * integration's bearer token, a console session, or nobody), and generates its path parameters,
 * query, headers and body — shaped after the route's schemas or hostile. No answer may be a 5xx.
 * The seed is fixed (GATEHOUSE_FUZZ_SEED overrides it) and printed with the failing case.
 */
import { describe, expect } from 'vitest';
import fc from 'fast-check';
import { CLI_ACTOR } from '../src/context.js';
import { DEFAULT_TOKEN_LIFETIME, updateEnvironment } from '../src/services/environments.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { settle, type TestServer } from '@gatehouse/testing/server';
import { hostileString, jsonBody, queryValue, type Schema } from '@gatehouse/testing/openapi-arbitraries';
import { accessToken, createTestAdmin, session, type ConsoleSession } from './management-helpers.js';
import { testsOn } from './fixtures.js';

const SEED = Number(process.env.GATEHOUSE_FUZZ_SEED ?? 20_261_130);
const RUNS = 1500;
const TIME_LIMIT_MS = 35_000;

interface Operation {
  method: string;
  path: string;
  parameters: { in: string; name: string; schema: Schema }[];
  body: Schema | undefined;
}

/** Every operation of an OpenAPI 3 document. */
function operations(doc: {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: Operation['parameters']; requestBody?: { content: Record<string, { schema: Schema }> } }
    >
  >;
}): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content['application/json']?.schema,
    })),
  );
}

const on = testsOn(STORE_KINDS);

describe.each(STORE_KINDS)('H-77 fuzz of every OpenAPI route (%s)', (kind) => {
  const it = on(kind);
  let t: TestServer;
  let self: { client_id: string; client_secret: string };
  let bearer: string;
  let admin: ConsoleSession;
  let victims: string[];
  let victimToken: string;

  it.beforeAll(async ({ t: server }) => {
    t = server;
    self = await t.integration({ preset: 'all-permissions' });
    bearer = await accessToken(t, self);
    const a = await t.integration({ preset: 'read-only' });
    const b = await t.integration({ preset: 'all-permissions' });
    victims = [a.client_id, b.client_id];
    victimToken = await accessToken(t, a);
    await createTestAdmin(t);
    admin = await session(t);
  });

  it('H-77 no generated request to any route answers a 5xx', async () => {
    const doc = (await (await fetch(`${t.url}/docs/json`)).json()) as Parameters<typeof operations>[0];
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(30);
    // Path parameters aim at real resources often, and at hostile names otherwise; the caller's
    // own integration is never a target, so the fuzz cannot lock itself out.
    // Values arrive percent-encoded (every UTF-8 byte, lone surrogates as U+FFFD), or as raw
    // broken escapes.
    const encoded = (a: fc.Arbitrary<string>) =>
      a.map((v) => [...Buffer.from(v, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));
    const broken = fc.constantFrom('%FF', '%C0%80', '%ZZ', '%', '%2e%2e', '%2F', '%ED%A0%80');
    const pathValue = (name: string) =>
      fc.oneof(
        {
          weight: 4,
          arbitrary: encoded(
            name === 'env'
              ? fc.constant('default')
              : name === 'client_id'
                ? fc.constantFrom(...victims)
                : hostileString,
          ),
        },
        { weight: 2, arbitrary: encoded(hostileString) },
        { weight: 1, arbitrary: broken },
      );
    const statuses = new Map<number, number>();
    let renewals = 0;

    const requestFor = (op: Operation) =>
      fc.record({
        op: fc.constant(op),
        params: fc.record(
          Object.fromEntries(op.parameters.filter((p) => p.in === 'path').map((p) => [p.name, pathValue(p.name)])),
        ),
        query: fc.record(
          Object.fromEntries(op.parameters.filter((p) => p.in === 'query').map((p) => [p.name, queryValue(p.schema)])),
          { requiredKeys: [] },
        ),
        caller: fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom('bearer', 'console') },
          { weight: 1, arbitrary: fc.constant('nobody') },
        ),
        contentType: fc.oneof(
          { weight: 6, arbitrary: fc.constant('application/json') },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              'application/x-www-form-urlencoded',
              'text/plain',
              'application/json; charset=latin1',
              undefined,
            ),
          },
        ),
        body: op.path.startsWith('/oauth/') ? oauthForm() : jsonBody(op.body),
        extraHeaders: fc.dictionary(
          fc.constantFrom('authorization', 'x-csrf-token', 'cookie', 'origin', 'accept', 'x-forwarded-for', 'dpop'),
          headerValue,
          { maxKeys: 2 },
        ),
        withBody: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      });
    // Header values fetch can send (printable ASCII): broken schemes, garbage and oversized tokens.
    const headerValue = fc.oneof(
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        'Bearer a.b.c',
        'Bearer a b',
        'bearer ' + 'x'.repeat(9000),
        'Basic !!!',
        'Basic Og==',
        'Basic ' + Buffer.from('a%00:b').toString('base64'),
        'DPoP x',
        'gatehouse_session=x',
      ),
      fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,80}$/),
    );
    const oauthForm = () =>
      fc
        .dictionary(
          fc.constantFrom(
            'grant_type',
            'client_id',
            'client_secret',
            'scope',
            'audience',
            'token',
            'token_type_hint',
            'x[y]',
          ),
          fc.oneof(fc.constantFrom('client_credentials', victims[0]!, victimToken), hostileString),
          { maxKeys: 5 },
        )
        .map((params) => new URLSearchParams(params).toString());

    // A fuzzed PATCH of the environment may shorten its token lifetime below the bearer token's
    // and so end it: the lifetime is set back, the clock moved past any throttle window the fuzz's
    // failed authentications filled, and both callers renewed, for coverage.
    const renewCallers = async () => {
      await updateEnvironment(t.server.runtime.ctx, CLI_ACTOR, 'default', { token_lifetime: DEFAULT_TOKEN_LIFETIME });
      await settle(t);
      t.clock.advance(3600);
      bearer = await accessToken(t, self);
      admin = await session(t);
    };
    const property = fc.asyncProperty(fc.constantFrom(...ops).chain(requestFor), async (c) => {
      let path = c.op.path;
      for (const [name, value] of Object.entries(c.params)) path = path.replace(`{${name}}`, value as string);
      const query = new URLSearchParams(c.query as Record<string, string>).toString();
      const headers: Record<string, string> = {};
      // Signing out would end the session the other cases use.
      const caller =
        c.op.method === 'DELETE' && c.op.path === '/api/v1/session' && c.caller === 'console' ? 'nobody' : c.caller;
      if (caller === 'bearer') headers.authorization = `Bearer ${bearer}`;
      if (caller === 'console') Object.assign(headers, { cookie: admin.cookie, 'x-csrf-token': admin.csrf });
      Object.assign(headers, c.extraHeaders);
      const sendBody = c.withBody && c.op.method !== 'GET';
      if (sendBody && c.contentType)
        headers['content-type'] =
          c.op.path.startsWith('/oauth/') && c.contentType === 'application/json'
            ? 'application/x-www-form-urlencoded'
            : c.contentType;
      const res = await fetch(`${t.url}${path}${query ? `?${query}` : ''}`, {
        method: c.op.method,
        headers,
        ...(sendBody && { body: c.body }),
      });
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500)
        throw new Error(`${c.op.method} ${path}?${query} as ${caller} → ${res.status} ${text.slice(0, 200)}`);
      const ownCredentials = !('authorization' in c.extraHeaders) && !('cookie' in c.extraHeaders);
      const ended =
        ownCredentials &&
        (caller === 'bearer'
          ? /access token (is invalid|expired)/.test(text)
          : caller === 'console' && text.includes('authentication required'));
      if (res.status === 401 && ended) {
        renewals++;
        await renewCallers();
      }
    });
    await fc.assert(property, {
      seed: SEED,
      numRuns: RUNS,
      interruptAfterTimeLimit: TIME_LIMIT_MS,
      endOnFailure: true,
    });
    // The fuzz reached the handlers, not only the validators.
    const ok = [...statuses].filter(([s]) => s < 300).reduce((n, [, count]) => n + count, 0);
    expect(ok, JSON.stringify([...statuses])).toBeGreaterThan(50);
    // …and the callers stayed signed in for most of it.
    expect(renewals).toBeLessThan(20);
  }, 120_000);
});
