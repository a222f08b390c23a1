/**
 * docs/security.md J-90: a member of environment A never sees environment B: B is not listed, and every
 * route of B answers 404 exactly like an unknown environment, with nothing changed. Membership is
 * read on current state: a removed member loses access on its next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { call, createTestAdmin, session, type ConsoleSession } from './management-helpers.js';
import { member } from './member-helpers.js';

describe.each(HTTP_STORE_KINDS)('J-90 members see only their environments (%s)', (kind) => {
  let t: TestServer;
  let operator: ConsoleSession;
  let owner: ConsoleSession;
  let betaClient: { client_id: string };
  beforeAll(async () => {
    t = await startTestServer(kind);
    await createTestAdmin(t);
    operator = await session(t);
    for (const slug of ['alpha', 'beta'])
      expect((await call(t, { session: operator }, 'POST', '/environments', { slug })).status).toBe(201);
    betaClient = await t.integration({ name: 'beta app', preset: 'all-permissions' }, 'beta');
    owner = await member(t, operator, 'alpha', 'olga@tenant-a.test', 'owner');
  });
  afterAll(() => t.close());

  async function snapshot() {
    const db = t.server.runtime.ctx.db;
    return {
      integrations: await db.selectFrom('integrations').selectAll().orderBy('id').execute(),
      environments: await db.selectFrom('environments').selectAll().orderBy('id').execute(),
      memberships: await db.selectFrom('memberships').selectAll().orderBy('account_id').execute(),
      invitations: await db.selectFrom('invitations').select(['id', 'used_at']).orderBy('id').execute(),
      customers: (
        await db
          .selectFrom('customers')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
      secretsOfEnvironments: await db
        .selectFrom('environments')
        .select(['id', 'environment_key'])
        .orderBy('id')
        .execute(),
    };
  }

  it("J-90 lists only the member's environments (GET /environments, GET /me)", async () => {
    const list = await call(t, { session: owner }, 'GET', '/environments');
    expect(list.status).toBe(200);
    expect((list.body.items as { slug: string }[]).map((e) => e.slug)).toEqual(['alpha']);
    const me = await call(t, { session: owner }, 'GET', '/me');
    expect(me.body).toEqual({
      email: 'olga@tenant-a.test',
      operator: false,
      memberships: [{ environment: 'alpha', role: 'owner' }],
    });
    // The operator still sees every environment.
    const all = await call(t, { session: operator }, 'GET', '/environments');
    expect((all.body.items as { slug: string }[]).map((e) => e.slug)).toEqual(['alpha', 'beta', 'default']);
  });

  it('J-90 every route of another environment answers 404 like an unknown one, nothing changed', async () => {
    const id = betaClient.client_id;
    const routes: [string, string, unknown?][] = [
      ['GET', '/environments/:e'],
      ['PATCH', '/environments/:e', { name: 'taken over' }],
      ['GET', '/environments/:e/capabilities'],
      ['GET', '/environments/:e/integrations'],
      ['POST', '/environments/:e/integrations', { name: 'intruder', preset: 'read-only' }],
      ['GET', `/environments/:e/integrations/${id}`],
      ['PATCH', `/environments/:e/integrations/${id}`, { enabled: false }],
      ['DELETE', `/environments/:e/integrations/${id}`],
      ['POST', `/environments/:e/integrations/${id}/rotate-secret`, {}],
      ['POST', `/environments/:e/integrations/${id}/revoke-tokens`],
      ['GET', `/environments/:e/integrations/${id}/keys`],
      ['GET', '/environments/:e/apis'],
      ['POST', '/environments/:e/apis', { name: 'x', audience: 'https://x.test', scopes: [] }],
      ['GET', '/environments/:e/audit'],
      ['GET', '/environments/:e/customers'],
      ['GET', '/environments/:e/customers/c1'],
      ['DELETE', '/environments/:e/customers/c1'],
      ['GET', '/environments/:e/credentials'],
      ['POST', '/environments/:e/credentials/secret'],
      ['POST', '/environments/:e/credentials/rotate-secret', {}],
      ['GET', '/environments/:e/members'],
      ['POST', '/environments/:e/invitations', { email: 'mallory@evil.test', role: 'owner' }],
      ['GET', '/environments/:e/invitations'],
      ['DELETE', '/environments/:e/invitations/inv_x'],
      ['PATCH', '/environments/:e/members/adm_x', { role: 'owner' }],
      ['DELETE', '/environments/:e/members/adm_x'],
      ['GET', '/environments/:e/projects'],
    ];
    const before = await snapshot();
    for (const [method, path, body] of routes) {
      const beta = await call(t, { session: owner }, method, path.replace(':e', 'beta'), body);
      const unknown = await call(t, { session: owner }, method, path.replace(':e', 'no-such-env'), body);
      expect({ route: `${method} ${path}`, status: beta.status, body: beta.body }).toEqual({
        route: `${method} ${path}`,
        status: 404,
        body: unknown.body,
      });
      expect(beta.body).toEqual({ error: 'not_found', error_description: 'environment not found' });
    }
    expect(await snapshot()).toEqual(before);
    // Its own environment works.
    expect((await call(t, { session: owner }, 'GET', '/environments/alpha/integrations')).status).toBe(200);
  });

  it('J-90 operator-only routes outside an environment are refused to members', async () => {
    const before = await snapshot();
    expect((await call(t, { session: owner }, 'POST', '/environments', { slug: 'gamma' })).status).toBe(403);
    expect((await call(t, { session: owner }, 'GET', '/audit')).status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('J-90 membership is read on current state: a removed member gets 404 on its next request', async () => {
    const dev = await member(t, operator, 'alpha', 'dan@tenant-a.test', 'developer');
    expect((await call(t, { session: dev }, 'GET', '/environments/alpha/integrations')).status).toBe(200);
    const accountId = (
      await t.server.runtime.ctx.db
        .selectFrom('admins')
        .select('id')
        .where('email', '=', 'dan@tenant-a.test')
        .executeTakeFirstOrThrow()
    ).id;
    expect((await call(t, { session: owner }, 'DELETE', `/environments/alpha/members/${accountId}`)).status).toBe(204);
    expect((await call(t, { session: dev }, 'GET', '/environments/alpha/integrations')).status).toBe(404);
    expect(((await call(t, { session: dev }, 'GET', '/environments')).body.items as unknown[]).length).toBe(0);
  });
});
