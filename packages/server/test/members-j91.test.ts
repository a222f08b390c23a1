/**
 * docs/security.md J-91: a viewer or developer doing what its role may not (grants, members, secrets),
 * or a member raising its own role, gets 403 and nothing changes. What the roles may do works, and
 * the audit log names the member.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { call, createTestAdmin, session, type ConsoleSession } from './management-helpers.js';
import { member } from './member-helpers.js';

describe.each(HTTP_STORE_KINDS)('J-91 roles (%s)', (kind) => {
  let t: TestServer;
  let operator: ConsoleSession;
  let owner: ConsoleSession;
  let admin: ConsoleSession;
  let developer: ConsoleSession;
  let viewer: ConsoleSession;
  let full: { client_id: string };
  let content: { client_id: string };
  const idOf = async (email: string) =>
    (
      await t.server.runtime.ctx.db
        .selectFrom('admins')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirstOrThrow()
    ).id;

  beforeAll(async () => {
    t = await startTestServer(kind);
    await createTestAdmin(t);
    operator = await session(t);
    expect((await call(t, { session: operator }, 'POST', '/environments', { slug: 'alpha' })).status).toBe(201);
    full = await t.integration({ name: 'backend', preset: 'all-permissions' }, 'alpha');
    content = await t.integration({ name: 'renderer', preset: 'read-only' }, 'alpha');
    owner = await member(t, operator, 'alpha', 'olga@tenant-a.test', 'owner');
    admin = await member(t, operator, 'alpha', 'abe@tenant-a.test', 'admin');
    developer = await member(t, operator, 'alpha', 'dev@tenant-a.test', 'developer');
    viewer = await member(t, operator, 'alpha', 'vic@tenant-a.test', 'viewer');
  });
  afterAll(() => t.close());

  async function snapshot() {
    const db = t.server.runtime.ctx.db;
    return {
      integrations: await db.selectFrom('integrations').selectAll().orderBy('id').execute(),
      environments: await db.selectFrom('environments').selectAll().orderBy('id').execute(),
      memberships: await db.selectFrom('memberships').selectAll().orderBy('account_id').execute(),
      invitations: (
        await db
          .selectFrom('invitations')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
      apis: await db.selectFrom('apis').selectAll().orderBy('id').execute(),
    };
  }

  async function refused(s: ConsoleSession, method: string, path: string, body?: unknown) {
    const before = await snapshot();
    const res = await call(t, { session: s }, method, path, body);
    expect({ route: `${method} ${path}`, status: res.status }).toEqual({ route: `${method} ${path}`, status: 403 });
    expect(await snapshot()).toEqual(before);
  }

  it('J-91 a viewer reads everything it may and changes nothing', async () => {
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

  it('J-91 a developer creates content-only integrations and rotates their secrets, nothing more', async () => {
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

  it('J-91 no member raises its own role; admins manage integrations but not members', async () => {
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

  it('J-91 owners change roles and remove members, never the last owner; the change applies on the next request', async () => {
    const vic = await idOf('vic@tenant-a.test');
    const changed = await call(t, { session: owner }, 'PATCH', `/environments/alpha/members/${vic}`, { role: 'admin' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ email: 'vic@tenant-a.test', role: 'admin' });
    expect((await call(t, { session: viewer }, 'PATCH', '/environments/alpha', { name: 'By Vic' })).status).toBe(200);
    const olga = await idOf('olga@tenant-a.test');
    const before = await snapshot();
    const last = await call(t, { session: operator }, 'PATCH', `/environments/alpha/members/${olga}`, {
      role: 'viewer',
    });
    expect(last.status).toBe(409);
    expect((await call(t, { session: operator }, 'DELETE', `/environments/alpha/members/${olga}`)).status).toBe(409);
    expect(await snapshot()).toEqual(before);
    expect((await call(t, { session: owner }, 'DELETE', `/environments/alpha/members/${vic}`)).status).toBe(204);
    expect((await call(t, { session: viewer }, 'GET', '/environments/alpha')).status).toBe(404);
  });
});
