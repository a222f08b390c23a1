/**
 * Revocation (RFC 7009), introspection (RFC 7662) and throttling of failed authentications,
 * over real HTTP: docs/security.md A-11, C-45, E-56, F-60.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../src/context.js';
import { createEnvironment } from '../src/services/environments.js';
import { revokeIntegrationTokens } from '../src/services/integrations.js';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { basic, postForm, request, token } from '@gatehouse/testing/http';

describe.each(HTTP_STORE_KINDS)('revocation, introspection, throttling (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t.close());

  const introspect = (c: { client_id: string; client_secret: string }, tok: string) =>
    postForm(t.url, { token: tok }, { authorization: basic(c.client_id, c.client_secret) }, '/oauth/introspect');
  const revoke = (c: { client_id: string; client_secret: string }, tok: string) =>
    postForm(t.url, { token: tok }, { authorization: basic(c.client_id, c.client_secret) }, '/oauth/revoke');
  const media = (tok: string) =>
    request(`${t.url}/api/v1/environments/default/media`, { headers: { authorization: `Bearer ${tok}` } });

  it('introspection: active with claims for the same environment; inactive for garbage', async () => {
    const a = await t.integration({ preset: 'read-only' });
    const b = await t.integration({ preset: 'read-only' });
    const tok = String((await token(t.url, a.client_id, a.client_secret)).body.access_token);
    const res = await introspect(b, tok);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      active: true,
      client_id: a.client_id,
      sub: a.client_id,
      token_type: 'Bearer',
      environment: 'default',
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
    for (const junk of ['garbage', tok.slice(0, -3) + 'AAA', 'a.b.c'])
      expect((await introspect(b, junk)).body).toEqual({ active: false });
    expect(
      (await postForm(t.url, {}, { authorization: basic(b.client_id, b.client_secret) }, '/oauth/introspect')).status,
    ).toBe(400);
    expect((await introspect({ client_id: b.client_id, client_secret: 'wrong' }, tok)).status).toBe(401);
  });

  it('C-45 / E-56 a revoked token: introspection says only active:false and the API refuses it at once', async () => {
    const a = await t.integration({ preset: 'read-only' });
    const b = await t.integration({ preset: 'read-only' });
    const tok = String((await token(t.url, a.client_id, a.client_secret)).body.access_token);
    expect((await media(tok)).status).toBe(200);
    // B may not revoke A's token; it stays active.
    const refused = await revoke(b, tok);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('unauthorized_client');
    expect((await introspect(a, tok)).body.active).toBe(true);
    // A revokes its own token.
    expect((await revoke(a, tok)).status).toBe(200);
    expect((await introspect(b, tok)).body).toEqual({ active: false });
    expect((await media(tok)).status).toBe(401);
    // Reuse never hands the revoked token out again.
    const next = await token(t.url, a.client_id, a.client_secret);
    expect(next.body.access_token).not.toBe(tok);
    expect((await media(String(next.body.access_token))).status).toBe(200);
    // Unknown and already revoked tokens answer 200 (RFC 7009 §2.2).
    expect((await revoke(a, tok)).status).toBe(200);
    expect((await revoke(a, 'not-a-token')).status).toBe(200);
  });

  it("E-56 another environment's integration introspects a token: active:false", async () => {
    await createEnvironment(t.server.runtime.ctx, CLI_ACTOR, `other-${kind}`);
    const a = await t.integration({ preset: 'read-only' });
    const outsider = await t.integration({ preset: 'read-only' }, `other-${kind}`);
    const tok = String((await token(t.url, a.client_id, a.client_secret)).body.access_token);
    expect((await introspect(outsider, tok)).body).toEqual({ active: false });
    expect((await revoke(outsider, tok)).status).toBe(400);
    expect((await media(tok)).status).toBe(200);
  });

  it('revoke-tokens on an integration revokes every token it holds', async () => {
    const a = await t.integration({ preset: 'all-permissions' });
    const t1 = String((await token(t.url, a.client_id, a.client_secret, { scope: 'media:read' })).body.access_token);
    const t2 = String((await token(t.url, a.client_id, a.client_secret)).body.access_token);
    await revokeIntegrationTokens(t.server.runtime.ctx, CLI_ACTOR, a.client_id);
    await settle(t);
    for (const tok of [t1, t2]) {
      expect((await media(tok)).status).toBe(401);
      expect((await introspect(a, tok)).body).toEqual({ active: false });
    }
  });

  it('A-11 / F-60 50 failures for one client_id (known or unknown, across IPs): 429 with Retry-After; other clients unaffected; not permanent', async () => {
    const victim = await t.integration({ preset: 'read-only' });
    const other = await t.integration({ preset: 'read-only' });
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push((await token(t.url, victim.client_id, `wrong-${i}`)).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    const throttled = await token(t.url, victim.client_id, victim.client_secret);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    for (let i = 0; i < 12; i++) await token(t.url, 'no-such-client', 'x');
    expect((await token(t.url, 'no-such-client', 'x')).status).toBe(429);
    expect((await token(t.url, other.client_id, other.client_secret)).status).toBe(200);
    t.clock.advance(61);
    expect((await token(t.url, victim.client_id, victim.client_secret)).status).toBe(200);
  });

  it("A-11 throttling is audited once per window, not per refused attempt: the client's in its environment, the IP's server-wide", async () => {
    const c = await t.integration({ preset: 'read-only' });
    for (let i = 0; i < 15; i++) await token(t.url, c.client_id, `wrong-${i}`);
    await settle(t);
    const events = await stored(t).auditEvents({ target: c.client_id });
    expect(events.filter((e) => e.action === 'client.auth_failed')).toHaveLength(10);
    const throttled = events.filter((e) => e.action === 'client.throttled');
    expect(throttled).toHaveLength(1);
    expect(throttled[0]).toMatchObject({ result: 'failure', ip: '127.0.0.1' });
    expect(JSON.parse(String(throttled[0]?.details))).toEqual({ window: 'client' });
    // The IP's window (100 failures) fills too: audited once, server-wide; then every client from it waits.
    for (let i = 0; i < 100; i++) await token(t.url, `stranger-${i}`, 'x');
    await settle(t);
    const ipEvents = (await stored(t).auditEvents({ action: 'ip.throttled' })).map(({ environment_id, target }) => ({
      environment_id,
      target,
    }));
    expect(ipEvents).toEqual([{ environment_id: null, target: '127.0.0.1' }]);
    const honest = await t.integration({ preset: 'read-only' });
    expect((await token(t.url, honest.client_id, honest.client_secret)).status).toBe(429);
    t.clock.advance(61);
    expect((await token(t.url, honest.client_id, honest.client_secret)).status).toBe(200);
  });
});
