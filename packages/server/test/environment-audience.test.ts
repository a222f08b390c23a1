/**
 * The Environment API audience follows the running configuration (docs/security.md H-80): an
 * environment created by another process (the CLI, with its own default issuer) works, and a
 * restart with another issuer or audience mints tokens the server accepts. Tokens minted before
 * such a change carry the old `iss`/`aud` and are refused (README "Configuration").
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { loadConfig } from '../src/config/config.js';
import { openContext } from '../src/runtime.js';
import { CLI_ACTOR } from '../src/context.js';
import { createEnvironment } from '../src/services/environments.js';
import { createApi } from '../src/services/apis.js';
import { MASTER_KEY, HTTP_STORE_KINDS, newStoreLocation, type StoreLocation } from '@gatehouse/testing/stores';
import { ISSUER, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { request, token } from '@gatehouse/testing/http';

describe.each(HTTP_STORE_KINDS)('Environment API audience (%s)', (kind) => {
  const running: TestServer[] = [];
  let location: StoreLocation | undefined;
  afterEach(async () => {
    for (const t of running.splice(0)) await t.stop();
    await location?.dispose();
    location = undefined;
  });
  const start = async (config: { issuer?: string; audience?: string } = {}) => {
    const t = await startTestServer(kind, { location: location!, config });
    running.push(t);
    return t;
  };
  const self = (t: TestServer, accessToken: string) =>
    request(`${t.url}/api/v1/self`, { headers: { authorization: `Bearer ${accessToken}` } });

  it('H-80 an environment created by the CLI under its default issuer works; a changed issuer or audience applies on restart', async () => {
    location = newStoreLocation(kind);
    // What `gatehouse env create staging` does: another process, another (default) issuer.
    const cli = await openContext(
      loadConfig(
        {
          dataDir: location.dataDir,
          ...(location.databaseUrl && { databaseUrl: location.databaseUrl, pgSchema: location.pgSchema }),
        },
        { GATEHOUSE_MASTER_KEY: MASTER_KEY },
      ),
    );
    try {
      expect(cli.config.audience).toBe('http://127.0.0.1:4000');
      await createEnvironment(cli, CLI_ACTOR, 'staging');
    } finally {
      await cli.store.close();
    }

    const first = await start();
    const c = await first.integration({ preset: 'read-only' }, 'staging');
    const before = await token(first.url, c.client_id, c.client_secret);
    expect(before.status).toBe(200);
    const old = String(before.body.access_token);
    expect(decodeJwt(old)).toMatchObject({ iss: ISSUER, aud: ISSUER, environment: 'staging' });
    expect((await self(first, old)).status).toBe(200);
    await first.stop();

    const moved = await start({ issuer: 'https://moved.test' });
    expect((await self(moved, old)).status).toBe(401);
    const fresh = await token(moved.url, c.client_id, c.client_secret);
    expect(fresh.status).toBe(200);
    expect(decodeJwt(String(fresh.body.access_token))).toMatchObject({
      iss: 'https://moved.test',
      aud: 'https://moved.test',
    });
    expect((await self(moved, String(fresh.body.access_token))).status).toBe(200);
    await moved.stop();

    const audience = await start({ issuer: 'https://moved.test', audience: 'https://api.moved.test' });
    const third = await token(audience.url, c.client_id, c.client_secret);
    expect(decodeJwt(String(third.body.access_token))).toMatchObject({
      iss: 'https://moved.test',
      aud: 'https://api.moved.test',
    });
    expect((await self(audience, String(third.body.access_token))).status).toBe(200);
    // The management view shows the audience in force.
    const { integrationDto, requireIntegration, usageOfOne } = await import('../src/services/integrations.js');
    const { env, client } = await requireIntegration(audience.server.runtime.ctx, c.client_id);
    expect(
      integrationDto(env, client, await usageOfOne(audience.server.runtime.ctx, client)).grants.map((g) => g.audience),
    ).toEqual(['https://api.moved.test']);
  });

  it("H-80 an API can't be registered under the Environment API audience in force", async () => {
    location = newStoreLocation(kind);
    const t = await start({ audience: 'https://api.gatehouse.test' });
    await expect(
      createApi(t.server.runtime.ctx, CLI_ACTOR, 'default', {
        name: 'clash',
        audience: 'https://api.gatehouse.test',
        scopes: [],
      }),
    ).rejects.toMatchObject({ status: 409, code: 'conflict' });
  });
});
