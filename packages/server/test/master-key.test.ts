/**
 * One master key per store (docs/security.md H-79): the store keeps a check value of its key, and every
 * process given another key — or none, for a store that holds data — refuses to open it, saying
 * which key is wrong and where each came from. Nothing is generated or written then.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { openContext, prepareStore } from '../src/runtime.js';
import { startServer } from '../src/main.js';
import { openStore } from '../src/store/db.js';
import { masterKeyCheck } from '../src/keys/master-key.js';
import { MasterKeyRefused } from '../src/keys/unlock-store.js';
import {
  MASTER_KEY,
  STORE_KINDS,
  newStoreLocation,
  type StoreKind,
  type StoreLocation,
} from '@gatehouse/testing/stores';
import { startTestServer } from '@gatehouse/testing/server';
import { stored } from '@gatehouse/testing/stored';
import { tamper } from '@gatehouse/testing/tamper';
import { token } from '@gatehouse/testing/http';

const ENV_ORIGIN = 'the GATEHOUSE_MASTER_KEY environment variable';
const otherKey = () => randomBytes(32).toString('base64');

/** Config for `location` as a process with environment `env` would load it (CLI, worker, node). */
function processConfig(location: StoreLocation, env: NodeJS.ProcessEnv) {
  return loadConfig(
    {
      dataDir: location.dataDir,
      ...(location.databaseUrl && { databaseUrl: location.databaseUrl, pgSchema: location.pgSchema }),
    },
    env,
  );
}

/** Opens and prepares `location` as a process with `env`, then closes it. */
async function createStore(location: StoreLocation, env: NodeJS.ProcessEnv): Promise<void> {
  const ctx = await openContext(processConfig(location, env));
  try {
    await prepareStore(ctx);
  } finally {
    await ctx.store.close();
  }
}

async function storeMeta(location: StoreLocation): Promise<Record<string, string>> {
  const ctx = await openContext(processConfig(location, { GATEHOUSE_MASTER_KEY: MASTER_KEY }));
  try {
    return await stored(ctx).storeMeta();
  } finally {
    await ctx.store.close();
  }
}

describe.each(STORE_KINDS)('master key check (%s)', (kind: StoreKind) => {
  const locations: StoreLocation[] = [];
  const fresh = () => {
    const l = newStoreLocation(kind);
    locations.push(l);
    return l;
  };
  afterEach(async () => {
    for (const l of locations.splice(0)) await l.dispose();
  });

  it('H-79 the store keeps a check value of its key and its origin, never the key', async () => {
    const location = fresh();
    await createStore(location, { GATEHOUSE_MASTER_KEY: MASTER_KEY });
    const meta = await storeMeta(location);
    expect(meta).toEqual({
      master_key_check: masterKeyCheck(Buffer.from(MASTER_KEY, 'base64')),
      master_key_origin: ENV_ORIGIN,
    });
    expect(JSON.stringify(meta)).not.toContain(MASTER_KEY);
  });

  it('H-79 another key is refused by the CLI context and by a server, naming both origins; nothing changes', async () => {
    const t = await startTestServer(kind);
    const c = await t.integration();
    await t.stop();
    const wrong = processConfig(t.location, { GATEHOUSE_MASTER_KEY: otherKey() });
    const refusal = await openContext(wrong).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(MasterKeyRefused);
    expect((refusal as Error).message).toMatch(
      /^The master key from the GATEHOUSE_MASTER_KEY environment variable does not open the (embedded|PostgreSQL) store.*created with another master key, from the masterKey option/,
    );
    await expect(startServer(wrong)).rejects.toBeInstanceOf(MasterKeyRefused);
    expect(existsSync(join(t.location.dataDir, 'master.key'))).toBe(false);
    // The right key still opens it, and what it holds still works.
    const again = await startTestServer(kind, { location: t.location });
    try {
      expect((await token(again.url, c.client_id, c.client_secret)).status).toBe(200);
    } finally {
      await again.close();
    }
  });

  it('H-79 a store created by the previous release adopts the key of its first open; then another key is refused', async () => {
    const location = fresh();
    await createStore(location, { GATEHOUSE_MASTER_KEY: MASTER_KEY });
    const ctx = await openContext(processConfig(location, { GATEHOUSE_MASTER_KEY: MASTER_KEY }));
    await tamper(ctx).removeStoreMeta();
    await ctx.store.close();
    await createStore(location, { GATEHOUSE_MASTER_KEY: MASTER_KEY });
    expect((await storeMeta(location)).master_key_check).toBe(masterKeyCheck(Buffer.from(MASTER_KEY, 'base64')));
    await expect(openContext(processConfig(location, { GATEHOUSE_MASTER_KEY: otherKey() }))).rejects.toBeInstanceOf(
      MasterKeyRefused,
    );
  });

  it('H-79 two processes recording different keys on a new store at once: one wins, the other is refused', async () => {
    const location = fresh();
    // Migrated first: the race under test is recording the check value, not creating the schema.
    await (
      await openStore({ dataDir: location.dataDir, databaseUrl: location.databaseUrl, pgSchema: location.pgSchema })
    ).close();
    const results = await Promise.allSettled(
      [otherKey(), otherKey()].map((key) => openContext(processConfig(location, { GATEHOUSE_MASTER_KEY: key }))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(MasterKeyRefused);
    for (const r of results) if (r.status === 'fulfilled') await r.value.store.close();
  });
});

describe('master key of the embedded store', () => {
  const locations: StoreLocation[] = [];
  const fresh = () => {
    const l = newStoreLocation('sqlite');
    locations.push(l);
    return l;
  };
  afterEach(async () => {
    for (const l of locations.splice(0)) await l.dispose();
  });

  it('H-79 a new, empty store without any key gets a generated master.key, recorded with its path', async () => {
    const location = fresh();
    await createStore(location, {});
    const path = join(location.dataDir, 'master.key');
    const key = readFileSync(path, 'utf8').trim();
    await createStore(location, {});
    await createStore(location, { GATEHOUSE_MASTER_KEY: key });
    const meta = await openContext(processConfig(location, {}));
    const origin = (await stored(meta).storeMeta()).master_key_origin;
    await meta.store.close();
    expect(origin).toBe(path);
  });

  it('H-79 no key at all for a store that holds data is refused, and no master.key is written', async () => {
    const location = fresh();
    await createStore(location, { GATEHOUSE_MASTER_KEY: MASTER_KEY });
    const refusal = await openContext(processConfig(location, {})).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(MasterKeyRefused);
    expect((refusal as Error).message).toContain(`created with the master key from ${ENV_ORIGIN}`);
    expect((refusal as Error).message).toContain(`${join(location.dataDir, 'master.key')} does not exist`);
    expect(existsSync(join(location.dataDir, 'master.key'))).toBe(false);
  });

  it('H-79 a store of the previous release without master.key or any key is refused, not given a new key', async () => {
    const location = fresh();
    await createStore(location, { GATEHOUSE_MASTER_KEY: MASTER_KEY });
    const ctx = await openContext(processConfig(location, { GATEHOUSE_MASTER_KEY: MASTER_KEY }));
    await tamper(ctx).removeStoreMeta();
    await ctx.store.close();
    await expect(openContext(processConfig(location, {}))).rejects.toThrow(/holds data sealed with a master key/);
    expect(existsSync(join(location.dataDir, 'master.key'))).toBe(false);
  });

  it('H-79 GATEHOUSE_MASTER_KEY and a different master.key are refused, naming the one the store was created with', async () => {
    const location = fresh();
    await createStore(location, {});
    const path = join(location.dataDir, 'master.key');
    const refusal = await openContext(processConfig(location, { GATEHOUSE_MASTER_KEY: otherKey() })).catch(
      (err: unknown) => err,
    );
    expect(refusal).toBeInstanceOf(MasterKeyRefused);
    expect((refusal as Error).message).toContain(`Two different master keys: ${ENV_ORIGIN} and ${path}`);
    expect((refusal as Error).message).toContain(`created with the one in ${path}: unset GATEHOUSE_MASTER_KEY`);
    // The other way round: the environment holds the store's key, a stray master.key does not.
    const second = fresh();
    await createStore(second, { GATEHOUSE_MASTER_KEY: MASTER_KEY });
    writeFileSync(join(second.dataDir, 'master.key'), otherKey());
    await expect(openContext(processConfig(second, { GATEHOUSE_MASTER_KEY: MASTER_KEY }))).rejects.toThrow(
      `created with the one from ${ENV_ORIGIN}: move ${join(second.dataDir, 'master.key')} away`,
    );
    rmSync(join(second.dataDir, 'master.key'));
    await createStore(second, { GATEHOUSE_MASTER_KEY: MASTER_KEY });
  });

  it('H-79 a corrupt master.key is reported with its path', () => {
    const location = fresh();
    writeFileSync(join(location.dataDir, 'master.key'), 'short');
    expect(() => processConfig(location, {})).toThrow(
      `${join(location.dataDir, 'master.key')} must be base64 of exactly 32 bytes`,
    );
  });
});
