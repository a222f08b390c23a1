/**
 * A disposable Gatehouse for one case: a fresh data directory, the server in its own process,
 * and an all-permissions integration created through the CLI.
 * @packageDocumentation
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchAccessToken } from '../http.js';
import type { CaseTarget } from '../types.js';
import { createIntegration, type ClientCredentials } from './cli.js';
import { startGatehouse, type GatehouseServer } from './server.js';

/** The environment every case works in. */
export const ENV = 'default';

/** A running Gatehouse with an all-permissions integration. */
export interface GatehouseFixture {
  dataDir: string;
  /** The current server process (replaced by `restart`). */
  server: GatehouseServer;
  /** Credentials of the all-permissions integration. */
  admin: ClientCredentials;
  /** `POST /oauth/token` URL of the current server. */
  tokenUrl: () => string;
  /** Restarts the server on the same data directory (e.g. to be sure it loaded CLI changes). */
  restart: () => Promise<void>;
  /** Stops the server and deletes the data directory (kept when `BENCH_KEEP_DATA=1`). */
  teardown: () => Promise<void>;
}

/** How to run the server of a case. */
export interface LaunchOptions {
  /** `gatehouse serve --workers` (default 1: one process). */
  workers?: number;
  /** Added to the server's environment (e.g. `OTEL_*`). */
  env?: Record<string, string>;
}

/** Starts a Gatehouse on a new temporary data directory and creates the `bench` integration. */
export async function launchGatehouse(options: LaunchOptions = {}): Promise<GatehouseFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-'));
  const removeDir = () =>
    process.env.BENCH_KEEP_DATA === '1' ? Promise.resolve() : rm(dataDir, { recursive: true, force: true });
  let server: GatehouseServer;
  try {
    server = await startGatehouse(dataDir, options.workers, options.env);
  } catch (error) {
    await removeDir();
    throw error;
  }
  const fixture: GatehouseFixture = {
    dataDir,
    server,
    admin: { client_id: '', client_secret: '' },
    tokenUrl: () => `${fixture.server.origin}/oauth/token`,
    async restart() {
      await fixture.server.stop();
      fixture.server = await startGatehouse(dataDir, options.workers, options.env);
    },
    async teardown() {
      await fixture.server.stop();
      await removeDir();
    },
  };
  try {
    fixture.admin = await createIntegration(dataDir, 'bench', 'all-permissions', ENV);
    return fixture;
  } catch (error) {
    await fixture.teardown();
    throw error;
  }
}

/** The fields of a {@link CaseTarget} a Gatehouse case builds; pid and teardown come from the fixture. */
export type GatehouseTargetSpec = Omit<CaseTarget, 'pid' | 'teardown'>;

/**
 * Launches a Gatehouse, lets `build` prepare it and describe the load, and returns the target.
 * Tears everything down if `build` throws, so a failing case leaves no process behind.
 */
export async function gatehouseTarget(
  build: (fixture: GatehouseFixture) => Promise<GatehouseTargetSpec>,
  options: LaunchOptions = {},
): Promise<CaseTarget> {
  const fixture = await launchGatehouse(options);
  try {
    const spec = await build(fixture);
    return { ...spec, pid: fixture.server.pid, teardown: fixture.teardown };
  } catch (error) {
    await fixture.teardown();
    throw error;
  }
}

/** Whether two consecutive token requests of `client` returned the same access token. */
export async function tokensReused(
  fixture: GatehouseFixture,
  client: ClientCredentials = fixture.admin,
): Promise<boolean> {
  const first = await fetchAccessToken(fixture.tokenUrl(), client.client_id, client.client_secret);
  const second = await fetchAccessToken(fixture.tokenUrl(), client.client_id, client.client_secret);
  return first === second;
}
