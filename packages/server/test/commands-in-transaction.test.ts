/**
 * K-100: commands are decided inside their transaction. Real concurrent requests through a running
 * server, on both stores: two PATCHes of one integration (the Environment API's scopes, and grants
 * including a tenant API's) always end as if they ran one after the other; key changes racing a
 * grant change or each other keep every rule; a caller's right to change an integration is decided
 * on the integration as it is at commit, not as it was before a concurrent raise of its grants.
 * Before the fix (decided on a read taken before the unit of work) each of these lost a write or
 * passed a check on a stale state within a few rounds.
 */
import { describe, expect, vi } from 'vitest';
import { CLI_ACTOR } from '../src/context.js';
import { command } from '../src/services/command.js';
import { deleteIntegration } from '../src/services/integration-lifecycle.js';
import { stored } from '@gatehouse/testing/stored';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { type TestServer } from '@gatehouse/testing/server';
import { testKey } from '@gatehouse/testing/assertion';
import { accessToken, call, type ConsoleSession } from './management-helpers.js';
import { test as onSqlite, testsOn } from './fixtures.js';

const TENANT = 'https://tenant.test/reports';
/** Integrations raced at once in each round, and rounds. */
const PARALLEL = 8;
const ROUNDS = 6;

interface Grant {
  audience: string;
  scopes: string[];
}
const sorted = (g: Grant[]) =>
  g
    .map((x) => ({ audience: x.audience, scopes: [...x.scopes].sort() }))
    .filter((x) => x.scopes.length)
    .sort((a, b) => a.audience.localeCompare(b.audience));

const on = testsOn(STORE_KINDS);

describe.each(STORE_KINDS)('K-100 commands decided inside their transaction (%s)', (kind) => {
  const it = on(kind);
  let t: TestServer;
  let operator: ConsoleSession;
  let envApi: string;
  const path = (clientId: string) => `/environments/default/integrations/${clientId}`;

  it.beforeAll(async ({ t: server, operator: signedIn }) => {
    t = server;
    operator = signedIn;
    const created = await call(t, { session: operator }, 'POST', '/environments/default/apis', {
      name: 'Reports',
      audience: TENANT,
      scopes: [{ value: 'reports:read' }, { value: 'reports:write' }, { value: 'reports:admin' }],
    });
    expect(created.status).toBe(201);
    const apis = await call(t, { session: operator }, 'GET', '/environments/default/apis');
    envApi = (apis.body.items as { audience: string; built_in: boolean }[]).find((a) => a.built_in)!.audience;
  }, 60_000);

  it('K-100: Environment API scopes and a tenant API grant PATCHed at once: both applied in commit order, nothing lost', async () => {
    const S0 = ['projects:read'];
    const S1 = ['projects:read', 'media:read'];
    const T0 = ['reports:read'];
    const T1 = ['reports:read', 'reports:write'];
    const start = [
      { audience: envApi, scopes: S0 },
      { audience: TENANT, scopes: T0 },
    ];
    const ids = await Promise.all(
      Array.from({ length: PARALLEL }, async () => (await t.integration({ grants: start })).client_id),
    );
    const outcomes: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const id of ids)
        expect((await call(t, { session: operator }, 'PATCH', path(id), { grants: start })).status).toBe(200);
      const answers = await Promise.all(
        ids.flatMap((id) => [
          // The console's "Save" of the Environment API scopes: `scopes` alone keeps the other APIs' grants.
          call(t, { session: operator }, 'PATCH', path(id), { scopes: S1 }),
          // A grants form as read before the first PATCH: the Environment API as it was, the tenant API raised.
          call(t, { session: operator }, 'PATCH', path(id), {
            grants: [
              { audience: envApi, scopes: S0 },
              { audience: TENANT, scopes: T1 },
            ],
          }),
        ]),
      );
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      for (const id of ids) {
        const now = await call(t, { session: operator }, 'GET', path(id));
        const grants = sorted(now.body.grants as Grant[]);
        // Scopes then grants, or grants then scopes; never the tenant grant lost to a stale read.
        const scopesLast = sorted([
          { audience: envApi, scopes: S1 },
          { audience: TENANT, scopes: T1 },
        ]);
        const grantsLast = sorted([
          { audience: envApi, scopes: S0 },
          { audience: TENANT, scopes: T1 },
        ]);
        expect([scopesLast, grantsLast]).toContainEqual(grants);
        outcomes.push(JSON.stringify(grants) === JSON.stringify(scopesLast) ? 'scopes last' : 'grants last');
      }
    }
    expect(outcomes).toHaveLength(PARALLEL * ROUNDS);
  }, 120_000);

  it('K-100: grants and key changes at once: the grant applied, a kid registered once (409 for the other), never more than the key limit', async () => {
    const c = await t.integration({ scopes: ['projects:read'] });
    const keysPath = `${path(c.client_id)}/keys`;
    for (let round = 0; round < ROUNDS; round++) {
      const listed = await call(t, { session: operator }, 'GET', keysPath);
      for (const k of listed.body.items as { kid: string }[])
        expect((await call(t, { session: operator }, 'DELETE', `${keysPath}/${k.kid}`)).status).toBe(204);
      // Four keys of five; then two distinct keys and a repeat of one of them, with a grant change.
      for (let i = 0; i < 4; i++)
        expect((await call(t, { session: operator }, 'POST', keysPath, { jwk: (await testKey()).jwk })).status).toBe(
          201,
        );
      const [a, b] = [await testKey(), await testKey()];
      const scopes = round % 2 ? ['projects:read'] : ['projects:read', 'media:read'];
      const answers = await Promise.all([
        call(t, { session: operator }, 'PATCH', path(c.client_id), { scopes }),
        call(t, { session: operator }, 'POST', keysPath, { jwk: a.jwk }),
        call(t, { session: operator }, 'POST', keysPath, { jwk: a.jwk }),
        call(t, { session: operator }, 'POST', keysPath, { jwk: b.jwk }),
      ]);
      expect(answers[0]!.status).toBe(200);
      const keyStatuses = answers.slice(1).map((r) => r.status);
      // One key fits: the first to commit gets it; a repeated kid is 409 and a sixth key 400, never a 500.
      expect(keyStatuses.filter((s) => s === 201)).toHaveLength(1);
      expect(keyStatuses.every((s) => s === 201 || s === 400 || s === 409)).toBe(true);
      const after = await call(t, { session: operator }, 'GET', keysPath);
      expect(after.body.items).toHaveLength(5);
      const read = await call(t, { session: operator }, 'GET', path(c.client_id));
      expect([...(read.body.scopes as string[])].sort()).toEqual([...scopes].sort());
    }
  }, 120_000);

  it("K-100: a grant racing the removal of its scope from the API: never a grant of a scope the API doesn't have", async () => {
    const apiPath = '/environments/default/apis/https%3A%2F%2Ftenant.test%2Frace';
    const race = 'https://tenant.test/race';
    const ids = await Promise.all(
      Array.from({ length: PARALLEL }, async () => (await t.integration({ scopes: ['projects:read'] })).client_id),
    );
    for (let round = 0; round < ROUNDS; round++) {
      const created = await call(t, { session: operator }, 'POST', '/environments/default/apis', {
        name: `Race ${round}`,
        audience: race,
        scopes: [{ value: 'race:x' }, { value: 'race:y' }],
      });
      expect(created.status).toBe(201);
      const answers = await Promise.all([
        call(t, { session: operator }, 'PATCH', apiPath, { scopes: [{ value: 'race:x' }] }),
        ...ids.map((id) =>
          call(t, { session: operator }, 'PATCH', path(id), {
            grants: [
              { audience: envApi, scopes: ['projects:read'] },
              { audience: race, scopes: ['race:x', 'race:y'] },
            ],
          }),
        ),
      ]);
      expect(answers[0]!.status).toBe(200);
      // Granted before the removal (then taken out by it), or refused after it: 400 for the unknown scope.
      for (const a of answers.slice(1)) expect([200, 400]).toContain(a.status);
      for (const id of ids) {
        const now = await call(t, { session: operator }, 'GET', path(id));
        const held = (now.body.grants as Grant[]).find((g) => g.audience === race)?.scopes ?? [];
        expect(held.filter((s) => s !== 'race:x')).toEqual([]);
      }
      const deleted = await call(t, { session: operator }, 'DELETE', `${apiPath}?force=true`);
      expect(deleted.status).toBe(204);
    }
  }, 120_000);

  it("K-100: W's PATCH of V racing a raise of V's grants beyond W: W never changes a V it can't manage at commit", async () => {
    const w = await t.integration({ scopes: ['integrations:read', 'integrations:write', 'projects:read'] });
    const bearer = await accessToken(t, w);
    const vs = await Promise.all(
      Array.from({ length: PARALLEL }, async () => (await t.integration({ scopes: ['projects:read'] })).client_id),
    );
    let allowed = 0;
    let refused = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of vs)
        expect((await call(t, { session: operator }, 'PATCH', path(v), { scopes: ['projects:read'] })).status).toBe(
          200,
        );
      const answers = await Promise.all(
        vs.flatMap((v) => [
          call(t, { bearer }, 'PATCH', path(v), { description: `by W, round ${round}` }),
          call(t, { session: operator }, 'PATCH', path(v), { scopes: ['projects:read', 'media:write'] }),
        ]),
      );
      for (let i = 0; i < vs.length; i++) {
        const [byW, raise] = [answers[2 * i]!, answers[2 * i + 1]!];
        expect(raise.status).toBe(200);
        if (byW.status === 200) {
          allowed++;
          // What W's PATCH answers is V as W's transaction wrote it: still within W's scopes.
          expect(byW.body.scopes).toEqual(['projects:read']);
          expect(byW.body.description).toBe(`by W, round ${round}`);
        } else {
          refused++;
          expect(byW.status).toBe(403);
          const v = await call(t, { session: operator }, 'GET', path(vs[i]!));
          expect(v.body.description).not.toBe(`by W, round ${round}`);
        }
      }
    }
    expect(allowed + refused).toBe(PARALLEL * ROUNDS);
  }, 120_000);

  it('K-100: one integration deleted twice at once: one applies, the other finds it gone (404), one audit event', async () => {
    const ctx = t.server.runtime.ctx;
    const victims = await Promise.all(Array.from({ length: PARALLEL }, () => t.integration({ name: 'doomed' })));
    const since = t.clock.now();
    // Through the service, both reach the unit of work: the loser is told by its own locked read.
    const answers = await Promise.allSettled(
      victims.flatMap((v) => [
        deleteIntegration(ctx, CLI_ACTOR, v.client_id),
        deleteIntegration(ctx, CLI_ACTOR, v.client_id),
      ]),
    );
    for (let i = 0; i < victims.length; i++) {
      const pair = [answers[2 * i]!, answers[2 * i + 1]!];
      expect(pair.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      const lost = pair.find((a): a is PromiseRejectedResult => a.status === 'rejected')!;
      expect(lost.reason).toMatchObject({ status: 404 });
    }
    const deletes = await stored(t).auditEvents({ action: 'integration.delete', sinceMs: since });
    expect(deletes.map((e) => e.target).sort()).toEqual(victims.map((v) => v.client_id).sort());
  });
});

describe('K-100 one dependency graph (sqlite)', () => {
  const it = onSqlite;
  let t: TestServer;
  let operator: ConsoleSession;

  it.beforeAll(async ({ t: server, operator: signedIn }) => {
    t = server;
    operator = signedIn;
  });

  it('K-100: PATCH and GET of one integration answer the same last_used_at (the usage ledger not yet written)', async () => {
    const c = await t.integration({ scopes: ['projects:read'] });
    await accessToken(t, c);
    const path = `/environments/default/integrations/${c.client_id}`;
    const patched = await call(t, { session: operator }, 'PATCH', path, { description: 'used once' });
    const read = await call(t, { session: operator }, 'GET', path);
    expect(patched.status).toBe(200);
    expect(read.body.last_used_at).toEqual(expect.any(String));
    expect(patched.body.last_used_at).toBe(read.body.last_used_at);
    const listed = await call(t, { session: operator }, 'GET', `/environments/default/integrations?q=${c.client_id}`);
    expect((listed.body.items as { last_used_at: string }[])[0]!.last_used_at).toBe(read.body.last_used_at);
  });

  it("K-100: a command's changes reach this node's caches at commit, without the change feed", async () => {
    const c = await t.integration({ scopes: ['integrations:read'] });
    const bearer = await accessToken(t, c);
    const list = '/environments/default/integrations?limit=1';
    expect((await call(t, { bearer }, 'GET', list)).status).toBe(200);
    // The feed stops here: only the command itself can tell this node's caches.
    await t.server.runtime.changes.stop();
    const disabled = await call(
      t,
      { session: operator },
      'PATCH',
      `/environments/default/integrations/${c.client_id}`,
      {
        enabled: false,
      },
    );
    expect(disabled.status).toBe(200);
    expect((await call(t, { bearer }, 'GET', list)).status).toBe(401);
  });

  it("K-100: the caches are told a command's changes in order once it commits, nothing when it records none or rolls back", async () => {
    const ctx = t.server.runtime.ctx;
    const told = vi.spyOn(ctx.caches, 'committed');
    try {
      const now = t.clock.seconds();
      // No change recorded (an audit event only): committed, and the caches are told nothing.
      const seen = await command(ctx, async (uow) => {
        const before = [...uow.changed];
        await uow.audit(
          CLI_ACTOR,
          { environmentId: null, action: 'environment.update', target: 'default' },
          ctx.clock.now(),
        );
        return before;
      });
      expect(seen).toEqual([]);
      expect(told).toHaveBeenLastCalledWith([]);
      // Two changes: told both, in the order recorded.
      await command(ctx, async (uow) => {
        await uow.change('environment', 'env_x', now);
        await uow.change('credential', 'env_x', now);
      });
      expect(told).toHaveBeenLastCalledWith([
        { kind: 'environment', ref: 'env_x' },
        { kind: 'credential', ref: 'env_x' },
      ]);
      // A work that throws after recording a change: rolled back, the caches are not told.
      const calls = told.mock.calls.length;
      await expect(
        command(ctx, async (uow) => {
          await uow.change('environment', 'env_y', now);
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect(told.mock.calls.length).toBe(calls);
    } finally {
      told.mockRestore();
    }
  });
});
