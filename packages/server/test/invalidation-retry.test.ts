/**
 * docs/security.md K-101: a cache invalidation that fails is not lost. Two nodes in one process on
 * one store; node B's store handle carries a fault (a Kysely plugin, given to B's runtime through
 * `RuntimeDeps.store`) that fails the read of the revoked tokens while it is on, so B's change-feed
 * listener (`revocations.reload()`) fails. A token revoked through A is then refused by B within
 * 1 s of the store answering again; B's `/readyz` is not ready while its invalidations fail and
 * ready after; `gatehouse_invalidation_failures_total` counts the failures. On PostgreSQL, a change
 * whose transaction commits after a later one's is applied too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { decodeJwt } from 'jose';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, RootOperationNode } from 'kysely';
import { startServer, type RunningServer } from '../src/main.js';
import { openStore } from '../src/store/db.js';
import { ChangeFeed } from '../src/cache/change-feed.js';
import { STORE_KINDS } from '@gatehouse/testing/stores';
import { startTestServer, testConfig, type TestServer } from '@gatehouse/testing/server';
import { basic, postForm, request, token } from '@gatehouse/testing/http';
import { within } from '@gatehouse/testing/within';

/** Fails every read of `table` while `on`, as a store error would. */
class FailingReads implements KyselyPlugin {
  on = false;
  constructor(private readonly table: string) {}
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (this.on && node.kind === 'SelectQueryNode' && JSON.stringify(node.from).includes(`"${this.table}"`))
      throw new Error(`injected store error reading ${this.table}`);
    return node;
  }
  transformResult({ result }: PluginTransformResultArgs) {
    return Promise.resolve(result);
  }
}

describe.each(STORE_KINDS)('K-101 no lost invalidation (%s)', (kind) => {
  let a: TestServer;
  let b: RunningServer;
  const fault = new FailingReads('issued_tokens');
  beforeAll(async () => {
    a = await startTestServer(kind);
    const { location } = a;
    const store = await openStore({
      dataDir: location.dataDir,
      databaseUrl: location.databaseUrl,
      pgSchema: location.pgSchema,
    });
    b = await startServer(testConfig(location), {
      clock: a.clock,
      logLevel: 'silent',
      store: { ...store, db: store.db.withPlugin(fault) },
    });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const media = (url: string, tok: string) =>
    request(`${url}/api/v1/environments/default/media`, { headers: { authorization: `Bearer ${tok}` } });
  /** Revokes `tok` through node A, as its client. */
  const revoke = (c: { client_id: string; client_secret: string }, tok: string) =>
    postForm(a.url, { token: tok }, { authorization: basic(c.client_id, c.client_secret) }, '/oauth/revoke');
  const ready = async () => (await request(`${b.url}/readyz`)).status;
  const failures = async () =>
    (await b.runtime.metrics.registry.getSingleMetric('gatehouse_invalidation_failures_total')!.get()).values[0]
      ?.value ?? 0;

  it('K-101: a revocation whose reload failed on B is retried; B refuses the token within 1 s of the store answering', async () => {
    const c = await a.integration({ preset: 'read-only' });
    const tok = String((await token(a.url, c.client_id, c.client_secret)).body.access_token);
    expect((await media(b.url, tok)).status).toBe(200);
    expect(await ready()).toBe(200);
    const failedBefore = await failures();

    fault.on = true;
    expect((await revoke(c, tok)).status).toBe(200);
    expect((await media(a.url, tok)).status).toBe(401);
    // B's feed reads the change but can't apply it: counted, not ready, and retried on every tick.
    await within(5_000, async () => (await failures()) >= failedBefore + 2);
    expect(b.runtime.changes.invalidationsFailing).toBe(true);
    expect(await ready()).toBe(503);
    // The fault holds: B still honours the token it has not seen revoked.
    expect((await media(b.url, tok)).status).toBe(200);

    fault.on = false;
    const tookMs = await within(1_000, async () => (await media(b.url, tok)).status === 401);
    expect(tookMs).toBeLessThanOrEqual(1_000);
    expect(b.runtime.changes.invalidationsFailing).toBe(false);
    expect(await ready()).toBe(200);
  });

  it('K-101: the changes after a failed batch are applied with it, none skipped', async () => {
    const c = await a.integration({ preset: 'read-only' });
    const first = String((await token(a.url, c.client_id, c.client_secret)).body.access_token);
    a.clock.advance(1);
    const second = String(
      (await token(a.url, c.client_id, c.client_secret, { scope: 'media:read' })).body.access_token,
    );
    expect(second).not.toBe(first);
    expect((await media(b.url, first)).status).toBe(200);
    expect((await media(b.url, second)).status).toBe(200);
    const failedBefore = await failures();

    fault.on = true;
    expect((await revoke(c, first)).status).toBe(200);
    await within(5_000, async () => (await failures()) > failedBefore);
    expect((await revoke(c, second)).status).toBe(200);
    await within(5_000, async () => (await failures()) > failedBefore + 1);
    expect(await ready()).toBe(503);

    fault.on = false;
    await within(1_000, async () => (await media(b.url, first)).status === 401);
    expect((await media(b.url, second)).status).toBe(401);
    expect(await ready()).toBe(200);
  });

  // Only PostgreSQL hands out change ids before commit: on SQLite this case doesn't exist (not a skip).
  if (kind === 'postgres')
    it('K-101: a change committed after a later one (PostgreSQL hands out ids before commit) is applied, not skipped', async () => {
      const c = await a.integration({ preset: 'read-only' });
      const early = String((await token(a.url, c.client_id, c.client_secret)).body.access_token);
      a.clock.advance(1);
      const late = String(
        (await token(a.url, c.client_id, c.client_secret, { scope: 'media:read' })).body.access_token,
      );
      expect((await media(b.url, early)).status).toBe(200);
      expect((await media(b.url, late)).status).toBe(200);
      // A revocation whose transaction takes its change id first and commits last.
      const slow = new pg.Client({ connectionString: a.location.databaseUrl });
      await slow.connect();
      try {
        await slow.query(`set search_path to ${a.location.pgSchema}`);
        await slow.query('begin');
        const now = a.clock.seconds();
        await slow.query('update issued_tokens set revoked_at = $1 where jti = $2', [now, decodeJwt(early).jti]);
        await slow.query('insert into change_log (kind, ref, created_at) values ($1, $2, $3)', [
          'revocation',
          decodeJwt(early).jti,
          now,
        ]);
        // Meanwhile a later revocation commits, and B applies it.
        expect((await revoke(c, late)).status).toBe(200);
        await within(1_000, async () => (await media(b.url, late)).status === 401);
        expect((await media(b.url, early)).status).toBe(200);
        await slow.query('commit');
      } finally {
        await slow.end();
      }
      await within(1_000, async () => (await media(b.url, early)).status === 401);
    });
});

describe.each(STORE_KINDS)('the change feed on its own (%s)', (kind) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(() => t.close());

  it('K-101: without a failure reporter, a failed batch is still handed over again on the next poll', async () => {
    const batches: number[][] = [];
    let failing = true;
    const feed = new ChangeFeed(t.server.runtime.ctx, (changes) => {
      batches.push(changes.map((c) => c.id));
      if (failing) throw new Error('reload failed');
    });
    await feed.start();
    try {
      await t.integration({ preset: 'read-only' });
      await feed.poll();
      expect(feed.invalidationsFailing).toBe(true);
      const failed = batches.at(-1)!;
      expect(failed.length).toBeGreaterThan(0);
      failing = false;
      await feed.poll();
      expect(feed.invalidationsFailing).toBe(false);
      expect(batches.at(-1)).toEqual(expect.arrayContaining(failed));
    } finally {
      await feed.stop();
    }
    // A feed stopped before it started has nothing to stop.
    await expect(new ChangeFeed(t.server.runtime.ctx, () => undefined).stop()).resolves.toBeUndefined();
  });

  it('K-101: a store error reading the change log loses nothing: the changes come on the first poll after it answers', async () => {
    const ctx = t.server.runtime.ctx;
    const fault = new FailingReads('change_log');
    const batches: number[][] = [];
    const feed = new ChangeFeed({ ...ctx, store: { ...ctx.store, db: ctx.store.db.withPlugin(fault) } }, (changes) => {
      batches.push(changes.map((c) => c.id));
    });
    await feed.start();
    try {
      fault.on = true;
      await t.integration({ preset: 'read-only' });
      await feed.poll();
      expect(batches).toEqual([]);
      expect(feed.invalidationsFailing).toBe(false);
      fault.on = false;
      await feed.poll();
      expect(batches.flat().length).toBeGreaterThan(0);
    } finally {
      fault.on = false;
      await feed.stop();
    }
  });

  // Only PostgreSQL listens (LISTEN/NOTIFY) on a pooled connection: on SQLite there is none to give back.
  if (kind === 'postgres') {
    /** The runtime's context with a pool whose `connect` the test controls, recording each client's release. */
    const withPool = (connect: () => Promise<pg.PoolClient>, released: unknown[]) => {
      const ctx = t.server.runtime.ctx;
      const recording = async () => {
        const client = await connect();
        const release = client.release.bind(client);
        client.release = (destroy) => {
          released.push(destroy);
          release(destroy);
        };
        return client;
      };
      return { ...ctx, store: { ...ctx.store, pool: { connect: recording } as unknown as pg.Pool } };
    };

    it('a LISTEN connection that arrives after stop() goes back to the pool at once, destroyed', async () => {
      const pool = t.server.runtime.ctx.store.pool!;
      const released: unknown[] = [];
      let arrive!: () => void;
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const feed = new ChangeFeed(
        withPool(async () => {
          await arrived;
          return pool.connect();
        }, released),
        () => undefined,
      );
      const started = feed.start();
      await within(1_000, async () => (feed as unknown as { listening?: Promise<void> }).listening !== undefined);
      const stopped = feed.stop();
      arrive();
      await Promise.all([started, stopped]);
      expect(released).toEqual([true]);
    });

    it('a connection whose LISTEN fails is given back (destroyed), not kept as the listener', async () => {
      const pool = t.server.runtime.ctx.store.pool!;
      const released: unknown[] = [];
      const feed = new ChangeFeed(
        withPool(async () => {
          const client = await pool.connect();
          client.query = (() => Promise.reject(new Error('LISTEN refused'))) as unknown as typeof client.query;
          return client;
        }, released),
        () => undefined,
      );
      await feed.start();
      expect(released).toEqual([true]);
      expect((feed as unknown as { listenClient?: unknown }).listenClient).toBeUndefined();
      await feed.stop();
      expect(released).toEqual([true]);
    });
  }
});
