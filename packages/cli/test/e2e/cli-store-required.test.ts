/**
 * Only `serve` and `migrate` create a store (issue 19, Deliver 6): any other command pointed at a
 * place without one (a mistyped `--data`, the wrong folder, an empty PostgreSQL schema) fails with
 * exit code 1 and a message naming the place and how to create a store, and creates nothing.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_KEY, STORE_KINDS, newStoreLocation, type StoreLocation } from '@gatehouse/testing/stores';
import { BIN, storeFlags } from '../helpers/cli.js';

const run = promisify(execFile);
/** Each CLI run loads the sources through tsx (seconds on a busy machine); several run per test. */
const SLOW = 180_000;

/** Commands that must find an existing store. */
const NEEDS_A_STORE: string[][] = [
  ['env', 'list'],
  ['integration', 'list', '--env', 'default'],
  ['integration', 'create', '--env', 'default', '--name', 'x', '--preset', 'read-only'],
  ['audit', '--env', 'default'],
  ['keys', 'list'],
];

/** Runs the CLI from `cwd` with no Gatehouse setting of the shell but the test master key; never rejects. */
async function cli(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('GATEHOUSE_') && k !== 'DATABASE_URL'),
  );
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...env, GATEHOUSE_MASTER_KEY: MASTER_KEY },
      timeout: 150_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The tables in `location`'s PostgreSQL schema (none when the schema doesn't exist). */
async function pgTables(location: StoreLocation): Promise<string[]> {
  const client = new pg.Client({ connectionString: location.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      'select table_name as name from information_schema.tables where table_schema = $1',
      [location.pgSchema],
    );
    return rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

describe('the embedded store is never created implicitly', () => {
  let location: StoreLocation;
  beforeAll(() => {
    location = newStoreLocation('sqlite');
  });
  afterAll(() => location.dispose());

  it(
    'run from a folder without ./data, every command but serve/migrate fails naming the data directory, and creates nothing',
    async () => {
      const folder = location.dataDir; // an empty folder: "the wrong folder"
      const answers = await Promise.all(NEEDS_A_STORE.map((args) => cli(folder, args)));
      for (const [i, res] of answers.entries()) {
        expect(res.code, NEEDS_A_STORE[i]!.join(' ')).toBe(1);
        expect(res.stderr).toContain(`no Gatehouse store in ${join(folder, 'data')}`);
        expect(res.stderr).toContain('gatehouse migrate');
        expect(res.stderr).toContain('gatehouse serve');
      }
      expect(readdirSync(folder)).toEqual([]);
    },
    SLOW,
  );

  it(
    'a mistyped --data is refused the same way and not created',
    async () => {
      const typo = join(location.dataDir, 'dta');
      const res = await cli(location.dataDir, ['--data', typo, 'integration', 'list', '--env', 'default']);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(`no Gatehouse store in ${typo} (no gatehouse.db)`);
      expect(existsSync(typo)).toBe(false);
    },
    SLOW,
  );

  it(
    '--json gives the refusal as one JSON error line',
    async () => {
      const res = await cli(location.dataDir, ['env', 'list', '--json']);
      expect(res.code).toBe(1);
      const body = JSON.parse(res.stderr) as { error: string; error_description: string };
      expect(body.error).toBe('error');
      expect(body.error_description).toContain(`no Gatehouse store in ${join(location.dataDir, 'data')}`);
    },
    SLOW,
  );

  it(
    'migrate creates the store; afterwards the other commands work on it',
    async () => {
      const dataDir = join(location.dataDir, 'data');
      const migrated = await cli(location.dataDir, ['--data', dataDir, 'migrate']);
      expect(migrated.code, migrated.stderr).toBe(0);
      expect(existsSync(join(dataDir, 'gatehouse.db'))).toBe(true);
      const list = await cli(location.dataDir, ['env', 'list', '--json']);
      expect(list.code, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toEqual([]);
    },
    SLOW,
  );
});

describe.skipIf(!STORE_KINDS.includes('postgres'))('a PostgreSQL schema without migrations is no store', () => {
  let location: StoreLocation;
  beforeAll(() => {
    location = newStoreLocation('postgres');
  });
  afterAll(() => location.dispose());

  it(
    'every command but serve/migrate fails naming the database and schema, and creates nothing',
    async () => {
      const answers = await Promise.all(
        NEEDS_A_STORE.map((args) => cli(location.dataDir, [...storeFlags(location), ...args])),
      );
      for (const [i, res] of answers.entries()) {
        expect(res.code, NEEDS_A_STORE[i]!.join(' ')).toBe(1);
        expect(res.stderr).toContain('no Gatehouse store at PostgreSQL');
        expect(res.stderr).toContain('its migrations table is missing');
        expect(res.stderr).toContain('gatehouse migrate');
      }
      expect(await pgTables(location)).toEqual([]);
      expect(readdirSync(location.dataDir)).toEqual([]);
    },
    SLOW,
  );

  it(
    'an empty but existing schema is the same case; migrate then creates the store there',
    async () => {
      const client = new pg.Client({ connectionString: location.databaseUrl });
      await client.connect();
      await client.query(`create schema ${location.pgSchema}`).finally(() => client.end());
      const refused = await cli(location.dataDir, [...storeFlags(location), 'env', 'list']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`(schema ${location.pgSchema})`);
      expect(await pgTables(location)).toEqual([]);
      const migrated = await cli(location.dataDir, [...storeFlags(location), 'migrate']);
      expect(migrated.code, migrated.stderr).toBe(0);
      expect(await pgTables(location)).toContain('kysely_migration');
      const list = await cli(location.dataDir, [...storeFlags(location), 'env', 'list', '--json']);
      expect(list.code, list.stderr).toBe(0);
    },
    SLOW,
  );
});
