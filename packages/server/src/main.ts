/**
 * `startServer(config)`: runtime → app → listen → graceful shutdown on SIGTERM/SIGINT.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import { createRuntime, type Runtime, type RuntimeDeps } from './runtime.js';
import { buildApp, type AppOptions } from './app.js';
import { buildMetricsApp, describeMetrics } from './metrics-endpoint.js';
import { recordServedUrls } from './services/served-url.js';
import { startTracing } from './telemetry/start.js';

/** A listening server. `close()` drains in-flight requests, then closes the store. */
export interface RunningServer {
  app: FastifyInstance;
  runtime: Runtime;
  /** Base URL it listens on, e.g. `http://127.0.0.1:4000`. */
  url: string;
  /**
   * The public base URL it serves, recorded in the store for the CLI: `GATEHOUSE_ISSUER`, else the
   * listen address with the port it actually listens on.
   */
  publicUrl: string;
  /** Base URL of the separate metrics listener (`GATEHOUSE_METRICS_PORT`), if any. */
  metricsUrl: string | undefined;
  close(): Promise<void>;
}

/**
 * Starts Gatehouse and listens on `config.host:config.port`, and on `config.metricsHost:metricsPort`
 * for `/metrics` when a metrics port is configured. Logs how `/metrics` is served (H-84).
 * @throws Error when the store can't be opened or a port is taken.
 */
export async function startServer(config: Config, deps: RuntimeDeps & AppOptions = {}): Promise<RunningServer> {
  // OpenTelemetry is loaded only when the process's OTEL_* variables ask for it (telemetry/start.ts).
  const tracing = 'tracing' in deps ? deps.tracing : await startTracing(process.env);
  const runtime = await createRuntime(config, { ...deps, tracing });
  const app = await buildApp(runtime, deps);
  const metricsApp = config.metricsPort === undefined ? undefined : await buildMetricsApp(config, runtime.metrics);
  try {
    await app.listen({ host: config.host, port: config.port });
    await metricsApp?.listen({ host: config.metricsHost, port: config.metricsPort });
  } catch (err) {
    await Promise.allSettled([app.close(), metricsApp?.close()]);
    await runtime.close();
    throw err;
  }
  const metricsUrl = metricsApp && baseUrl(metricsApp, config.metricsHost);
  app.log.info(describeMetrics(config, metricsUrl));
  const url = baseUrl(app, config.host);
  const publicUrl = servedIssuer(config, url);
  const audience = config.audience === config.issuer ? publicUrl : config.audience;
  // The CLI's links and audiences follow it; a store that can't take it now only costs them that.
  await recordServedUrls(runtime.ctx, { issuer: publicUrl, audience }).catch((err: unknown) =>
    app.log.warn({ err }, 'could not record the served URL in the store; the CLI falls back to its own configuration'),
  );
  let closing: Promise<void> | undefined;
  return {
    app,
    runtime,
    url,
    publicUrl,
    metricsUrl,
    close() {
      closing ??= (async () => {
        await Promise.all([app.close(), metricsApp?.close()]);
        await runtime.close();
        // The spans of the last requests are exported before the process goes.
        await tracing?.flush();
      })();
      return closing;
    },
  };
}

/**
 * The issuer in force, except that one derived from an ephemeral port (`--port 0`) names the port
 * the server got.
 */
function servedIssuer(config: Config, url: string): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return config.port === 0 && config.issuer === `http://${host}:0` ? url : config.issuer;
}

/** `http://host:port` of a listening app. */
function baseUrl(app: FastifyInstance, configuredHost: string): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://${configuredHost.includes(':') ? `[${configuredHost}]` : configuredHost}:${port}`;
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
