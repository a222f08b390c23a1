/**
 * The CLI as a real process against a server's store, when it is configured differently from the
 * server: another master key (docs/security.md H-79), another issuer (H-80); and what `serve` tells
 * the operator to run next reaches the same store.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, openContext, prepareStore } from '@gatehouse/server';
import { STORE_KINDS, MASTER_KEY, newStoreLocation, type StoreLocation } from '@gatehouse/testing/stores';
import { startTestServer, type TestServer } from '@gatehouse/testing/server';
import { request, token } from '@gatehouse/testing/http';
import { BIN, storeFlags } from '../helpers/cli.js';

const run = promisify(execFile);
const OTHER_KEY = randomBytes(32).toString('base64');

/** Process environment without any Gatehouse setting of the shell running the tests, plus `env`. */
function envWith(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('GATEHOUSE_') && k !== 'DATABASE_URL'),
  );
  return { ...base, ...env };
}

/** Creates the store as a server given `GATEHOUSE_MASTER_KEY` would (`env` {} lets an embedded store generate master.key). */
async function createStore(location: StoreLocation, env: NodeJS.ProcessEnv): Promise<void> {
  const ctx = await openContext(
    loadConfig(
      {
        dataDir: location.dataDir,
        ...(location.databaseUrl && { databaseUrl: location.databaseUrl, pgSchema: location.pgSchema }),
      },
      env,
    ),
  );
  try {
    await prepareStore(ctx);
  } finally {
    await ctx.store.close();
  }
}

describe.each(STORE_KINDS)('CLI configured unlike the server (%s)', (kind) => {
  let t: TestServer;
  let cli: (env: Record<string, string>, ...args: string[]) => Promise<{ stdout: string; stderr: string }>;
  beforeAll(async () => {
    const location = newStoreLocation(kind);
    await createStore(location, { GATEHOUSE_MASTER_KEY: MASTER_KEY });
    t = await startTestServer(kind, { location });
    cli = (env, ...args) =>
      run(process.execPath, [BIN, ...storeFlags(location), ...args], { env: envWith(env), timeout: 30_000 });
  });
  afterAll(() => t.close());

  it("H-79 the server's key in its environment but not in the CLI's: refused, and no key is generated", async () => {
    const refused = await cli({}, 'env', 'list').catch((err: { code: number; stderr: string }) => err);
    expect(refused).toMatchObject({ code: 1 });
    const stderr = (refused as { stderr: string }).stderr;
    if (kind === 'sqlite') {
      expect(stderr).toContain(
        `No master key for the embedded store in ${t.location.dataDir}: it was created with the master key from the GATEHOUSE_MASTER_KEY environment variable`,
      );
      expect(existsSync(join(t.location.dataDir, 'master.key'))).toBe(false);
    } else {
      expect(stderr).toContain('GATEHOUSE_MASTER_KEY (base64, 32 bytes) is required with PostgreSQL');
      expect(stderr).toContain('openssl rand -base64 32');
    }
  });

  it("H-79 another key exported in the CLI's shell: refused, naming where each key came from", async () => {
    const refused = cli(
      { GATEHOUSE_MASTER_KEY: OTHER_KEY },
      'integration',
      'create',
      '--env',
      'default',
      '--name',
      'x',
      '--preset',
      'read-only',
    );
    await expect(refused).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /The master key from the GATEHOUSE_MASTER_KEY environment variable does not open the .*store.*created with another master key, from the GATEHOUSE_MASTER_KEY environment variable/,
      ),
    });
    // So are workers: the primary checks before it forks them.
    await expect(
      cli({ GATEHOUSE_MASTER_KEY: OTHER_KEY }, 'serve', '--port', '0', '--workers', '2'),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('does not open') });
    // The same key works.
    const ok = JSON.parse((await cli({ GATEHOUSE_MASTER_KEY: MASTER_KEY }, 'env', 'list', '--json')).stdout) as {
      slug: string;
    }[];
    expect(ok.map((e) => e.slug)).toContain('default');
  });

  it('H-80 `env create` by the CLI (another default issuer): the server mints tokens for it that its Environment API accepts', async () => {
    await cli({ GATEHOUSE_MASTER_KEY: MASTER_KEY }, 'env', 'create', 'staging');
    const c = JSON.parse(
      (
        await cli(
          { GATEHOUSE_MASTER_KEY: MASTER_KEY },
          'integration',
          'create',
          '--env',
          'staging',
          '--name',
          's',
          '--preset',
          'read-only',
          '--json',
        )
      ).stdout,
    ) as { client_id: string; client_secret: string };
    const minted = await token(t.url, c.client_id, c.client_secret);
    expect(minted.status).toBe(200);
    const self = await request(`${t.url}/api/v1/self`, {
      headers: { authorization: `Bearer ${String(minted.body.access_token)}` },
    });
    expect(self.status).toBe(200);
  });

  it('the start banner names the issuer, the store and the throttle backend, carries the store flags; following it reaches the same store', async () => {
    const child = spawn(process.execPath, [BIN, ...storeFlags(t.location), 'serve', '--port', '0'], {
      env: envWith({ GATEHOUSE_MASTER_KEY: MASTER_KEY }),
    });
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stderr.on('data', (chunk: Buffer) => {
          text += String(chunk);
          if (text.includes('Console:')) resolve(text);
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${text}`)));
      });
      const flags =
        kind === 'sqlite' ? `--data ${t.location.dataDir}` : `--database-url '${storeFlags(t.location)[1]!}'`;
      expect(banner).toContain(`npx gatehouse ${flags} integration create --env default`);
      expect(banner).toContain('with the same GATEHOUSE_MASTER_KEY exported');
      const listening = /listening on (\S+) /.exec(banner)![1]!;
      expect(banner).toContain(`issuer:   ${listening} `);
      expect(banner).toMatch(kind === 'sqlite' ? /store: +embedded store in / : /store: +PostgreSQL /);
      expect(banner).toMatch(/throttle: +the store \(set GATEHOUSE_REDIS_URL/);
      // Step 1 as printed, in a shell with the key exported.
      const step = /npx gatehouse (.*integration create.*--json)/.exec(banner)![1]!;
      const { stdout } = await run('sh', ['-c', `"${process.execPath}" "${BIN}" ${step}`], {
        env: envWith({ GATEHOUSE_MASTER_KEY: MASTER_KEY }),
        timeout: 30_000,
      });
      const c = JSON.parse(stdout) as { client_id: string; client_secret: string };
      const url = /listening on (\S+) /.exec(banner)![1]!;
      expect((await token(url, c.client_id, c.client_secret)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('CLI and an embedded store whose key is its master.key', () => {
  let location: StoreLocation;
  beforeAll(async () => {
    location = newStoreLocation('sqlite');
    await createStore(location, {});
  });
  afterAll(() => location.dispose());

  it('H-79 a GATEHOUSE_MASTER_KEY left exported in the shell is refused, not used to write', async () => {
    const path = join(location.dataDir, 'master.key');
    const before = readFileSync(path, 'utf8');
    const refused = run(process.execPath, [BIN, '--data', location.dataDir, 'env', 'create', 'leaked'], {
      env: envWith({ GATEHOUSE_MASTER_KEY: OTHER_KEY }),
      timeout: 30_000,
    });
    await expect(refused).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        `Two different master keys: the GATEHOUSE_MASTER_KEY environment variable and ${path}`,
      ),
    });
    await expect(refused).rejects.toMatchObject({ stderr: expect.stringContaining('unset GATEHOUSE_MASTER_KEY') });
    expect(readFileSync(path, 'utf8')).toBe(before);
    const list = JSON.parse(
      (
        await run(process.execPath, [BIN, '--data', location.dataDir, 'env', 'list', '--json'], {
          env: envWith({}),
          timeout: 30_000,
        })
      ).stdout,
    ) as { slug: string }[];
    expect(list.map((e) => e.slug)).toEqual(['default']);
  });
});
