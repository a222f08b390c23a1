/**
 * Signing keys: one active key however many nodes boot at once (docs/security.md F-64), and rotation
 * pre-publish → switch → retire (F-66), over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { CLI_ACTOR } from '../src/context.js';
import { createRuntime, openContext } from '../src/runtime.js';
import { promoteDueKeys, rotateSigningKey } from '../src/keys/signing-keys.js';
import { STORE_KINDS, newStoreLocation } from '@gatehouse/testing/stores';
import { settle, startTestServer, testConfig, type TestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { TestClock } from '@gatehouse/testing/clock';
import { request, token } from '@gatehouse/testing/http';

describe.each(STORE_KINDS)('signing-key lifecycle (%s)', (kind) => {
  it('F-64 four nodes booting at once on an empty store end with exactly one active key and one default environment', async () => {
    const location = newStoreLocation(kind);
    try {
      const config = testConfig(location);
      const results = await Promise.allSettled(
        [1, 2, 3, 4].map(() => createRuntime(config, { clock: new TestClock() })),
      );
      const runtimes = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      expect(runtimes.length).toBe(4);
      const keys = await stored(runtimes[0]!.ctx).signingKeys();
      expect(keys.filter((k) => k.state === 'active')).toHaveLength(1);
      expect((await stored(runtimes[0]!.ctx).environments()).filter((e) => e.slug === 'default')).toHaveLength(1);
      const kids = new Set(runtimes.map((r) => r.keys.signingKey().kid));
      expect(kids.size).toBe(1);
      await Promise.all(runtimes.map((r) => r.close()));
    } finally {
      await location.dispose();
    }
  });

  it('F-64/F-66 three nodes promoting a due key at once leave exactly one active key: the new one', async () => {
    const location = newStoreLocation(kind);
    const clock = new TestClock();
    const contexts = await Promise.all([1, 2, 3].map(() => openContext(testConfig(location), { clock })));
    try {
      const [first] = contexts;
      const runtime = await createRuntime(testConfig(location), { clock });
      await runtime.close();
      // Several rounds: the race (the second promotion retiring the key the first one activated) is timing-dependent.
      for (let round = 0; round < 5; round++) {
        const { kid } = await rotateSigningKey(first!, CLI_ACTOR);
        clock.advance(first!.config.jwksMaxAge + 1);
        // PostgreSQL runs the three at once. better-sqlite3 blocks its thread while it waits for a
        // lock, so in one process SQLite connections can only take turns (processes contend for real).
        const outcomes =
          kind === 'postgres'
            ? await Promise.all(contexts.map((ctx) => promoteDueKeys(ctx)))
            : [
                await promoteDueKeys(contexts[0]!),
                await promoteDueKeys(contexts[1]!),
                await promoteDueKeys(contexts[2]!),
              ];
        expect(outcomes.filter(Boolean).length, `round ${round}`).toBe(1);
        const active = (await stored(first!).signingKeys())
          .filter((k) => k.state === 'active')
          .map(({ kid }) => ({ kid }));
        expect(active, `round ${round}`).toEqual([{ kid }]);
      }
    } finally {
      await Promise.all(contexts.map((ctx) => ctx.store.close()));
      await location.dispose();
    }
  });

  describe('rotation', () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer(kind);
    });
    afterAll(() => t.close());

    it('F-66 pre-publish, switch after the JWKS max-age, old tokens valid until exp, then retired', async () => {
      const c = await t.integration({ preset: 'read-only' });
      const oldToken = String((await token(t.url, c.client_id, c.client_secret)).body.access_token);
      const oldKid = decodeProtectedHeader(oldToken).kid!;
      const { kid: newKid } = await rotateSigningKey(t.server.runtime.ctx, CLI_ACTOR);
      await settle(t);
      const jwks = async () =>
        ((await request(`${t.url}/.well-known/jwks.json`)).body.keys as { kid: string }[]).map((k) => k.kid);
      expect(await jwks()).toEqual(expect.arrayContaining([oldKid, newKid]));
      // Before the JWKS max-age has passed the old key still signs.
      const c2 = await t.integration({ preset: 'read-only' });
      expect(
        decodeProtectedHeader(String((await token(t.url, c2.client_id, c2.client_secret)).body.access_token)).kid,
      ).toBe(oldKid);
      t.clock.advance(t.config.jwksMaxAge);
      const c3 = await t.integration({ preset: 'read-only' });
      const fresh = String((await token(t.url, c3.client_id, c3.client_secret)).body.access_token);
      expect(decodeProtectedHeader(fresh).kid).toBe(newKid);
      // Old-key tokens keep working until they expire.
      const media = (tok: string) =>
        request(`${t.url}/api/v1/environments/default/media`, { headers: { authorization: `Bearer ${tok}` } });
      expect((await media(oldToken)).status).toBe(200);
      expect((await media(fresh)).status).toBe(200);
      // A resource server holding a stale JWKS refetches once on the unknown kid and succeeds.
      const stale = createLocalJWKSet({ keys: [] });
      await expect(jwtVerify(fresh, stale)).rejects.toThrow();
      const refetched = createLocalJWKSet((await request(`${t.url}/.well-known/jwks.json`)).body as never);
      await expect(jwtVerify(fresh, refetched, { currentDate: new Date(t.clock.now()) })).resolves.toBeTruthy();
      // After the longest token lifetime the retired key leaves the JWKS and its tokens fail.
      await t.server.runtime.keys.reload();
      t.clock.advance(86_400 + t.config.clockSkew + 1);
      await t.server.runtime.keys.reload();
      t.server.runtime.verifier.clear();
      expect(await jwks()).not.toContain(oldKid);
      expect((await media(oldToken)).status).toBe(401);
    });

    it('rotate --now switches at once', async () => {
      const { kid } = await rotateSigningKey(t.server.runtime.ctx, CLI_ACTOR, { now: true });
      await settle(t);
      const c = await t.integration({ preset: 'read-only' });
      expect(
        decodeProtectedHeader(String((await token(t.url, c.client_id, c.client_secret)).body.access_token)).kid,
      ).toBe(kid);
    });
  });
});
