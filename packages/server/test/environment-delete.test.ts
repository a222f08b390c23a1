/**
 * Deleting an environment (issue #19): console only, with a typed confirmation (`confirm=<slug>`);
 * everything in it goes in one transaction and its tokens are revoked; audited server-wide; never
 * the last environment; bad input is 400, never 5xx.
 */
import { describe, expect } from 'vitest';
import { settle } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { basic, postForm, token } from '@gatehouse/testing/http';
import { accessToken, call } from './management-helpers.js';
import { test } from './fixtures.js';
import { CLI_ACTOR } from '../src/context.js';
import { createEnvironment } from '../src/services/environments.js';
import { deleteEnvironment } from '../src/services/environment-removal.js';

/** The file's fixtures, plus `as`: a call as the signed-in administrator. */
const it = test.extend(
  'as',
  { scope: 'file' },
  async ({ t, admin }) =>
    (method: string, path: string, body?: unknown) =>
      call(t, admin, method, path, body),
);

describe('environment deletion (sqlite)', () => {
  it('deletes an environment with everything in it; its tokens stop working; audited server-wide', async ({
    t,
    as,
  }) => {
    await createEnvironment(t.server.runtime.ctx, CLI_ACTOR, 'doomed');
    await as('POST', '/environments/doomed/apis', {
      name: 'Inv',
      audience: 'https://inv.example',
      scopes: [{ value: 'a' }],
    });
    const c = await t.integration(
      { preset: 'all-permissions', grants: [{ audience: 'https://inv.example', scopes: ['a'] }] },
      'doomed',
    );
    await settle(t);
    const tok = String((await token(t.url, c.client_id, c.client_secret)).body.access_token);
    expect((await call(t, { bearer: tok }, 'GET', '/environments/doomed/integrations')).status).toBe(200);

    expect((await as('DELETE', '/environments/doomed')).status).toBe(400);
    const wrong = await as('DELETE', '/environments/doomed?confirm=default');
    expect(wrong.status).toBe(400);
    expect(wrong.body.error_description).toContain('confirm');
    expect((await as('GET', '/environments/doomed')).status).toBe(200);

    const res = await as('DELETE', '/environments/doomed?confirm=doomed');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ slug: 'doomed', integrations: 1, revoked_tokens: 1 });
    await settle(t);
    expect((await as('GET', '/environments/doomed')).status).toBe(404);
    expect((await token(t.url, c.client_id, c.client_secret)).status).toBe(401);
    expect((await call(t, { bearer: tok }, 'GET', '/environments/doomed/integrations')).status).toBe(401);
    expect((await stored(t).integrations()).filter((i) => i.client_id === c.client_id)).toEqual([]);
    expect(await stored(t).apisWithAudience('https://inv.example')).toEqual([]);
    const introspect = await postForm(
      t.url,
      { token: tok },
      { authorization: basic(c.client_id, c.client_secret) },
      '/oauth/introspect',
    );
    expect(introspect.status).not.toBe(200);
    const audit = (await as('GET', '/audit')).body.items as { action: string; target: string }[];
    expect(audit.find((e) => e.action === 'environment.delete')).toMatchObject({ target: 'doomed' });
    expect((await as('DELETE', '/environments/doomed?confirm=doomed')).status).toBe(404);
  });

  it('refuses the last environment (409) and bearer callers (403)', async ({ t, as }) => {
    const bearer = await accessToken(t, await t.integration({ preset: 'all-permissions' }));
    const refused = await call(t, { bearer }, 'DELETE', '/environments/default?confirm=default');
    expect(refused.status).toBe(403);
    const last = await as('DELETE', '/environments/default?confirm=default');
    expect(last.status).toBe(409);
    expect(last.body.error_description).toContain('last environment');
    await expect(deleteEnvironment(t.server.runtime.ctx, CLI_ACTOR, 'default', 'default')).rejects.toMatchObject({
      status: 409,
    });
    expect((await as('GET', '/environments/default')).status).toBe(200);
    expect((await as('DELETE', '/environments/Bad_Slug?confirm=x')).status).toBe(400);
    expect((await as('DELETE', `/environments/default?confirm=${'x'.repeat(100)}`)).status).toBe(400);
  });
});
