/** Running the `gatehouse` CLI against a test server's store, as a separate process. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { MASTER_KEY } from '@gatehouse/testing/stores';
import type { TestServer } from '@gatehouse/testing/server';
import type { StoreLocation } from '@gatehouse/testing/stores';

const run = promisify(execFile);

/** The CLI's entry point (the bundle, rebuilt first when older than the sources: bin/gatehouse.mjs). */
export const BIN = fileURLToPath(new URL('../../bin/gatehouse.mjs', import.meta.url));

/** The store flags that point the CLI at `location` (PostgreSQL: the schema travels in the URL). */
export function storeFlags(location: StoreLocation): string[] {
  return location.databaseUrl
    ? ['--database-url', `${location.databaseUrl}?options=${encodeURIComponent(`-c search_path=${location.pgSchema}`)}`]
    : ['--data', location.dataDir];
}

/** A function running `gatehouse <store flags> …args` with the test master key (30 s timeout). */
export function cliFor(t: TestServer): (...args: string[]) => Promise<{ stdout: string; stderr: string }> {
  const store = storeFlags(t.location);
  return (...args) =>
    run(process.execPath, [BIN, ...store, ...args], {
      env: { ...process.env, GATEHOUSE_MASTER_KEY: MASTER_KEY },
      timeout: 30_000,
    });
}
