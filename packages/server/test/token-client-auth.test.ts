/**
 * docs/security.md section A: client authentication at the token endpoint, over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../src/context.js';
import { rotateSecret, updateIntegration, deleteIntegration } from '../src/services/integrations.js';
import { generateClientId, generateTimeOrderedId, verifySecret, hashSecret } from '../src/services/secrets.js';
import { HTTP_STORE_KINDS } from '@gatehouse/testing/stores';
import { settle, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { tamper } from '@gatehouse/testing/tamper';
import { basic, postForm, token } from '@gatehouse/testing/http';
import { persisted } from '@gatehouse/testing/persisted';

describe.each(HTTP_STORE_KINDS)('token endpoint client authentication (%s)', (kind) => {
  let t: TestServer;
  let c: { client_id: string; client_secret: string };
  beforeAll(async () => {
    t = await startTestServer(kind);
    c = await t.integration({ preset: 'read-only' });
  });
  afterAll(() => t.close());

  it('accepts client_secret_basic and client_secret_post', async () => {
    expect((await token(t.url, c.client_id, c.client_secret)).status).toBe(200);
    const post = await postForm(t.url, {
      grant_type: 'client_credentials',
      client_id: c.client_id,
      client_secret: c.client_secret,
    });
    expect(post.status).toBe(200);
  });

  it('A-1 Basic with a wrong secret: 401 invalid_client with a Basic challenge, nothing persisted', async () => {
    const before = await persisted(t);
    const res = await token(t.url, c.client_id, c.client_secret + 'x');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="gatehouse"/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await persisted(t)).toBe(before);
  });

  it('A-2 client_secret_post with a wrong secret: 401 invalid_client, no Basic challenge, nothing persisted', async () => {
    const before = await persisted(t);
    const res = await postForm(t.url, {
      grant_type: 'client_credentials',
      client_id: c.client_id,
      client_secret: 'nope',
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(await persisted(t)).toBe(before);
  });

  it('A-3 unknown client_id: same status and body as a wrong secret', async () => {
    const wrong = await token(t.url, c.client_id, 'wrong-secret');
    const unknown = await token(t.url, 'no-such-client', 'wrong-secret');
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.text).toBe(wrong.text);
    expect(unknown.headers.get('www-authenticate')).toBe(wrong.headers.get('www-authenticate'));
    const postUnknown = await postForm(t.url, {
      grant_type: 'client_credentials',
      client_id: 'no-such-client',
      client_secret: 'x',
    });
    const postWrong = await postForm(t.url, {
      grant_type: 'client_credentials',
      client_id: c.client_id,
      client_secret: 'x',
    });
    expect(postUnknown.text).toBe(postWrong.text);
  });

  it('A-4 Basic and client_secret in the body at once: 400 invalid_request, nothing persisted', async () => {
    const before = await persisted(t);
    const auth = { authorization: basic(c.client_id, c.client_secret) };
    const withId = await postForm(
      t.url,
      { grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret },
      auth,
    );
    const withoutId = await postForm(t.url, { grant_type: 'client_credentials', client_secret: c.client_secret }, auth);
    for (const res of [withId, withoutId]) {
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    }
    expect(await persisted(t)).toBe(before);
  });

  it('A-5 Basic plus a differing body client_id: 400; the same id: 200', async () => {
    const auth = { authorization: basic(c.client_id, c.client_secret) };
    const differ = await postForm(t.url, { grant_type: 'client_credentials', client_id: 'someone-else' }, auth);
    expect(differ.status).toBe(400);
    expect(differ.body.error).toBe('invalid_request');
    const same = await postForm(t.url, { grant_type: 'client_credentials', client_id: c.client_id }, auth);
    expect(same.status).toBe(200);
  });

  it.each([
    ['Basic alone', 'Basic'],
    ['non-base64', 'Basic !!!not-base64!!!'],
    ['no colon', 'Basic ' + Buffer.from('nocolon').toString('base64')],
    ['%ZZ-encoded id', 'Basic ' + Buffer.from('%ZZ:secret').toString('base64')],
  ])('A-6 malformed Basic (%s): 400 invalid_request', async (_name, header) => {
    const res = await postForm(t.url, { grant_type: 'client_credentials' }, { authorization: header });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('A-7 ids and secrets with : % + and Unicode, form-urlencoded (App. B): 200', async () => {
    // Secrets are generated, so check the encoding path with an id/secret pair set directly in the store.
    const odd = await t.integration({ preset: 'read-only' });
    const id = 'id:with%odd+chars-é✓';
    const secret = 'se:cr%et+ü✓ with space';
    await tamper(t).setClientCredentials(odd.client_id, {
      clientId: id,
      secretHash: hashSecret(t.server.runtime.ctx.sealer.secretPepper, secret),
    });
    t.server.runtime.directory.clear();
    expect((await token(t.url, id, secret)).status).toBe(200);
    const post = await postForm(t.url, { grant_type: 'client_credentials', client_id: id, client_secret: secret });
    expect(post.status).toBe(200);
  });

  it('A-8 empty secret: 400 invalid_request; client_id without a secret: 401 invalid_client', async () => {
    const basicEmpty = await postForm(
      t.url,
      { grant_type: 'client_credentials' },
      { authorization: 'Basic ' + Buffer.from(`${c.client_id}:`).toString('base64') },
    );
    expect(basicEmpty.status).toBe(400);
    expect(basicEmpty.body.error).toBe('invalid_request');
    const postEmpty = await postForm(t.url, {
      grant_type: 'client_credentials',
      client_id: c.client_id,
      client_secret: '',
    });
    expect(postEmpty.status).toBe(400);
    const noSecret = await postForm(t.url, { grant_type: 'client_credentials', client_id: c.client_id });
    expect(noSecret.status).toBe(401);
    expect(noSecret.body.error).toBe('invalid_client');
  });

  it('A-9 disabled, deleted, rotated-after-grace: 401; rotated within grace: 200', async () => {
    const ctx = t.server.runtime.ctx;
    const d = await t.integration({ preset: 'read-only' });
    await updateIntegration(ctx, CLI_ACTOR, d.client_id, { enabled: false });
    await settle(t);
    expect((await token(t.url, d.client_id, d.client_secret)).status).toBe(401);

    const gone = await t.integration({ preset: 'read-only' });
    expect((await token(t.url, gone.client_id, gone.client_secret)).status).toBe(200);
    await deleteIntegration(ctx, CLI_ACTOR, gone.client_id);
    await settle(t);
    expect((await token(t.url, gone.client_id, gone.client_secret)).status).toBe(401);

    const r = await t.integration({ preset: 'read-only' });
    const { client_secret: fresh } = await rotateSecret(ctx, CLI_ACTOR, r.client_id, 600);
    await settle(t);
    expect((await token(t.url, r.client_id, r.client_secret)).status).toBe(200);
    expect((await token(t.url, r.client_id, fresh)).status).toBe(200);
    t.clock.advance(601);
    expect((await token(t.url, r.client_id, r.client_secret)).status).toBe(401);
    expect((await token(t.url, r.client_id, fresh)).status).toBe(200);

    const now = await t.integration({ preset: 'read-only' });
    await rotateSecret(ctx, CLI_ACTOR, now.client_id, 0);
    await settle(t);
    expect((await token(t.url, now.client_id, now.client_secret)).status).toBe(401);
  });

  it('A-9 expired secret: 401 once the expiry set on the integration has passed', async () => {
    const e = await t.integration({ preset: 'read-only' });
    await updateIntegration(t.server.runtime.ctx, CLI_ACTOR, e.client_id, {
      secret_expires_at: new Date(t.clock.now() + 60_000).toISOString(),
    });
    await settle(t);
    expect((await token(t.url, e.client_id, e.client_secret)).status).toBe(200);
    t.clock.advance(61);
    expect((await token(t.url, e.client_id, e.client_secret)).status).toBe(401);
    await expect(
      updateIntegration(t.server.runtime.ctx, CLI_ACTOR, e.client_id, { secret_expires_at: 'soon' }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('A-10 secrets compare as equal-length digests in constant time; unknown ids get a dummy check', () => {
    const pepper = Buffer.alloc(32, 1);
    const stored = hashSecret(pepper, 'correct');
    expect(verifySecret(pepper, stored, 'correct')).toBe(true);
    expect(verifySecret(pepper, stored, 'xorrect')).toBe(false);
    expect(verifySecret(pepper, stored, 'correcx')).toBe(false);
    expect(verifySecret(pepper, stored, 'a-much-longer-secret-than-the-real-one')).toBe(false);
    // Unknown client: the same HMAC and comparison run against a dummy digest, and fail.
    expect(verifySecret(pepper, null, 'correct')).toBe(false);
    expect(Buffer.from(stored, 'base64url')).toHaveLength(32);
  });

  it('client_ids never start with - or _ (a CLI argument like `-abc` would read as an option)', () => {
    // 64 characters can start a base64url id; 5,000 draws meet - and _ about 150 times if not excluded.
    const ids = Array.from({ length: 5000 }, () => generateClientId());
    expect(ids.filter((id) => /^[-_]/.test(id))).toEqual([]);
    expect(ids.every((id) => /^[A-Za-z0-9][\w-]{19}$/.test(id))).toBe(true);
  });

  it('time-ordered ids (jti, audit events) carry their millisecond first and 80 random bits after it', () => {
    const ms = Date.UTC(2026, 10, 25, 12, 0, 0, 123);
    const ids = Array.from({ length: 1000 }, () => generateTimeOrderedId(ms));
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids.slice(0, 10)) {
      const bytes = Buffer.from(id, 'base64url');
      expect(bytes).toHaveLength(16);
      expect(bytes.readUIntBE(0, 6)).toBe(ms);
    }
    // Ids of one millisecond share their prefix, so they sit together in an index.
    expect(new Set(ids.map((id) => id.slice(0, 8))).size).toBe(1);
    expect(generateTimeOrderedId(ms + 1).slice(0, 8)).not.toBe(ids[0]!.slice(0, 8));
  });
});
