/**
 * `gatehouse backup` / `restore` of the embedded store (issue #28 item 3, docs/security.md N-126):
 * a backup taken while a server acknowledges writes holds every write acknowledged before it
 * started, a server starts on its restore and verifies the tokens issued before; restore refuses
 * another master key, a directory holding a store (in use or not) or other files, writing nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { MASTER_KEY, type StoreLocation } from '@gatehouse/testing/stores';
import { ISSUER, startTestServer, type TestServer } from '@gatehouse/testing/server';
import { request, token } from '@gatehouse/testing/http';
import { runCli } from './helpers/cli.js';

/** An integration created and a token issued to it, both acknowledged by the server. */
interface Acknowledged {
  client_id: string;
  client_secret: string;
  access_token: string;
}

const withKey = (key = MASTER_KEY) => ({ ...process.env, GATEHOUSE_MASTER_KEY: key });

describe('gatehouse backup and restore (sqlite)', () => {
  let t: TestServer;
  let work: string;
  let backup: string;
  const acknowledgedBefore: Acknowledged[] = [];

  beforeAll(async () => {
    t = await startTestServer('sqlite');
    work = mkdtempSync(join(tmpdir(), 'gatehouse-backup-'));
    backup = join(work, 'gatehouse.backup');
    const acknowledged: Acknowledged[] = [];
    let stop = false;
    // Four writers, each creating an integration and issuing it a token, until the backup is done.
    const writer = async () => {
      while (!stop) {
        const created = await t.integration({ name: `load-${acknowledged.length}` });
        const res = await token(t.url, created.client_id, created.client_secret);
        expect(res.status).toBe(200);
        acknowledged.push({ ...created, access_token: (res.body as { access_token: string }).access_token });
      }
    };
    let failed: unknown;
    const writers = [writer(), writer(), writer(), writer()].map((w) => w.catch((err: unknown) => (failed = err)));
    while (acknowledged.length < 12 && failed === undefined) await new Promise((r) => setImmediate(r));
    if (failed !== undefined) throw failed;
    acknowledgedBefore.push(...acknowledged);
    const result = await runCli(['--data', t.location.dataDir, 'backup', '--out', backup, '--json'], {
      env: { ...process.env },
    });
    stop = true;
    await Promise.all(writers);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(acknowledged.length).toBeGreaterThan(acknowledgedBefore.length);
  });
  afterAll(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('N-126 a backup taken under write load holds every acknowledged write; a server starts on its restore and verifies earlier tokens', async () => {
    expect(readdirSync(work)).toEqual(['gatehouse.backup']);
    const dataDir = join(work, 'restored');
    const restored = await runCli(['--data', dataDir, 'restore', backup, '--json'], { env: withKey() });
    expect(restored.stderr).toBe('');
    expect(JSON.parse(restored.stdout)).toMatchObject({ restored: join(dataDir, 'gatehouse.db') });

    const location: StoreLocation = { kind: 'sqlite', dataDir, dispose: async () => undefined };
    const r = await startTestServer('sqlite', { location, clock: t.clock });
    try {
      const jwks = createLocalJWKSet(
        (await request(`${r.url}/.well-known/jwks.json`)).body as unknown as JSONWebKeySet,
      );
      for (const a of acknowledgedBefore) {
        await jwtVerify(a.access_token, jwks, { issuer: ISSUER, currentDate: new Date(t.clock.now()) });
        // The issued token's row came along: the same request is answered with the same token.
        const res = await token(r.url, a.client_id, a.client_secret);
        expect(res.status, a.client_id).toBe(200);
        expect(res.body.access_token, a.client_id).toBe(a.access_token);
      }
    } finally {
      await r.stop();
    }
  });

  it('N-126 restore with another master key is refused before anything is written', async () => {
    const dataDir = join(work, 'other-key');
    const other = randomBytes(32).toString('base64');
    const result = await runCli(['--data', dataDir, 'restore', backup], { env: withKey(other) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/does not open this backup.*Nothing was written/);
    expect(existsSync(dataDir)).toBe(false);

    // The same with the other key in the directory's master.key (as the server would find it).
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'master.key'), other + '\n', { mode: 0o600 });
    const env = { ...process.env };
    delete env.GATEHOUSE_MASTER_KEY;
    const fromFile = await runCli(['--data', dataDir, 'restore', backup], { env });
    expect(fromFile.stderr).toMatch(/master\.key does not open this backup/);
    expect(readdirSync(dataDir)).toEqual(['master.key']);

    // No key at all: the fix is named.
    const none = await runCli(['--data', join(work, 'no-key'), 'restore', backup], { env });
    expect(none.stderr).toMatch(/no master key: .*Set GATEHOUSE_MASTER_KEY/);
    expect(existsSync(join(work, 'no-key'))).toBe(false);
  });

  it('N-126 restore into a store in use, a directory holding a store, or a non-empty one is refused', async () => {
    const live = await runCli(['--data', t.location.dataDir, 'restore', backup], { env: withKey() });
    expect(live.code).toBe(1);
    expect(live.stderr).toMatch(/store in .* is in use by a running process.*new or empty directory/);

    const idle = join(work, 'idle');
    expect((await runCli(['--data', idle, 'restore', backup], { env: withKey() })).code).toBe(0);
    const again = await runCli(['--data', idle, 'restore', backup], { env: withKey() });
    expect(again.stderr).toMatch(/store in .*idle exists: restore into a new or empty directory/);

    const busy = join(work, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'notes.txt'), 'x');
    const notEmpty = await runCli(['--data', busy, 'restore', backup], { env: withKey() });
    expect(notEmpty.stderr).toMatch(/busy is not empty \(notes\.txt\)/);
    expect(readdirSync(busy)).toEqual(['notes.txt']);
  });

  it('backup never overwrites a file, and refuses PostgreSQL naming pg_dump', async () => {
    const twice = await runCli(['--data', t.location.dataDir, 'backup', '--out', backup]);
    expect(twice.stderr).toMatch(/gatehouse\.backup exists: choose another --out/);
    const pg = await runCli(['--database-url', 'postgres://u@127.0.0.1:1/none', 'backup', '--out', join(work, 'x')]);
    expect(pg.code).toBe(1);
    expect(pg.stderr).toMatch(/pg_dump/);
    const pgRestore = await runCli(['--database-url', 'postgres://u@127.0.0.1:1/none', 'restore', backup]);
    expect(pgRestore.stderr).toMatch(/pg_restore/);
  });
});
