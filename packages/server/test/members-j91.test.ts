/**
 * docs/security.md J-91: a viewer or developer doing what its role may not (grants, members, secrets),
 * or a member raising its own role, gets 403 and nothing changes. What the roles may do works, and
 * the audit log names the member.
 */
import { describe, expect } from 'vitest';
import type { TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { call, type ConsoleSession } from './management-helpers.js';
import { member } from './member-helpers.js';
import { test } from './fixtures.js';

/** Everything a refused request must leave as it was. */
async function snapshot(t: TestServer) {
  const s = stored(t);
  return {
    integrations: await s.integrations(),
    environments: await s.environments(),
    memberships: await s.memberships(),
    invitations: (await s.invitations()).length,
    apis: await s.apis(),
  };
}

/**
 * The file's fixtures, plus `idOf` (a console account's id by email) and `refused` (the request
 * answers 403 and changes nothing).
 */
const it = test
  .extend(
    'idOf',
    { scope: 'file' },
    ({ t }) =>
      (email: string) =>
        stored(t).accountId(email),
  )
  .extend(
    'refused',
    { scope: 'file' },
    ({ t }) =>
      async (s: ConsoleSession, method: string, path: string, body?: unknown) => {
        const before = await snapshot(t);
        const res = await call(t, { session: s }, method, path, body);
        expect({ route: `${method} ${path}`, status: res.status }).toEqual({
          route: `${method} ${path}`,
          status: 403,
        });
        expect(await snapshot(t)).toEqual(before);
      },
  );

describe('J-91 roles (sqlite)', () => {
  let owner: ConsoleSession;
  let admin: ConsoleSession;
  let developer: ConsoleSession;
  let viewer: ConsoleSession;
  let full: { client_id: string };
  let content: { client_id: string };

  it.beforeAll(async ({ t, operator }) => {
    expect((await call(t, { session: operator }, 'POST', '/environments', { slug: 'alpha' })).status).toBe(201);
    full = await t.integration({ name: 'backend', preset: 'all-permissions' }, 'alpha');
    content = await t.integration({ name: 'renderer', preset: 'read-only' }, 'alpha');
    owner = await member(t, operator, 'alpha', 'olga@tenant-a.test', 'owner');
    admin = await member(t, operator, 'alpha', 'abe@tenant-a.test', 'admin');
    developer = await member(t, operator, 'alpha', 'dev@tenant-a.test', 'developer');
    viewer = await member(t, operator, 'alpha', 'vic@tenant-a.test', 'viewer');
  });

  it('J-91 a viewer reads everything it may and changes nothing', async ({ t, idOf, refused }) => {
    for (const path of [
      '/environments/alpha',
      '/environments/alpha/integrations',
      `/environments/alpha/integrations/${full.client_id}`,
      '/environments/alpha/apis',
      '/environments/alpha/audit',
      '/environments/alpha/customers',
      '/environments/alpha/members',
    ]) {
      expect({ path, status: (await call(t, { session: viewer }, 'GET', path)).status }).toEqual({ path, status: 200 });
    }
    await refused(viewer, 'POST', '/environments/alpha/integrations', { name: 'x', preset: 'read-only' });
    await refused(viewer, 'PATCH', `/environments/alpha/integrations/${content.client_id}`, {
      scopes: ['projects:read'],
    });
    await refused(viewer, 'DELETE', `/environments/alpha/integrations/${content.client_id}`);
    await refused(viewer, 'POST', `/environments/alpha/integrations/${content.client_id}/rotate-secret`, {});
    await refused(viewer, 'POST', `/environments/alpha/integrations/${content.client_id}/revoke-tokens`);
    await refused(viewer, 'PATCH', '/environments/alpha', { name: 'mine' });
    await refused(viewer, 'GET', '/environments/alpha/credentials');
    await refused(viewer, 'POST', '/environments/alpha/credentials/rotate-secret', {});
    await refused(viewer, 'POST', '/environments/alpha/invitations', { email: 'friend@tenant-a.test', role: 'owner' });
    await refused(viewer, 'PATCH', `/environments/alpha/members/${await idOf('vic@tenant-a.test')}`, { role: 'owner' });
    await refused(viewer, 'DELETE', `/environments/alpha/members/${await idOf('olga@tenant-a.test')}`);
    const caps = await call(t, { session: viewer }, 'GET', '/environments/alpha/capabilities');
    expect(caps.body).toEqual({
      operator: false,
      role: 'viewer',
      capabilities: [
        'environment:read',
        'integrations:read',
        'apis:read',
        'customers:read',
        'audit:read',
        'members:read',
      ],
      grantable_scopes: [],
    });
  });

  it('J-91 a developer creates content-only integrations and rotates their secrets, nothing more', async ({
    t,
    idOf,
    refused,
  }) => {
    const created = await call(t, { session: developer }, 'POST', '/environments/alpha/integrations', {
      name: 'dev app',
      scopes: ['projects:read', 'media:write'],
    });
    expect(created.status).toBe(201);
    expect(created.body.client_secret).toEqual(expect.any(String));
    const rotated = await call(
      t,
      { session: developer },
      'POST',
      `/environments/alpha/integrations/${content.client_id}/rotate-secret`,
      {},
    );
    expect(rotated.status).toBe(200);
    // Management scopes, another integration's grants, a powerful integration's secret: refused.
    await refused(developer, 'POST', '/environments/alpha/integrations', { name: 'x', scopes: ['integrations:read'] });
    await refused(developer, 'POST', '/environments/alpha/integrations', { name: 'x', preset: 'all-permissions' });
    await refused(developer, 'PATCH', `/environments/alpha/integrations/${content.client_id}`, {
      scopes: ['projects:read', 'projects:write'],
    });
    await refused(developer, 'DELETE', `/environments/alpha/integrations/${content.client_id}`);
    await refused(developer, 'POST', `/environments/alpha/integrations/${full.client_id}/rotate-secret`, {});
    await refused(developer, 'POST', '/environments/alpha/apis', { name: 'x', audience: 'https://x.test', scopes: [] });
    await refused(developer, 'POST', '/environments/alpha/credentials/rotate-secret', {});
    await refused(developer, 'POST', '/environments/alpha/invitations', {
      email: 'friend@tenant-a.test',
      role: 'viewer',
    });
    await refused(developer, 'PATCH', `/environments/alpha/members/${await idOf('dev@tenant-a.test')}`, {
      role: 'owner',
    });
    // The audit log names the member.
    const events = (await call(t, { session: owner }, 'GET', '/environments/alpha/audit')).body.items as {
      actor: string;
      action: string;
    }[];
    expect(events.some((e) => e.actor === 'member:dev@tenant-a.test' && e.action.startsWith('integration.'))).toBe(
      true,
    );
  });

  it('J-91 no member raises its own role; admins manage integrations but not members', async ({ t, idOf, refused }) => {
    await refused(admin, 'PATCH', `/environments/alpha/members/${await idOf('abe@tenant-a.test')}`, { role: 'owner' });
    await refused(admin, 'POST', '/environments/alpha/invitations', { email: 'friend@tenant-a.test', role: 'owner' });
    await refused(owner, 'PATCH', `/environments/alpha/members/${await idOf('olga@tenant-a.test')}`, { role: 'admin' });
    expect(
      (
        await call(t, { session: admin }, 'PATCH', `/environments/alpha/integrations/${content.client_id}`, {
          name: 'renamed',
        })
      ).status,
    ).toBe(200);
    expect((await call(t, { session: admin }, 'PATCH', '/environments/alpha', { name: 'Alpha' })).status).toBe(200);
  });

  it('J-91 owners change roles and remove members, never the last owner; the change applies on the next request', async ({
    t,
    operator,
    idOf,
  }) => {
    const vic = await idOf('vic@tenant-a.test');
    const changed = await call(t, { session: owner }, 'PATCH', `/environments/alpha/members/${vic}`, { role: 'admin' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ email: 'vic@tenant-a.test', role: 'admin' });
    expect((await call(t, { session: viewer }, 'PATCH', '/environments/alpha', { name: 'By Vic' })).status).toBe(200);
    const olga = await idOf('olga@tenant-a.test');
    const before = await snapshot(t);
    const last = await call(t, { session: operator }, 'PATCH', `/environments/alpha/members/${olga}`, {
      role: 'viewer',
    });
    expect(last.status).toBe(409);
    expect((await call(t, { session: operator }, 'DELETE', `/environments/alpha/members/${olga}`)).status).toBe(409);
    expect(await snapshot(t)).toEqual(before);
    expect((await call(t, { session: owner }, 'DELETE', `/environments/alpha/members/${vic}`)).status).toBe(204);
    expect((await call(t, { session: viewer }, 'GET', '/environments/alpha')).status).toBe(404);
  });
});
