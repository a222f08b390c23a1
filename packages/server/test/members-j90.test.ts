/**
 * docs/security.md J-90: a member of environment A never sees environment B: B is not listed, and every
 * route of B answers 404 exactly like an unknown environment, with nothing changed. Membership is
 * read on current state: a removed member loses access on its next request.
 */
import { describe, expect } from 'vitest';
import type { TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { call, type ConsoleSession } from './management-helpers.js';
import { member } from './member-helpers.js';
import { it } from './fixtures.js';
import { accountView } from '../src/services/members.js';
import { Forbidden } from '../src/errors/domain-errors.js';
import type { Principal } from '../src/auth/principal.js';

/** Everything a refused request must leave as it was. */
async function snapshot(t: TestServer) {
  const s = stored(t);
  return {
    integrations: await s.integrations(),
    environments: await s.environments(),
    memberships: await s.memberships(),
    invitations: (await s.invitations()).map(({ id, used_at }) => ({ id, used_at })),
    customers: await s.customerCount(),
    secretsOfEnvironments: (await s.environments()).map(({ id, environment_key }) => ({ id, environment_key })),
  };
}

describe('J-90 members see only their environments (sqlite)', () => {
  let owner: ConsoleSession;
  let betaClient: { client_id: string };
  it.beforeAll(async ({ t, operator }) => {
    for (const slug of ['alpha', 'beta'])
      expect((await call(t, { session: operator }, 'POST', '/environments', { slug })).status).toBe(201);
    betaClient = await t.integration({ name: 'beta app', preset: 'all-permissions' }, 'beta');
    owner = await member(t, operator, 'alpha', 'olga@tenant-a.test', 'owner');
  });

  it("J-90 lists only the member's environments (GET /environments, GET /me)", async ({ t, operator }) => {
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
    expect((await call(t, { session: operator }, 'GET', '/me')).body).toMatchObject({
      operator: true,
      memberships: [],
    });
    // `account.read` lets only console accounts reach the route; the service itself answers no integration either.
    const asIntegration = { type: 'integration', integrationId: 'int_1', clientId: betaClient.client_id };
    await expect(accountView(t.server.runtime.ctx, asIntegration as unknown as Principal)).rejects.toBeInstanceOf(
      Forbidden,
    );
  });

  it('J-90 every route of another environment answers 404 like an unknown one, nothing changed', async ({ t }) => {
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
    const before = await snapshot(t);
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
    expect(await snapshot(t)).toEqual(before);
    // Its own environment works.
    expect((await call(t, { session: owner }, 'GET', '/environments/alpha/integrations')).status).toBe(200);
  });

  it('J-90 operator-only routes outside an environment are refused to members', async ({ t }) => {
    const before = await snapshot(t);
    expect((await call(t, { session: owner }, 'POST', '/environments', { slug: 'gamma' })).status).toBe(403);
    expect((await call(t, { session: owner }, 'GET', '/audit')).status).toBe(403);
    expect(await snapshot(t)).toEqual(before);
  });

  it('J-90 membership is read on current state: a removed member gets 404 on its next request', async ({
    t,
    operator,
  }) => {
    const dev = await member(t, operator, 'alpha', 'dan@tenant-a.test', 'developer');
    expect((await call(t, { session: dev }, 'GET', '/environments/alpha/integrations')).status).toBe(200);
    const accountId = await stored(t).accountId('dan@tenant-a.test');
    expect((await call(t, { session: owner }, 'DELETE', `/environments/alpha/members/${accountId}`)).status).toBe(204);
    expect((await call(t, { session: dev }, 'GET', '/environments/alpha/integrations')).status).toBe(404);
    expect(((await call(t, { session: dev }, 'GET', '/environments')).body.items as unknown[]).length).toBe(0);
  });

  it('an operator is told it is one: GET /me without memberships; capabilities with no role and no grant limit', async ({
    t,
    operator,
  }) => {
    const me = await call(t, { session: operator }, 'GET', '/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ operator: true, memberships: [] });
    const caps = await call(t, { session: operator }, 'GET', '/environments/alpha/capabilities');
    expect(caps.status).toBe(200);
    expect(caps.body).toMatchObject({ operator: true, role: null, grantable_scopes: null });
    expect((caps.body.capabilities as string[]).length).toBeGreaterThan(0);
    const ownerCaps = await call(t, { session: owner }, 'GET', '/environments/alpha/capabilities');
    expect(ownerCaps.body).toMatchObject({ operator: false, role: 'owner' });
  });
});
