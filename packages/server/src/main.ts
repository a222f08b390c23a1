/**
 * `startServer(config)`: runtime → app → listen → graceful shutdown on SIGTERM/SIGINT.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import { createRuntime, type Runtime, type RuntimeDeps } from './runtime.js';
import { buildApp, type AppOptions } from './app.js';

/** A listening server. `close()` drains in-flight requests, then closes the store. */
export interface RunningServer {
  app: FastifyInstance;
  runtime: Runtime;
  /** Base URL it listens on, e.g. `http://127.0.0.1:4000`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts Gatehouse and listens on `config.host:config.port`.
 * @throws Error when the store can't be opened or the port is taken.
 */
export async function startServer(config: Config, deps: RuntimeDeps & AppOptions = {}): Promise<RunningServer> {
  const runtime = await createRuntime(config, deps);
  const app = await buildApp(runtime, deps);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await runtime.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | undefined;
  return {
    app,
    runtime,
    url: `http://${host}:${port}`,
    close() {
      closing ??= (async () => {
        await app.close();
        await runtime.close();
      })();
      return closing;
    },
  };
}

/**
 * Closes `server` on SIGTERM or SIGINT, then exits; gives up after `timeoutMs` (default 10 s).
 * A second signal (a terminal's Ctrl-C reaches both a cluster's primary and its workers) changes
 * nothing: the drain already under way goes on.
 */
export function closeOnSignals(server: RunningServer, timeoutMs = 10_000): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), timeoutMs).unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
