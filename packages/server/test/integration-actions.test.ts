/**
 * An integration's `actions` (GET …/integrations/{client_id}) are decided by the one policy for the
 * caller, and each matches what the real route answers: an action reported allowed succeeds, one
 * refused is answered 403 (or 409: rotating the secret of a key-only integration) with `reason` as
 * its description. Operator, owner, developer and viewer, each on a strong (all-permissions), a
 * content-only (read-only) and a key-only integration (#18, #19; docs/security.md J-91).
 */
import { describe, expect } from 'vitest';
import { type TestServer } from '@gatehouse/testing/server';
import { testKey } from '@gatehouse/testing/assertion';
import { CONTENT_SCOPES } from '@gatehouse/contracts';
import { call, type ConsoleSession } from './management-helpers.js';
import { it } from './fixtures.js';
import { member } from './member-helpers.js';

const ACTIONS = ['update', 'rotate_secret', 'revoke_tokens', 'manage_keys', 'delete'] as const;
type Action = (typeof ACTIONS)[number];
type Kind = 'strong' | 'content' | 'key-only';

/** What each caller may do on each kind of integration (the product's table, written out). */
const EXPECTED: Record<string, Record<Kind, Action[]>> = {
  operator: {
    strong: [...ACTIONS],
    content: [...ACTIONS],
    'key-only': ['update', 'revoke_tokens', 'manage_keys', 'delete'],
  },
  owner: {
    strong: [...ACTIONS],
    content: [...ACTIONS],
    'key-only': ['update', 'revoke_tokens', 'manage_keys', 'delete'],
  },
  developer: { strong: [], content: ['rotate_secret'], 'key-only': [] },
  viewer: { strong: [], content: [], 'key-only': [] },
};

describe('integration actions (sqlite)', () => {
  let t: TestServer;
  const callers: Record<string, ConsoleSession> = {};

  it.beforeAll(async ({ t: server, operator: signedIn }) => {
    t = server;
    callers.operator = signedIn;
    expect((await call(t, { session: callers.operator }, 'POST', '/environments', { slug: 'alpha' })).status).toBe(201);
    for (const role of ['owner', 'developer', 'viewer'])
      callers[role] = await member(t, callers.operator, 'alpha', `${role}@tenant-a.test`, role);
  });

  /** A new integration of `kind` in alpha. */
  async function create(of: Kind): Promise<string> {
    if (of === 'strong')
      return (await t.integration({ name: 'backend', preset: 'all-permissions' }, 'alpha')).client_id;
    if (of === 'content') return (await t.integration({ name: 'renderer', preset: 'read-only' }, 'alpha')).client_id;
    const key = await testKey('ES256');
    return (
      await t.integration(
        {
          name: 'signer',
          preset: 'read-only',
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [key.jwk] },
        },
        'alpha',
      )
    ).client_id;
  }

  /** Takes `action` through its real route. */
  async function take(s: ConsoleSession, clientId: string, action: Action) {
    const path = `/environments/alpha/integrations/${clientId}`;
    switch (action) {
      case 'update':
        return call(t, { session: s }, 'PATCH', path, { description: 'changed' });
      case 'rotate_secret':
        return call(t, { session: s }, 'POST', `${path}/rotate-secret`, { grace_seconds: 0 });
      case 'revoke_tokens':
        return call(t, { session: s }, 'POST', `${path}/revoke-tokens`, {});
      case 'manage_keys':
        return call(t, { session: s }, 'POST', `${path}/keys`, { jwk: (await testKey('ES256')).jwk });
      case 'delete':
        return call(t, { session: s }, 'DELETE', path);
    }
  }

  for (const who of Object.keys(EXPECTED))
    for (const of of ['strong', 'content', 'key-only'] as const)
      it(`${who} on a ${of} integration: actions as the table says, and as the routes answer`, async () => {
        const clientId = await create(of);
        const read = await call(t, { session: callers[who]! }, 'GET', `/environments/alpha/integrations/${clientId}`);
        expect(read.status).toBe(200);
        const actions = read.body.actions as Record<Action, { allowed: boolean; reason: string | null }>;
        expect(ACTIONS.filter((a) => actions[a].allowed)).toEqual(EXPECTED[who]![of]);
        // The list answers the same decisions.
        const listed = await call(
          t,
          { session: callers[who]! },
          'GET',
          `/environments/alpha/integrations?q=${clientId}`,
        );
        expect((listed.body.items as { actions: unknown }[])[0]!.actions).toEqual(actions);
        // Delete last: every other action needs the integration.
        for (const action of ACTIONS) {
          const res = await take(callers[who]!, clientId, action);
          const decided = actions[action];
          const answered = {
            action,
            ok: res.status < 300,
            reason: res.status < 300 ? null : res.body.error_description,
          };
          expect(answered).toEqual({ action, ok: decided.allowed, reason: decided.reason });
          // A key-only integration has no secret to rotate (409) for whoever may otherwise rotate.
          const refusal = of === 'key-only' && action === 'rotate_secret' && who !== 'viewer' ? 409 : 403;
          if (!decided.allowed) expect([action, res.status]).toEqual([action, refusal]);
        }
      });

  it('a developer is told why: the strong integration holds scopes beyond content; a role refusal names the capability', async () => {
    const clientId = await create('strong');
    const { body } = await call(
      t,
      { session: callers.developer! },
      'GET',
      `/environments/alpha/integrations/${clientId}`,
    );
    const actions = body.actions as Record<Action, { reason: string | null }>;
    expect(actions.rotate_secret.reason).toMatch(
      /^a developer manages only integrations with content scopes, and this one holds /,
    );
    expect(actions.delete.reason).toBe('your role may not do this (needs integrations:write)');
  });

  it('capabilities say which scopes the caller may grant: a developer the content scopes, an owner any (null)', async () => {
    const grantable = async (who: string) =>
      (await call(t, { session: callers[who]! }, 'GET', '/environments/alpha/capabilities')).body.grantable_scopes;
    expect(await grantable('developer')).toEqual([...CONTENT_SCOPES]);
    expect(await grantable('owner')).toBeNull();
    expect(await grantable('operator')).toBeNull();
    expect(await grantable('viewer')).toEqual([]);
  });

  it('rotating the secret of a key-only integration is 409 for anyone, and it stays key-only', async () => {
    const clientId = await create('key-only');
    const res = await take(callers.operator!, clientId, 'rotate_secret');
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('conflict');
    expect(res.body.error_description).toMatch(/no secret: it authenticates with private_key_jwt/);
    const after = await call(t, { session: callers.operator! }, 'GET', `/environments/alpha/integrations/${clientId}`);
    expect(after.body.token_endpoint_auth_method).toBe('private_key_jwt');
  });

  it('require-totp: the owner and the operator may set it and read it back on the environment; others may not', async () => {
    const put = (who: string, required: boolean) =>
      call(t, { session: callers[who]! }, 'PUT', '/environments/alpha/require-totp', { required });
    expect((await put('developer', true)).status).toBe(403);
    expect((await put('owner', false)).status).toBe(200);
    expect((await call(t, { session: callers.viewer! }, 'GET', '/environments/alpha')).body.require_totp).toBe(false);
    expect((await put('operator', true)).status).toBe(200);
    expect((await call(t, { session: callers.operator! }, 'GET', '/environments/alpha')).body.require_totp).toBe(true);
    expect((await put('operator', false)).status).toBe(200);
  });
});
