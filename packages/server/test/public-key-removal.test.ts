/**
 * Removing a registered customer-token public key (issue #19): console only (a bearer caller gets
 * 403), another environment's key is 404 (SECURITY.md E-53), the removal is audited.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect } from 'vitest';
import { accessToken, call } from './management-helpers.js';
import { it } from './fixtures.js';
import { CLI_ACTOR } from '../src/context.js';
import { createEnvironment } from '../src/services/environments.js';
import { addPublicKey, getCredentials } from '../src/services/credentials.js';

const pem = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;

describe('public key removal (sqlite)', () => {
  it.beforeAll(async ({ t }) => {
    await createEnvironment(t.server.runtime.ctx, CLI_ACTOR, 'acme');
  });

  it('a console administrator removes a key; it is audited; a second removal is 404', async ({ t, admin }) => {
    const key = await addPublicKey(t.server.runtime.ctx, CLI_ACTOR, 'default', { alg: 'ES256', key: pem(), kid: 'k1' });
    const res = await call(t, admin, 'DELETE', `/environments/default/credentials/public-keys/${key.id}`);
    expect(res.status).toBe(204);
    expect((await getCredentials(t.server.runtime.ctx, 'default')).public_keys).toEqual([]);
    expect((await call(t, admin, 'DELETE', `/environments/default/credentials/public-keys/${key.id}`)).status).toBe(
      404,
    );
    const audit = (await call(t, admin, 'GET', '/environments/default/audit')).body.items as {
      action: string;
      target: string;
    }[];
    expect(audit.find((e) => e.action === 'environment.public_key_remove')).toMatchObject({ target: key.id });
  });

  it("bearer callers get 403; another environment's key is 404 and stays; bad ids are 400", async ({ t, admin }) => {
    const key = await addPublicKey(t.server.runtime.ctx, CLI_ACTOR, 'acme', { alg: 'ES256', key: pem(), kid: 'k2' });
    const bearer = await accessToken(t, await t.integration({ preset: 'all-permissions' }));
    expect(
      (await call(t, { bearer }, 'DELETE', `/environments/default/credentials/public-keys/${key.id}`)).status,
    ).toBe(403);
    expect((await call(t, admin, 'DELETE', `/environments/default/credentials/public-keys/${key.id}`)).status).toBe(
      404,
    );
    expect((await getCredentials(t.server.runtime.ctx, 'acme')).public_keys.map((k) => k.id)).toEqual([key.id]);
    expect(
      (await call(t, admin, 'DELETE', `/environments/default/credentials/public-keys/${'x'.repeat(65)}`)).status,
    ).toBe(400);
  });

  it('a JWK registered without --kid keeps its own kid (409 when taken); an over-long kid is 400', async ({ t }) => {
    const ctx = t.server.runtime.ctx;
    const jwk = (kid: string) => {
      const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
      return JSON.stringify({ ...key, kid });
    };
    const added = await addPublicKey(ctx, CLI_ACTOR, 'acme', { alg: 'ES256', key: jwk('from-the-jwk') });
    expect(added.kid).toBe('from-the-jwk');
    await expect(
      addPublicKey(ctx, CLI_ACTOR, 'acme', { alg: 'ES256', key: jwk('from-the-jwk') }),
    ).rejects.toMatchObject({ status: 409 });
    // --kid wins over the JWK's own.
    const named = await addPublicKey(ctx, CLI_ACTOR, 'acme', { alg: 'ES256', key: jwk('ignored'), kid: 'given' });
    expect(named.kid).toBe('given');
    await expect(addPublicKey(ctx, CLI_ACTOR, 'acme', { alg: 'ES256', key: jwk('k'.repeat(201)) })).rejects.toThrow(
      /kid must be 1 to 200/,
    );
    expect((await getCredentials(ctx, 'acme')).public_keys.map((k) => k.kid)).toEqual(
      expect.arrayContaining(['from-the-jwk', 'given']),
    );
  });
});
