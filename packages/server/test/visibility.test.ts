/**
 * Issue #19 visibility and safe defaults, on both stores: an integration shows when it was last
 * used (noted in memory on the token path, written in batches), when its secret was issued, when
 * a rotated-out secret stops working and how many live tokens it has; disabling and enabling are
 * audited as their own actions; updates record before/after; the audit log filters by action,
 * actor, target and time, with a 400 naming the bad parameter; validation messages name the field.
 */
import { describe, expect } from 'vitest';
import { settle, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { tamper } from '@gatehouse/testing/tamper';
import { token } from '@gatehouse/testing/http';
import { call, type ConsoleSession } from './management-helpers.js';
import { it } from './fixtures.js';
import { recordAudit } from '../src/services/audit.js';

interface Event {
  action: string;
  actor: string;
  target: string | null;
  created_at: string;
  changes: Record<string, { before: unknown; after: unknown }> | null;
}

describe('integration visibility and the filtered audit log (sqlite)', () => {
  let t: TestServer;
  let s: ConsoleSession;
  const api = (method: string, path: string, body?: unknown) =>
    call(t, { session: s }, method, `/environments/default${path}`, body);
  const storedLastUse = async (id: string) => {
    const row = await stored(t).integration(id);
    return row.last_used_at == null ? null : Number(row.last_used_at);
  };
  const events = async (query: string) => (await api('GET', `/audit?${query}`)).body.items as Event[];

  it.beforeAll(async ({ t: server, operator: signedIn }) => {
    t = server;
    s = signedIn;
  });

  it("shows last use, secret age, the previous secret's end and live tokens; last use is written in batches, not per request", async () => {
    const created = t.clock.ms;
    const c = await t.integration({ scopes: ['media:read'] });
    let view = (await api('GET', `/integrations/${c.client_id}`)).body;
    expect(view).toMatchObject({
      last_used_at: null,
      secret_created_at: new Date(created).toISOString(),
      previous_secret_expires_at: null,
      live_tokens: 0,
    });

    t.clock.advance(60);
    expect((await token(t.url, c.client_id, c.client_secret)).status).toBe(200);
    expect((await token(t.url, c.client_id, c.client_secret)).status).toBe(200); // reused: still one live token
    // The token path wrote nothing for last use: it is only pending in memory…
    expect(await storedLastUse(c.id)).toBeNull();
    view = (await api('GET', `/integrations/${c.client_id}`)).body;
    expect(view).toMatchObject({ last_used_at: new Date(t.clock.ms).toISOString(), live_tokens: 1 });
    // …until the periodic flush writes the batch.
    await t.server.runtime.usage.flush();
    expect(await storedLastUse(c.id)).toBe(t.clock.seconds());
    // An earlier time flushed later (another node) never moves it back.
    const { writeLastUsed } = await import('../src/store/repositories/integration-usage.js');
    await writeLastUsed(t.server.runtime.ctx.db, new Map([[c.id, t.clock.seconds() - 30]]));
    expect(await storedLastUse(c.id)).toBe(t.clock.seconds());

    t.clock.advance(60);
    const rotated = await api('POST', `/integrations/${c.client_id}/rotate-secret`, { grace_seconds: 3600 });
    expect(rotated.status).toBe(200);
    view = (await api('GET', `/integrations/${c.client_id}`)).body;
    expect(view.secret_created_at).toBe(new Date(t.clock.ms).toISOString());
    expect(view.previous_secret_expires_at).toBe(new Date(t.clock.ms + 3600_000).toISOString());
    // The list carries the same fields.
    const listed = (
      (await api('GET', '/integrations?limit=100')).body.items as {
        client_id: string;
        live_tokens: number;
        previous_secret_expires_at: string | null;
      }[]
    ).find((i) => i.client_id === c.client_id);
    expect(listed).toMatchObject({ live_tokens: 1, previous_secret_expires_at: view.previous_secret_expires_at });

    t.clock.advance(3601);
    view = (await api('GET', `/integrations/${c.client_id}`)).body;
    expect(view.previous_secret_expires_at).toBeNull();
    expect((await api('POST', `/integrations/${c.client_id}/revoke-tokens`)).body).toEqual({ revoked: 1 });
    expect((await api('GET', `/integrations/${c.client_id}`)).body.live_tokens).toBe(0);
  });

  it('an API call by an integration counts as a use', async () => {
    const c = await t.integration({ scopes: ['integrations:read'] });
    const bearer = String((await token(t.url, c.client_id, c.client_secret)).body.access_token);
    await t.server.runtime.usage.flush();
    t.clock.advance(30);
    expect((await call(t, { bearer }, 'GET', '/environments/default/integrations?limit=1')).status).toBe(200);
    expect(t.server.runtime.usage.pending(c.id)).toBe(t.clock.seconds());
    expect((await api('GET', `/integrations/${c.client_id}`)).body.last_used_at).toBe(
      new Date(t.clock.ms).toISOString(),
    );
  });

  it('disabling and enabling are audited as integration.disable / integration.enable with before/after; updates show what changed', async () => {
    const c = await t.integration({ name: 'Billing sync', scopes: ['media:read'] });
    t.clock.advance(1);
    expect((await api('PATCH', `/integrations/${c.client_id}`, { enabled: false })).body.enabled).toBe(false);
    t.clock.advance(1);
    expect((await api('PATCH', `/integrations/${c.client_id}`, { enabled: true })).body.enabled).toBe(true);
    t.clock.advance(1);
    expect(
      (
        await api('PATCH', `/integrations/${c.client_id}`, {
          name: 'Billing export',
          scopes: ['media:read', 'fonts:read'],
        })
      ).status,
    ).toBe(200);
    await settle(t);
    const mine = await events(`target=${c.client_id}`);
    expect(mine.map((e) => e.action)).toEqual([
      'integration.update',
      'integration.enable',
      'integration.disable',
      'integration.create',
    ]);
    expect(mine[2]!.changes).toEqual({ enabled: { before: true, after: false } });
    expect(mine[1]!.changes).toEqual({ enabled: { before: false, after: true } });
    expect(mine[0]!.changes).toMatchObject({ name: { before: 'Billing sync', after: 'Billing export' } });
    expect(JSON.stringify(mine[0]!.changes!.grants)).toContain('fonts:read');
    expect(mine[0]!.changes).not.toHaveProperty('enabled');
    // A creation shows what it recorded (the name), with nothing before.
    expect(mine[3]!.changes).toEqual({ name: { before: null, after: 'Billing sync' } });
    // A rotation records no secret anywhere in the log. (A second later: entries of one instant
    // have no order between them.)
    t.clock.advance(1);
    const rotated = await api('POST', `/integrations/${c.client_id}/rotate-secret`, { grace_seconds: 60 });
    await settle(t);
    const afterRotation = await events(`target=${c.client_id}`);
    expect(JSON.stringify(afterRotation)).not.toContain(String(rotated.body.client_secret));
    expect(afterRotation[0]!.changes).toEqual({ grace_seconds: { before: null, after: 60 } });
  });

  it('an environment update records before/after of the changed settings only', async () => {
    t.clock.advance(1);
    const before = (await call(t, { session: s }, 'GET', '/environments/default')).body as {
      name: string;
      token_lifetime: number;
    };
    expect(before.token_lifetime).not.toBe(1800);
    const res = await call(t, { session: s }, 'PATCH', '/environments/default', {
      name: 'Production',
      token_lifetime: 1800,
    });
    expect(res.status).toBe(200);
    t.clock.advance(1);
    const [event] = await events('action=environment.update&limit=1');
    expect(event!.changes).toEqual({
      name: { before: before.name, after: 'Production' },
      token_lifetime: { before: before.token_lifetime, after: 1800 },
    });
    // The next update's "before" is this one's "after"; unchanged fields are left out.
    await call(t, { session: s }, 'PATCH', '/environments/default', { name: 'Production', refresh_before: 60 });
    const [next] = await events('action=environment.update&limit=1');
    expect(next!.changes).toEqual({ refresh_before: { before: expect.any(Number), after: 60 } });
  });

  it('filters the audit log by action (exact or family), actor, target and time', async () => {
    const a = await t.integration({ name: 'Filter A', scopes: ['media:read'] });
    const start = t.clock.ms;
    t.clock.advance(10);
    await api('PATCH', `/integrations/${a.client_id}`, { enabled: false });
    t.clock.advance(10);
    const middle = t.clock.ms;
    await api('PATCH', `/integrations/${a.client_id}`, { description: 'nightly' });
    t.clock.advance(10);
    await settle(t);

    const disables = await events('action=integration.disable');
    expect(disables.length).toBeGreaterThan(0);
    expect(disables.every((e) => e.action === 'integration.disable')).toBe(true);
    const family = await events(`action=integration.*&target=${a.client_id}`);
    expect(family.map((e) => e.action)).toEqual(['integration.update', 'integration.disable', 'integration.create']);
    expect(
      (await events('actor=admin:ada@example.com&action=integration.disable')).some((e) => e.target === a.client_id),
    ).toBe(true);
    expect(await events(`actor=cli&target=${a.client_id}`)).toEqual([
      expect.objectContaining({ action: 'integration.create' }),
    ]);
    const windowed = await events(
      `target=${a.client_id}&since=${new Date(start + 1000).toISOString()}&until=${new Date(middle).toISOString()}`,
    );
    expect(windowed.map((e) => e.action)).toEqual(['integration.disable']);
    expect(
      (await events(`target=${a.client_id}&since=${new Date(middle).toISOString()}`)).map((e) => e.action),
    ).toEqual(['integration.update']);
    // Pages of a filtered log hold together.
    const page = await api('GET', `/audit?target=${a.client_id}&limit=2`);
    expect(page.body.items).toHaveLength(2);
    const next = await api(
      'GET',
      `/audit?target=${a.client_id}&limit=2&cursor=${encodeURIComponent(String(page.body.next_cursor))}`,
    );
    expect((next.body.items as Event[]).map((e) => e.action)).toEqual(['integration.create']);
  });

  it('a bad filter value is a 400 that names the parameter', async () => {
    const cases: [string, string][] = [
      ['since=yesterday', 'since'],
      ['until=2026-13-45T99:00:00Z', 'until'],
      ['since=2026-01-01T10:00:00', 'since'],
      ['action=DROP%20TABLE', 'action'],
      [`actor=${'x'.repeat(400)}`, 'actor'],
      ['target=', 'target'],
      ['limit=0', 'limit'],
      ['colour=red', 'colour'],
    ];
    for (const [query, name] of cases) {
      const res = await api('GET', `/audit?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error, query).toBe('invalid_request');
      expect(String(res.body.error_description), query).toContain(name);
    }
  });

  it('validation messages name the field, once, without a double space', async () => {
    const missing = await api('POST', '/integrations', { preset: 'read-only' });
    expect(missing.status).toBe(400);
    expect(missing.body.error_description).toBe('invalid body: name is required');
    const long = await api('POST', '/integrations', { name: 'x'.repeat(201), preset: 'read-only' });
    expect(long.body.error_description).toBe('invalid body: name must be at most 200 characters');
    const extra = await api('POST', '/integrations', { name: 'ok', preset: 'read-only', owner: 'me' });
    expect(extra.body.error_description).toBe('invalid body: owner is not allowed');
    const limit = await api('GET', '/integrations?limit=5000');
    expect(limit.body.error_description).toMatch(/^invalid querystring: limit must be <= \d+$/);
    for (const r of [missing, long, extra, limit]) expect(String(r.body.error_description)).not.toContain('  ');
  });

  it('an event whose details record nothing but nulls shows changes: null; recorded fields show as after', async () => {
    const env = (await t.server.runtime.directory.environment('slug', 'default'))!;
    const ctx = t.server.runtime.ctx;
    await recordAudit(
      ctx,
      { actor: 'cli' },
      { environmentId: env.id, action: 'test.nulls', target: 'nulls', details: { reason: null } },
      t.clock.ms,
    );
    await recordAudit(
      ctx,
      { actor: 'cli' },
      { environmentId: env.id, action: 'test.fields', target: 'fields', details: { reason: 'x', gone: null } },
      t.clock.ms,
    );
    expect((await events('target=nulls'))[0]).toMatchObject({ action: 'test.nulls', changes: null });
    expect((await events('target=fields'))[0]!.changes).toEqual({ reason: { before: null, after: 'x' } });
    // Details not holding a JSON object (a row an older version or a hand left) show no changes, never a 500.
    for (const raw of ['[1]', '7', 'null', '{not json']) {
      await tamper(t).setAuditDetails('fields', raw);
      const res = await api('GET', '/audit?target=fields');
      expect(res.status, raw).toBe(200);
      expect((res.body.items as Event[])[0]!.changes, raw).toBeNull();
    }
  });
});
