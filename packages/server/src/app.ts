/**
 * `buildApp(runtime)`: the Fastify instance with every route, never listening.
 * Public OAuth routes, bearer-protected API routes and management routes live in separate
 * encapsulated contexts (own body parsers, own hooks).
 * @packageDocumentation
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import swagger from '@fastify/swagger';
import { registerDocsUi } from './docs-ui.js';
import { swaggerOptions } from './openapi/document.js';
import { documentRoutes } from './openapi/document-routes.js';
import { declareAuthentication } from './auth/authentication-kind.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Runtime } from './runtime.js';
import type { Observer } from './metrics.js';
import { errorHandler, oauthErrorHandler } from './errors/error-handler.js';
import { loggerOptions } from './logger.js';
import { registerOAuthBodyParsers } from './oauth/params.js';
import { registerInputPolicy } from './input/policy.js';
import { tokenRoute } from './oauth/token.js';
import { revokeRoute } from './oauth/revoke.js';
import { introspectRoute } from './oauth/introspect.js';
import { discoveryRoutes } from './oauth/discovery.js';
import { healthRoutes } from './health.js';
import { managementRoutes } from './management/index.js';
import { consoleRoutes } from './console/index.js';
import { environmentApi } from './api/index.js';
import { registerSecurityHeaders } from './security-headers.js';
import { timedServerFactory } from './listener.js';
import { recordRoutes, type RouteEntry } from './auth/route-action.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Every route of the app with its method, URL and declared action (null: a context that
     * authenticates no one), in registration order (docs/security.md K-103).
     */
    readonly routeActions: readonly RouteEntry[];
  }
}

/** Options of {@link buildApp}. */
export interface AppOptions {
  /** pino level; `silent` in tests. Defaults to the config's. */
  logLevel?: string;
  /** A pino destination stream (tests capture logs to scan them). */
  logStream?: NodeJS.WritableStream;
}

/**
 * Builds the app on a runtime. The caller listens and closes.
 * @throws MissingRouteAction (auth/route-action.ts) when a route of an authenticating context
 *   declares no action: the server does not start (docs/security.md K-103).
 */
export async function buildApp(rt: Runtime, options: AppOptions = {}): Promise<FastifyInstance> {
  const level = options.logLevel ?? rt.ctx.config.logLevel;
  const logger = loggerOptions(level, rt.tracing?.logMixin);
  const app = Fastify({
    logger: options.logStream ? { ...logger, stream: options.logStream } : logger,
    // Request lines stay off the hot path; failures are logged by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    // Slow clients can't hold connections open (docs/security.md B-19, F-59): the same server as
    // every other listener (listener.ts).
    serverFactory: timedServerFactory(rt.ctx.config.requestTimeoutMs),
    bodyLimit: 1024 * 1024,
    // While draining, requests already on open connections are served, not refused with 503.
    return503OnClosing: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // A span per request (OpenTelemetry on): registered before any hook or route, to cover them all.
  if (rt.tracing) await app.register(rt.tracing.fastifyPlugin);
  app.decorate('routeActions', recordRoutes(app));
  registerSecurityHeaders(app);
  app.setErrorHandler(errorHandler);
  registerInputPolicy(app);
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: 'not_found', error_description: 'no such route' }),
  );
  // The histogram's child per (method, route, status), found by one string instead of hashing the
  // labels on every request; bounded by the routes × methods × statuses the server answers.
  const durations = new Map<string, Observer>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unknown';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let observer = durations.get(key);
    if (!observer) {
      observer = rt.metrics.requestDuration.labels(request.method, route, String(reply.statusCode));
      durations.set(key, observer);
    }
    observer.observe(reply.elapsedTime / 1000);
    if (reply.statusCode >= 500)
      request.log.warn(
        { method: request.method, url: request.url.split('?')[0], status: reply.statusCode },
        'request failed',
      );
    done();
  });
  // Every route registered from here on is documented the same way (openapi/document-routes.ts).
  documentRoutes(app);
  await app.register(swagger, swaggerOptions());
  if (rt.redis) logRedisState(app, rt.redis);
  await app.register(async (oauth) => {
    // The OAuth endpoints answer errors as RFC 6749 §5.2 says, whatever their URL.
    oauth.setErrorHandler(oauthErrorHandler);
    declareAuthentication(oauth, 'client');
    registerOAuthBodyParsers(oauth);
    tokenRoute(oauth, rt);
    revokeRoute(oauth, rt);
    introspectRoute(oauth, rt);
  });
  await app.register(async (api) => environmentApi(api, rt), { prefix: '/api/v1' });
  await app.register(async (management) => managementRoutes(management, rt), { prefix: '/api/v1' });
  await app.register(async (console) => consoleRoutes(console, rt));
  discoveryRoutes(app, rt);
  healthRoutes(app, rt);
  // The interactive reference at /docs, with the document at /docs/json (docs-ui.ts).
  await registerDocsUi(app);
  return app;
}

/** Logs when Redis becomes unreachable (each node then throttles on its own windows) and when it is back, once each. */
function logRedisState(app: FastifyInstance, redis: Redis): void {
  const unreachable = 'redis unreachable: failed authentications are throttled per node until it is back';
  let down = redis.status !== 'ready';
  if (down) app.log.warn(unreachable);
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    app.log.warn({ err: err.message }, unreachable);
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    app.log.info('redis reachable again: throttling shared across nodes again');
  });
}
