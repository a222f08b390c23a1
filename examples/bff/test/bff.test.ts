/**
 * The BFF example against a real Gatehouse: the session gate, the read-only token handed to the
 * page (and that it really lists media, and can't write), and the refusal of a token that can write.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenSource, GatehouseClient } from '@gatehouse/client';
import { startGatehouse, type TestServer } from '@gatehouse/testing/gatehouse';
import { createBffApp, SESSION_COOKIE, type BffOptions } from '../src/app.js';

const user = { username: 'demo', password: 'correct horse battery staple' };
const cookieSecret = 'a-test-cookie-secret-of-32-chars!';

describe('BFF example', () => {
  let t: TestServer;
  let readOnly: { client_id: string; client_secret: string };
  let allPermissions: { client_id: string; client_secret: string };
  const bff = (credentials: { client_id: string; client_secret: string }, extra: Partial<BffOptions> = {}) =>
    createBffApp({
      issuer: t.url,
      clientId: credentials.client_id,
      clientSecret: credentials.client_secret,
      user,
      cookieSecret,
      clock: () => t.clock.now(),
      ...extra,
    });

  /** Signs in and returns the `name=value` of the session cookie. */
  async function signIn(app: ReturnType<typeof createBffApp>): Promise<string> {
    const res = await app.request('/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(user),
    });
    expect(res.status).toBe(204);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    return setCookie.split(';')[0]!;
  }

  beforeAll(async () => {
    t = await startGatehouse();
    readOnly = await t.integration({ name: 'front', preset: 'read-only' });
    allPermissions = await t.integration({ name: 'back', preset: 'all-permissions' });
    // Something for the page to list, created by the back end's all-permissions integration.
    const backend = new GatehouseClient({
      baseUrl: t.url,
      environment: 'default',
      tokenSource: createTokenSource({
        issuer: t.url,
        clientId: allPermissions.client_id,
        clientSecret: allPermissions.client_secret,
      }),
    });
    await backend.media.create({
      name: 'hero.png',
      content_type: 'image/png',
      size: 2048,
      checksum: createHash('sha256').update('hero').digest('hex'),
    });
  });
  afterAll(() => t.close());

  it('serves the page that loads /user/authdata and lists media with its token', async () => {
    const res = await bff(readOnly).request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain("fetch('/user/authdata')");
    expect(html).toContain("fetch(apiURL + 'media'");
  });

  it('answers 401 without a session, with a wrong password, a forged cookie or an expired session', async () => {
    const app = bff(readOnly);
    const noSession = await app.request('/user/authdata');
    expect(noSession.status).toBe(401);
    expect(await noSession.json()).toEqual({ success: false });

    const wrong = await app.request('/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...user, password: 'nope' }),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const cookie = await signIn(app);
    const forged = cookie.replace(/^([^=]+=)\d+/, '$19999999999'); // a later expiry, same signature
    expect(forged).not.toBe(cookie);
    expect((await app.request('/user/authdata', { headers: { cookie: forged } })).status).toBe(401);

    t.clock.advance(3601);
    try {
      expect((await app.request('/user/authdata', { headers: { cookie } })).status).toBe(401);
    } finally {
      t.clock.advance(-3601);
    }
  });

  it('refuses a sign-in that is not JSON (no cross-site form posts)', async () => {
    const res = await bff(readOnly).request('/signin', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=demo&password=x',
    });
    expect(res.status).toBe(415);
  });

  it('signed in with a read-only integration: {success, token, apiURL}; the token lists media but cannot write', async () => {
    const app = bff(readOnly);
    const cookie = await signIn(app);
    const res = await app.request('/user/authdata', { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { success: boolean; token: string; apiURL: string };
    expect(body).toEqual({
      success: true,
      token: expect.stringMatching(/^eyJ/),
      apiURL: `${t.url}/api/v1/environments/default/`,
    });

    // What the page does next, against the real server.
    const auth = { authorization: `Bearer ${body.token}` };
    const media = await fetch(body.apiURL + 'media', { headers: auth });
    expect(media.status).toBe(200);
    const { items } = (await media.json()) as { items: { name: string }[] };
    expect(items.map((item) => item.name)).toEqual(['hero.png']);

    const write = await fetch(body.apiURL + 'media', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x.png', content_type: 'image/png', size: 1, checksum: '0'.repeat(64) }),
    });
    expect(write.status).toBe(403);

    const signOut = await app.request('/signout', { method: 'POST', headers: { cookie } });
    expect(signOut.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
  });

  it('configured with an all-permissions integration: 500 {success:false}, no token in the body, the refusal logged without it', async () => {
    const logged: { message: string; details?: Record<string, unknown> }[] = [];
    const app = bff(allPermissions, { logger: { error: (message, details) => logged.push({ message, details }) } });
    const cookie = await signIn(app);
    const res = await app.request('/user/authdata', { headers: { cookie } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ success: false });
    expect(text).not.toMatch(/eyJ/);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.details?.['refused_scopes']).toEqual(
      expect.arrayContaining(['projects:write', 'media:write', 'customers:write']),
    );
    expect(JSON.stringify(logged)).not.toMatch(/eyJ/);
  });
});
