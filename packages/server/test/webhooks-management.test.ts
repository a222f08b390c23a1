/**
 * Webhook endpoints over the management API (issue #28; docs/security.md N-123, N-124): CRUD and
 * every bound, who may manage an environment's or the server's endpoints (N-123), the signing
 * secret shown once and stored only sealed, with one previous secret kept through a rotation
 * (N-124), test events and redelivery in the delivery log, and an audit event for each change.
 * Sending is the engine's: these tests read the log as written, whatever a worker does later.
 */
import { describe, expect } from 'vitest';
import type { TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { tamper } from '@gatehouse/testing/tamper';
import { accessToken, call, type Caller } from './management-helpers.js';
import { testOn } from './fixtures.js';

// The delivery log's states are the subject here, not sending: this node sends nothing (concurrency 0),
// so no attempt races a redelivery (webhook-delivery.test.ts sends).
const it = testOn('sqlite', { webhookConcurrency: 0 });

const HOOK = 'https://hooks.example.com/gatehouse';
const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
const base = (env: string | null) => (env === null ? '/webhooks' : `/environments/${env}/webhooks`);

async function createEnvironment(t: TestServer, operator: Caller, slug: string): Promise<void> {
  const res = await call(t, operator, 'POST', '/environments', { slug });
  expect(res.status, res.text).toBe(201);
}

let environments = 0;
/** A new environment of its own for a test, so the bound of 10 endpoints counts only its own. */
async function freshEnvironment(t: TestServer, operator: Caller): Promise<string> {
  const slug = `hooks-${++environments}`;
  await createEnvironment(t, operator, slug);
  return slug;
}

async function addEndpoint(t: TestServer, caller: Caller, env: string | null, body: unknown = { url: HOOK }) {
  const res = await call(t, caller, 'POST', base(env), body);
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; secret: string } & Record<string, unknown>;
}

describe('webhook endpoints over the management API (sqlite)', () => {
  it('CRUD: create (secret once), list, read, change, remove', async ({ t, admin }) => {
    const env = await freshEnvironment(t, admin);
    const created = await addEndpoint(t, admin, env, { url: HOOK, events: ['integration.*', 'member.invite'] });
    expect(created).toMatchObject({
      environment: env,
      url: HOOK,
      events: ['integration.*', 'member.invite'],
      enabled: true,
      disabled_reason: null,
      failing_since: null,
      previous_secret_expires_at: null,
    });
    expect(created.id).toMatch(/^whk_/);
    expect(created.secret).toMatch(SECRET);
    const { secret: _secret, ...endpoint } = created;

    const list = await call(t, admin, 'GET', base(env));
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(endpoint);
    const read = await call(t, admin, 'GET', `${base(env)}/${created.id}`);
    expect(read.body).toEqual(endpoint);

    const changed = await call(t, admin, 'PATCH', `${base(env)}/${created.id}`, {
      events: ['*'],
      enabled: false,
    });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ events: ['*'], enabled: false, disabled_reason: null });
    const enabled = await call(t, admin, 'PATCH', `${base(env)}/${created.id}`, { enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null, failing_since: null });

    expect((await call(t, admin, 'DELETE', `${base(env)}/${created.id}`)).status).toBe(204);
    expect((await call(t, admin, 'GET', `${base(env)}/${created.id}`)).status).toBe(404);
    expect((await call(t, admin, 'DELETE', `${base(env)}/${created.id}`)).status).toBe(404);
  });

  it('a server-wide endpoint (environment null) for operators; events default to ["*"]', async ({ t, admin }) => {
    const env = await freshEnvironment(t, admin);
    const created = await addEndpoint(t, admin, null);
    expect(created).toMatchObject({ environment: null, events: ['*'], enabled: true });
    expect((await call(t, admin, 'GET', base(null))).body.items).toContainEqual(
      expect.objectContaining({ id: created.id, environment: null }),
    );
    // Not through an environment's path, and an environment's not through the server's.
    expect((await call(t, admin, 'GET', `${base(env)}/${created.id}`)).status).toBe(404);
    const own = await addEndpoint(t, admin, env);
    expect((await call(t, admin, 'GET', `${base(null)}/${own.id}`)).status).toBe(404);
  });

  it.for([
    ['http without an allowed host', { url: 'http://hooks.example.com/x' }, 'https'],
    ['a private address literal', { url: 'https://10.0.0.1/hook' }, 'public address'],
    ['a loopback IPv6 literal', { url: 'https://[::1]/hook' }, 'public address'],
    ['localhost', { url: 'https://localhost:8443/hook' }, 'public address'],
    ['userinfo', { url: 'https://user:pw@hooks.example.com/x' }, 'credentials'],
    ['a fragment', { url: 'https://hooks.example.com/x#frag' }, 'fragment'],
    ['a URL over 2048 characters', { url: `https://hooks.example.com/${'a'.repeat(2048)}` }, 'url'],
    ['not a URL', { url: 'hooks.example.com' }, 'https'],
    ['a bad pattern (upper case)', { url: HOOK, events: ['Integration.*'] }, 'events'],
    ['a bad pattern (star inside)', { url: HOOK, events: ['integration.*.x'] }, 'events'],
    ['no pattern', { url: HOOK, events: [] }, 'events'],
    ['21 patterns', { url: HOOK, events: Array.from({ length: 21 }, (_, i) => `family${i}.*`) }, 'events'],
    ['a pattern twice', { url: HOOK, events: ['member.*', 'member.*'] }, 'twice'],
    ['an unknown field', { url: HOOK, secret: 'whsec_mine' }, ''],
  ] as [string, unknown, string][])('400 for %s, nothing written', async ([, body, says], { t, admin }) => {
    const env = await freshEnvironment(t, admin);
    const before = (await call(t, admin, 'GET', base(env))).body.items;
    const res = await call(t, admin, 'POST', base(env), body);
    expect(res.status, res.text).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(String(res.body.error_description)).toContain(says);
    expect((await call(t, admin, 'GET', base(env))).body.items).toEqual(before);
  });

  it('400 for a bad URL or pattern on change, and for a grace period out of range', async ({ t, admin }) => {
    const env = await freshEnvironment(t, admin);
    const { id } = await addEndpoint(t, admin, env);
    for (const body of [{ url: 'https://192.168.1.1/' }, { url: 'http://hooks.example.com/' }, { events: ['*', 'A'] }])
      expect((await call(t, admin, 'PATCH', `${base(env)}/${id}`, body)).status).toBe(400);
    for (const grace_seconds of [-1, 604_801, 1.5])
      expect((await call(t, admin, 'POST', `${base(env)}/${id}/rotate-secret`, { grace_seconds })).status).toBe(400);
    expect((await call(t, admin, 'GET', `${base(env)}/${id}/deliveries?limit=101`)).status).toBe(400);
    expect((await call(t, admin, 'GET', `${base(env)}/${id}/deliveries?cursor=nope`)).status).toBe(400);
  });

  it.for([
    ['an environment', 'bounded'],
    ['the server', null],
  ] as [string, string | null][])('409 for the 11th endpoint of %s', async ([, env], { t, admin }) => {
    if (env) await createEnvironment(t, admin, env);
    const existing = ((await call(t, admin, 'GET', base(env))).body.items as unknown[]).length;
    for (let i = existing; i < 10; i++) await addEndpoint(t, admin, env, { url: `${HOOK}/${i}` });
    const res = await call(t, admin, 'POST', base(env), { url: `${HOOK}/11` });
    expect(res.status).toBe(409);
    expect(res.body.error_description).toContain('at most 10 webhook endpoints');
    expect((await call(t, admin, 'GET', base(env))).body.items).toHaveLength(10);
    // Removing one makes room again.
    const first = ((await call(t, admin, 'GET', base(env))).body.items as { id: string }[])[0]!;
    expect((await call(t, admin, 'DELETE', `${base(env)}/${first.id}`)).status).toBe(204);
    await addEndpoint(t, admin, env, { url: `${HOOK}/11` });
    // Room for the other tests' server-wide endpoints.
    for (const e of (await call(t, admin, 'GET', base(env))).body.items as { id: string }[])
      expect((await call(t, admin, 'DELETE', `${base(env)}/${e.id}`)).status).toBe(204);
  });

  it('test event: 202 with a pending webhook.test delivery, listed in the log with its body', async ({ t, admin }) => {
    const env = await freshEnvironment(t, admin);
    const { id } = await addEndpoint(t, admin, env);
    const res = await call(t, admin, 'POST', `${base(env)}/${id}/test`);
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({
      endpoint_id: id,
      event_id: null,
      type: 'webhook.test',
      status: 'pending',
      attempts: 0,
      last_attempt_at: null,
      delivered_at: null,
      recent_attempts: [],
    });
    expect(res.body.id).toMatch(/^msg_/);
    expect(res.body.next_attempt_at).toBe(new Date(t.clock.now()).toISOString());
    const log = await call(t, admin, 'GET', `${base(env)}/${id}/deliveries`);
    expect(log.status).toBe(200);
    expect((log.body.items as { id: string }[]).map((d) => d.id)).toContain(res.body.id);
    const row = (await stored(t).webhookDeliveries(id)).find((r) => r.id === res.body.id);
    expect(JSON.parse(row!.body)).toEqual({
      type: 'webhook.test',
      timestamp: new Date(t.clock.now()).toISOString(),
      data: { endpoint: id, environment: env, message: 'Test event from Gatehouse' },
    });
    // A disabled endpoint gets nothing: 409.
    await call(t, admin, 'PATCH', `${base(env)}/${id}`, { enabled: false });
    expect((await call(t, admin, 'POST', `${base(env)}/${id}/test`)).status).toBe(409);
  });

  it('the log pages newest first with next_cursor', async ({ t, admin }) => {
    const { id } = await addEndpoint(t, admin, null);
    // After the endpoint's own creation event (delivered to it too), in time order.
    t.clock.advance(1);
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      sent.push(String((await call(t, admin, 'POST', `${base(null)}/${id}/test`)).body.id));
      t.clock.advance(1);
    }
    const first = await call(t, admin, 'GET', `${base(null)}/${id}/deliveries?limit=2`);
    expect((first.body.items as { id: string }[]).map((d) => d.id)).toEqual([sent[2], sent[1]]);
    const next = encodeURIComponent(String(first.body.next_cursor));
    const second = await call(t, admin, 'GET', `${base(null)}/${id}/deliveries?limit=2&cursor=${next}`);
    // The oldest: the endpoint's own creation, an event like any other (a SIEM sees who added it).
    expect((second.body.items as { id: string }[]).map((d) => d.id)).toEqual([sent[0], expect.any(String)]);
    expect((second.body.items as { type: string }[]).map((d) => d.type)).toEqual(['webhook.test', 'webhook.create']);
    expect(second.body.next_cursor).toBeNull();
  });

  it('redeliver: a delivered message goes back to pending, due now, with the same id and body', async ({
    t,
    admin,
  }) => {
    const env = await freshEnvironment(t, admin);
    const { id } = await addEndpoint(t, admin, env);
    const test = await call(t, admin, 'POST', `${base(env)}/${id}/test`);
    const deliveryId = String(test.body.id);
    const bodyBefore = (await stored(t).webhookDeliveries(id)).find((r) => r.id === deliveryId)!.body;
    await tamper(t).recordWebhookAttempt(deliveryId, {
      status: 'delivered',
      statusCode: 204,
      latencyMs: 12,
      error: null,
      atMs: t.clock.now(),
    });
    t.clock.advance(60);
    const res = await call(t, admin, 'POST', `${base(env)}/${id}/deliveries/${deliveryId}/redeliver`);
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({
      id: deliveryId,
      status: 'pending',
      delivered_at: null,
      next_attempt_at: new Date(t.clock.now()).toISOString(),
      attempts: 1,
    });
    // The same message (one row, its body unchanged); the endpoint's own creation and this
    // redelivery are audit events it receives as well.
    const rows = await stored(t).webhookDeliveries(id);
    expect(rows.filter((r) => r.id === deliveryId).map((r) => r.body)).toEqual([bodyBefore]);
    expect(rows.map((r) => r.event_type).sort()).toEqual(['webhook.create', 'webhook.redeliver', 'webhook.test']);
    expect((await call(t, admin, 'POST', `${base(env)}/${id}/deliveries/msg_none/redeliver`)).status).toBe(404);
  });

  it('an audit event for each change, never with a secret', async ({ t, admin }) => {
    const env = await freshEnvironment(t, admin);
    const since = t.clock.now();
    const created = await addEndpoint(t, admin, env, { url: HOOK, events: ['member.*'] });
    const { id } = created;
    await call(t, admin, 'PATCH', `${base(env)}/${id}`, { url: `${HOOK}/v2` });
    const rotated = await call(t, admin, 'POST', `${base(env)}/${id}/rotate-secret`, {});
    const test = await call(t, admin, 'POST', `${base(env)}/${id}/test`);
    await call(t, admin, 'POST', `${base(env)}/${id}/deliveries/${String(test.body.id)}/redeliver`);
    await call(t, admin, 'DELETE', `${base(env)}/${id}`);
    const events = await stored(t).auditEvents({ target: id, sinceMs: since });
    expect(events.map((e) => e.action)).toEqual([
      'webhook.create',
      'webhook.update',
      'webhook.rotate_secret',
      'webhook.test',
      'webhook.redeliver',
      'webhook.remove',
    ]);
    expect(events.every((e) => e.actor === 'admin:ada@example.com' && e.result === 'success')).toBe(true);
    expect(JSON.parse(events[0]!.details!)).toEqual({ url: HOOK, events: ['member.*'], enabled: true });
    expect(JSON.parse(events[1]!.details!)).toEqual({ changes: { url: { before: HOOK, after: `${HOOK}/v2` } } });
    const all = JSON.stringify(events);
    expect(all).not.toContain(created.secret);
    expect(all).not.toContain(String(rotated.body.secret));
    expect(all).not.toContain('whsec_');
    // Server-wide changes are server-wide events.
    const server = await addEndpoint(t, admin, null);
    const [event] = await stored(t).auditEvents({ target: server.id, action: 'webhook.create' });
    expect(event!.environment_id).toBeNull();
  });
});

describe('N-123 who manages which webhooks (sqlite)', () => {
  let otherEndpoint: string;
  it.beforeAll(async ({ t, admin }) => {
    await createEnvironment(t, admin, 'other');
    otherEndpoint = (await addEndpoint(t, admin, 'other')).id;
  });

  it.for(['owner', 'admin'] as const)(
    'N-123 an %s of environment A lists, creates, reads and changes webhooks of A only',
    async (role, { t, members }) => {
      const me: Caller = { session: members[role] };
      const created = await addEndpoint(t, me, 'default', { url: `${HOOK}/${role}` });
      const list = await call(t, me, 'GET', base('default'));
      expect(list.status).toBe(200);
      expect((list.body.items as { id: string }[]).map((e) => e.id)).toContain(created.id);
      expect((list.body.items as { id: string }[]).map((e) => e.id)).not.toContain(otherEndpoint);
      expect((await call(t, me, 'GET', `${base('default')}/${created.id}`)).status).toBe(200);
      expect((await call(t, me, 'POST', `${base('default')}/${created.id}/test`)).status).toBe(202);
      // Another environment's endpoint through A's path: 404, as an unknown one; nothing changed.
      const other = `${base('default')}/${otherEndpoint}`;
      for (const [method, path, body] of [
        ['GET', other],
        ['PATCH', other, { enabled: false }],
        ['DELETE', other],
        ['POST', `${other}/rotate-secret`, {}],
        ['POST', `${other}/test`],
        ['GET', `${other}/deliveries`],
      ] as [string, string, unknown?][]) {
        const res = await call(t, me, method, path, body);
        expect([method, path, res.status]).toEqual([method, path, 404]);
        expect(res.body.error_description).toBe('webhook endpoint not found');
      }
      // Another environment's own path: 404 like an unknown environment.
      expect((await call(t, me, 'GET', base('other'))).status).toBe(404);
      expect((await call(t, me, 'POST', base('other'), { url: HOOK })).status).toBe(404);
      const row = await stored(t).webhookEndpoint(otherEndpoint);
      expect(row.enabled).toBe(1);
    },
  );

  it.for(['developer', 'viewer'] as const)(
    'N-123 a %s may neither read nor change webhooks: 403',
    async (role, { t, admin, members }) => {
      const me: Caller = { session: members[role] };
      const { id } = await addEndpoint(t, admin, 'default');
      for (const [method, path, body] of [
        ['GET', base('default')],
        ['POST', base('default'), { url: HOOK }],
        ['GET', `${base('default')}/${id}`],
        ['PATCH', `${base('default')}/${id}`, { enabled: false }],
        ['DELETE', `${base('default')}/${id}`],
        ['POST', `${base('default')}/${id}/rotate-secret`, {}],
        ['POST', `${base('default')}/${id}/test`],
        ['GET', `${base('default')}/${id}/deliveries`],
      ] as [string, string, unknown?][]) {
        const res = await call(t, me, method, path, body);
        expect([method, path, res.status]).toEqual([method, path, 403]);
      }
      expect((await stored(t).webhookEndpoint(id)).enabled).toBe(1);
    },
  );

  it.for(['owner', 'admin', 'developer', 'viewer'] as const)(
    'N-123 a member (%s) is refused the server-wide webhooks: 403',
    async (role, { t, admin, members }) => {
      const me: Caller = { session: members[role] };
      const { id } = await addEndpoint(t, admin, null);
      expect((await call(t, me, 'GET', base(null))).status).toBe(403);
      expect((await call(t, me, 'POST', base(null), { url: HOOK })).status).toBe(403);
      expect((await call(t, me, 'GET', `${base(null)}/${id}`)).status).toBe(403);
      expect((await call(t, me, 'DELETE', `${base(null)}/${id}`)).status).toBe(403);
    },
  );

  it('N-123 a management token with audit:read lists and reads but does not create; with webhooks:write it creates', async ({
    t,
    admin,
  }) => {
    const { id } = await addEndpoint(t, admin, 'default');
    const reader = { bearer: await accessToken(t, await t.integration({ scopes: ['audit:read'] })) };
    expect((await call(t, reader, 'GET', base('default'))).status).toBe(200);
    expect((await call(t, reader, 'GET', `${base('default')}/${id}`)).status).toBe(200);
    expect((await call(t, reader, 'GET', `${base('default')}/${id}/deliveries`)).status).toBe(200);
    const refused = await call(t, reader, 'POST', base('default'), { url: HOOK });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('insufficient_scope');
    expect((await call(t, reader, 'PATCH', `${base('default')}/${id}`, { enabled: false })).status).toBe(403);
    expect((await call(t, reader, 'GET', base(null))).status).toBe(403);

    const writer = { bearer: await accessToken(t, await t.integration({ scopes: ['webhooks:write'] })) };
    const created = await call(t, writer, 'POST', base('default'), { url: `${HOOK}/token` });
    expect(created.status, created.text).toBe(201);
    expect(created.body.secret).toMatch(SECRET);
    expect((await call(t, writer, 'GET', base('default'))).status).toBe(403);
    expect((await call(t, writer, 'POST', base(null), { url: HOOK })).status).toBe(403);
    // A token of another environment: 404.
    const otherToken = {
      bearer: await accessToken(t, await t.integration({ scopes: ['audit:read', 'webhooks:write'] }, 'other')),
    };
    expect((await call(t, otherToken, 'GET', base('default'))).status).toBe(404);
    expect((await call(t, otherToken, 'GET', `${base('other')}/${id}`)).status).toBe(404);
  });
});

describe('N-124 the signing secret: shown once, stored sealed, one previous kept through a rotation (sqlite)', () => {
  it('N-124 the secret is in the create and rotate answers only, never in GET, list or audit, and stored only sealed', async ({
    t,
    admin,
  }) => {
    const env = await freshEnvironment(t, admin);
    const created = await addEndpoint(t, admin, env);
    const { id, secret } = created;
    const rotated = await call(t, admin, 'POST', `${base(env)}/${id}/rotate-secret`, { grace_seconds: 3600 });
    expect(rotated.status, rotated.text).toBe(200);
    const newSecret = String(rotated.body.secret);
    expect(newSecret).toMatch(SECRET);
    expect(newSecret).not.toBe(secret);
    const seen = JSON.stringify([
      (await call(t, admin, 'GET', base(env))).body,
      (await call(t, admin, 'GET', `${base(env)}/${id}`)).body,
      (await call(t, admin, 'PATCH', `${base(env)}/${id}`, { enabled: true })).body,
      (await call(t, admin, 'POST', `${base(env)}/${id}/test`)).body,
      (await call(t, admin, 'GET', `${base(env)}/${id}/deliveries`)).body,
      await stored(t).auditEvents({ target: id }),
    ]);
    for (const s of [secret, newSecret, secret.slice(6), newSecret.slice(6)]) expect(seen).not.toContain(s);
    expect(seen).not.toContain('"secret"');

    const row = await stored(t).webhookEndpoint(id);
    const rowText = JSON.stringify(row);
    for (const s of [secret, newSecret, secret.slice(6), newSecret.slice(6)]) expect(rowText).not.toContain(s);
    // Sealed with the master key, bound to the endpoint's id.
    const { sealer } = t.server.runtime.ctx;
    expect(sealer.open(row.secret_enc, id)).toBe(newSecret);
    expect(sealer.open(row.previous_secret_enc!, id)).toBe(secret);
    expect(() => sealer.open(row.secret_enc, 'whk_another')).toThrow();
  });

  it('N-124 rotation keeps the previous secret until previous_secret_expires_at; a second rotation replaces the previous', async ({
    t,
    admin,
  }) => {
    const env = await freshEnvironment(t, admin);
    const { id, secret: first } = await addEndpoint(t, admin, env);
    const path = `${base(env)}/${id}/rotate-secret`;
    const r1 = await call(t, admin, 'POST', path, { grace_seconds: 3600 });
    const expires1 = new Date((Math.floor(t.clock.now() / 1000) + 3600) * 1000).toISOString();
    expect(r1.body.previous_secret_expires_at).toBe(expires1);
    expect((await call(t, admin, 'GET', `${base(env)}/${id}`)).body.previous_secret_expires_at).toBe(expires1);
    t.clock.advance(10);
    // No body: the default grace period of one day.
    const r2 = await call(t, admin, 'POST', path);
    expect(r2.status, r2.text).toBe(200);
    expect(r2.body.previous_secret_expires_at).toBe(
      new Date((Math.floor(t.clock.now() / 1000) + 86_400) * 1000).toISOString(),
    );
    const row = await stored(t).webhookEndpoint(id);
    const { sealer } = t.server.runtime.ctx;
    // Only the last two sign: the first secret is gone.
    expect(sealer.open(row.secret_enc, id)).toBe(r2.body.secret);
    expect(sealer.open(row.previous_secret_enc!, id)).toBe(r1.body.secret);
    expect(JSON.stringify(row)).not.toContain(first.slice(6));
  });
});
