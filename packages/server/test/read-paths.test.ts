/**
 * Read paths don't write (issue #16): bearer verification that reloads the keys on an unknown
 * `kid` leaves a due key switch to maintenance; a customer token's first use is recorded off the
 * request path, by the write-behind queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import jwt from 'jsonwebtoken';
import { CLI_ACTOR } from '../src/context.js';
import { rotateSigningKey } from '../src/keys/signing-keys.js';
import { purgeExpired } from '../src/maintenance.js';
import { createEnvironmentSecret } from '../src/services/credentials.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { claims, signOwn } from '@gatehouse/testing/forge';
import { request, token } from '@gatehouse/testing/http';

describe.each(STORE_KINDS)('read paths write nothing (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t.close());

  it('a token with an unknown kid reloads the keys without persisting a due switch; maintenance persists it', async () => {
    const { kid } = await rotateSigningKey(t.server.runtime.ctx, CLI_ACTOR);
    await settle(t);
    t.clock.advance(t.config.jwksMaxAge + 1);
    const state = async () => (await stored(t).signingKey(kid)).state;
    const c = await t.integration({ preset: 'read-only' });
    const unknownKid = await signOwn(t, claims(t, c.client_id), { kid: 'not-a-published-kid' });
    const res = await request(`${t.url}/api/v1/environments/default/media`, {
      headers: { authorization: `Bearer ${unknownKid}` },
    });
    expect(res.status).toBe(401);
    expect(await state()).toBe('next');
    // The due key signs on time all the same: every node computes the switch from the same rows.
    const fresh = String((await token(t.url, c.client_id, c.client_secret)).body.access_token);
    expect(decodeProtectedHeader(fresh).kid).toBe(kid);
    await purgeExpired(t.server.runtime.ctx);
    expect(await state()).toBe('active');
    await settle(t);
    expect(
      (await request(`${t.url}/api/v1/environments/default/media`, { headers: { authorization: `Bearer ${fresh}` } }))
        .status,
    ).toBe(200);
  });

  it("a customer token's first use is written by the queue: one customer row and one audit event after settling", async () => {
    const creds = await createEnvironmentSecret(t.server.runtime.ctx, CLI_ACTOR, 'default');
    const now = t.clock.seconds();
    const tok = jwt.sign({ id: 'queued-customer', iat: now, exp: now + 600 }, creds.environment_secret!, {
      issuer: creds.environment_key,
    });
    const self = () => request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${tok}` } });
    const answers = await Promise.all([self(), self(), self()]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    await settle(t);
    expect(await stored(t).customers('queued-customer')).toHaveLength(1);
    expect(await stored(t).auditEvents({ action: 'customer.create', target: 'queued-customer' })).toHaveLength(1);
  });
});
