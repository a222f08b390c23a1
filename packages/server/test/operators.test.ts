/**
 * Operator accounts through the management API (#19 item 1): listed, deleted (never oneself,
 * never the last), and each changing its own password (the current one required; other sessions
 * end). Both stores.
 */
import { describe, expect } from 'vitest';
import { type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { request } from '@gatehouse/testing/http';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  call,
  createTestAdmin,
  session,
  signIn,
  type ConsoleSession,
} from './management-helpers.js';
import { it } from './fixtures.js';
import { CLI_ACTOR } from '../src/context.js';
import { accountHasPassword, removeOperator, resolveOperator, setOperatorPassword } from '../src/services/operators.js';

/** `POST /api/v1/profile/password` in a session. */
function changePassword(s: ConsoleSession, t: TestServer, body: Record<string, string>) {
  return request(`${t.url}/api/v1/profile/password`, {
    method: 'POST',
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('operator accounts (sqlite)', () => {
  let t: TestServer;
  it.beforeAll(async ({ t: server, administrator: _created }) => {
    t = server;
    await createTestAdmin(t, 'grace@example.com');
  });

  it('lists operators without any hash', async () => {
    const s = await session(t);
    const res = await call(t, { session: s }, 'GET', '/operators');
    expect(res.status).toBe(200);
    const items = res.body.items as { email: string; id: string; totp: boolean }[];
    expect(items.map((i) => i.email).sort()).toEqual([ADMIN_EMAIL, 'grace@example.com']);
    expect(items.find((i) => i.email === ADMIN_EMAIL)).toEqual({
      id: expect.stringMatching(/^adm_/),
      email: ADMIN_EMAIL,
      created_at: expect.any(String),
      totp: false,
    });
    expect(res.text).not.toMatch(/argon2|hash/);
  });

  it('an integration token cannot list or delete operators', async () => {
    const c = await t.integration();
    const token = (await (
      await fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: c.client_id,
          client_secret: c.client_secret,
        }),
      })
    ).json()) as { access_token: string };
    expect((await call(t, { bearer: token.access_token }, 'GET', '/operators')).status).toBe(403);
  });

  it('changes its own password: wrong current → 403, weak → 400, else other sessions end and this one stays', async () => {
    const s = await session(t);
    const other = await session(t);
    expect(
      (
        await changePassword(s, t, {
          current_password: 'wrong password here',
          new_password: 'a much better passphrase 42',
        })
      ).status,
    ).toBe(403);
    expect(
      (await changePassword(s, t, { current_password: ADMIN_PASSWORD, new_password: 'password1234' })).status,
    ).toBe(400);
    expect(
      (await changePassword(s, t, { current_password: ADMIN_PASSWORD, new_password: 'a much better passphrase 42' }))
        .status,
    ).toBe(204);
    expect((await call(t, { session: s }, 'GET', '/operators')).status).toBe(200);
    expect((await call(t, { session: other }, 'GET', '/operators')).status).toBe(401);
    expect((await signIn(t, ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(401);
    expect((await signIn(t, ADMIN_EMAIL, 'a much better passphrase 42')).status).toBe(200);
  });

  it('never deletes oneself; deletes another operator (whose sessions end); never the last one', async () => {
    const s = await session(t, ADMIN_EMAIL, 'a much better passphrase 42');
    const grace = await session(t, 'grace@example.com');
    const items = (await call(t, { session: s }, 'GET', '/operators')).body.items as { id: string; email: string }[];
    const me = items.find((i) => i.email === ADMIN_EMAIL)!;
    const self = await call(t, { session: s }, 'DELETE', `/operators/${me.id}`);
    expect(self.status).toBe(409);
    expect((await call(t, { session: s }, 'DELETE', '/operators/adm_nobody')).status).toBe(404);
    const graceId = items.find((i) => i.email === 'grace@example.com')!.id;
    expect((await call(t, { session: s }, 'DELETE', `/operators/${graceId}`)).status).toBe(204);
    expect((await call(t, { session: grace }, 'GET', '/operators')).status).toBe(401);
    expect(((await call(t, { session: s }, 'GET', '/operators')).body.items as unknown[]).length).toBe(1);
    await expect(removeOperator(t.server.runtime.ctx, CLI_ACTOR, ADMIN_EMAIL)).rejects.toMatchObject({ status: 409 });
    const audit = (await stored(t).auditEvents({ action: 'admin.delete' })).map(({ action, target }) => ({
      action,
      target,
    }));
    expect(audit).toEqual([{ action: 'admin.delete', target: 'grace@example.com' }]);
  });

  it('an over-long or unknown operator reference is 404 without a lookup; only a known account with a password has one', async () => {
    const ctx = t.server.runtime.ctx;
    const long = `${'a'.repeat(320)}@example.com`;
    await expect(resolveOperator(ctx, long)).rejects.toMatchObject({ status: 404 });
    await expect(removeOperator(ctx, CLI_ACTOR, long)).rejects.toMatchObject({ status: 404 });
    await expect(
      setOperatorPassword(ctx, CLI_ACTOR, 'adm_nobody', 'a much better passphrase 43'),
    ).rejects.toMatchObject({ status: 404 });
    const me = await resolveOperator(ctx, ADMIN_EMAIL.toUpperCase());
    expect(me.email).toBe(ADMIN_EMAIL);
    expect(await accountHasPassword(ctx, me.id)).toBe(true);
    expect(await accountHasPassword(ctx, 'adm_nobody')).toBe(false);
  });

  it('K-100 two password changes checked against the same current password at once: one applies, the other is 403', async () => {
    const ctx = t.server.runtime.ctx;
    await createTestAdmin(t, 'hopper@example.com');
    // Both check the current password before either commits; the second to commit finds it changed.
    const results = await Promise.allSettled(
      ['first new passphrase 1', 'second new passphrase 2'].map((pw) =>
        setOperatorPassword(ctx, CLI_ACTOR, 'hopper@example.com', pw, { current: ADMIN_PASSWORD }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ status: 403 });
    const applied = results[0]!.status === 'fulfilled' ? 'first new passphrase 1' : 'second new passphrase 2';
    expect((await signIn(t, 'hopper@example.com', applied)).status).toBe(200);
  });

  it('K-100 one operator removed twice at once: one removal applies, the other is 404; one admin.delete event', async () => {
    const ctx = t.server.runtime.ctx;
    await createTestAdmin(t, 'turing@example.com');
    const results = await Promise.allSettled([1, 2].map(() => removeOperator(ctx, CLI_ACTOR, 'turing@example.com')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
      status: 404,
    });
    expect(await stored(t).auditEvents({ action: 'admin.delete', target: 'turing@example.com' })).toHaveLength(1);
  });
});
