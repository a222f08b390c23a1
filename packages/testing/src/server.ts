import { Writable } from 'node:stream';
import {
  loadConfig,
  startServer,
  CLI_ACTOR,
  integrations,
  type Config,
  type ConfigInput,
  type RunningServer,
} from '@gatehouse/server';
import type { IntegrationCreate } from '@gatehouse/contracts';
import { MASTER_KEY, newStoreLocation, type StoreKind, type StoreLocation } from './stores.js';
import { TestClock } from './clock.js';

export const ISSUER = 'https://gatehouse.test';

/** Every log line written by test servers, to scan for secrets (docs/security.md F-61). */
export const capturedLogs: string[] = [];

/** A real Gatehouse on an ephemeral port, with a clock the test moves. */
export interface TestServer {
  server: RunningServer;
  url: string;
  clock: TestClock;
  config: Config;
  location: StoreLocation;
  /** Creates an integration in `env` (default `default`) through the service layer. */
  integration(
    input?: Partial<IntegrationCreate>,
    env?: string,
  ): Promise<{ client_id: string; client_secret: string; id: string; scopes: string[] }>;
  /** Stops the server (keeps the store). */
  stop(): Promise<void>;
  /** Stops the server and deletes the store. */
  close(): Promise<void>;
}

/** Config for a test server on `location`. */
export function testConfig(location: StoreLocation, extra: ConfigInput = {}): Config {
  return loadConfig(
    {
      host: '127.0.0.1',
      port: 0,
      issuer: ISSUER,
      dataDir: location.dataDir,
      ...(location.databaseUrl && { databaseUrl: location.databaseUrl, pgSchema: location.pgSchema }),
      masterKey: MASTER_KEY,
      logLevel: 'info',
      changePollMs: 50,
      ...extra,
    },
    {},
  );
}

const logSink = new Writable({
  write(chunk, _enc, cb) {
    capturedLogs.push(String(chunk));
    cb();
  },
});

/** Starts a test server on a new store of `kind` (or on `location`, to restart on the same store). */
export async function startTestServer(
  kind: StoreKind,
  opts: { location?: StoreLocation; clock?: TestClock; config?: ConfigInput } = {},
): Promise<TestServer> {
  const location = opts.location ?? newStoreLocation(kind, { migrated: true });
  const clock = opts.clock ?? new TestClock();
  const config = testConfig(location, opts.config);
  const server = await startServer(config, { clock, logStream: logSink });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.close();
  };
  return {
    server,
    url: server.url,
    clock,
    config,
    location,
    async integration(input = {}, env = 'default') {
      const created = await integrations.createIntegration(server.runtime.ctx, CLI_ACTOR, env, {
        name: 'test',
        ...(input.scopes || input.grants ? {} : { preset: 'all-permissions' }),
        ...input,
      });
      return {
        client_id: created.client_id,
        client_secret: created.client_secret ?? '',
        id: created.id,
        scopes: created.scopes,
      };
    },
    stop,
    async close() {
      await stop();
      await location.dispose();
    },
  };
}

/** Waits until the server has written its queued audit events and applied every change written so far (instead of sleeping). */
export async function settle(t: TestServer): Promise<void> {
  await t.server.runtime.audits.idle();
  await t.server.runtime.changes.poll();
}
