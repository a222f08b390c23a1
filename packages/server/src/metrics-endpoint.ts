/**
 * `/metrics` (Prometheus) is never open on the public listener (docs/security.md H-84). It answers there
 * only to `Authorization: Bearer GATEHOUSE_METRICS_TOKEN` (compared in constant time), and 401
 * otherwise — also when no token is configured. `GATEHOUSE_METRICS_PORT` adds a separate listener
 * (on `GATEHOUSE_METRICS_HOST`, default 127.0.0.1) that serves only `/metrics`, asking for the
 * token too when one is configured.
 * @packageDocumentation
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from './config/config.js';
import type { Metrics } from './metrics.js';
import { registerSecurityHeaders } from './security-headers.js';
import { timedServerFactory } from './listener.js';

/** Realm of the metrics challenge (RFC 6750 §3). */
const REALM = 'gatehouse-metrics';
/** Longest Authorization header looked at, characters; anything longer is refused unread. */
const MAX_AUTHORIZATION = 2048;

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * True when `authorization` is `Bearer <token>` (scheme case-insensitive, RFC 6750 §2.1). Both
 * sides are hashed to equal-length digests first, so the comparison time says nothing about the token.
 */
export function metricsAuthorized(authorization: string | undefined, token: string | undefined): boolean {
  if (token === undefined || authorization === undefined || authorization.length > MAX_AUTHORIZATION) return false;
  const match = /^bearer ([^\s]+)$/i.exec(authorization);
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

/** Registers `GET /metrics` on `app`; `token` undefined means every request is refused with 401. */
export function metricsRoute(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  app.get('/metrics', { schema: { hide: true } }, async (request: FastifyRequest, reply: FastifyReply) => {
    if (!metricsAuthorized(request.headers.authorization, token)) {
      const description =
        token === undefined
          ? 'metrics need GATEHOUSE_METRICS_TOKEN or are served on GATEHOUSE_METRICS_PORT'
          : 'authentication required';
      return reply
        .code(401)
        .header('www-authenticate', `Bearer realm="${REALM}"`)
        .send({ error: 'unauthorized', error_description: description });
    }
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

/**
 * The separate metrics listener's app (not listening): `/metrics` only, with the token when one
 * is configured; every other path is 404.
 */
export async function buildMetricsApp(config: Config, metrics: Metrics): Promise<FastifyInstance> {
  // Slow and idle clients are cut off by the same server as the public listener's (K-102); nothing
  // here takes a body.
  const app = Fastify({
    logger: false,
    serverFactory: timedServerFactory(config.requestTimeoutMs),
    bodyLimit: 1024,
  });
  await registerSecurityHeaders(app);
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: 'not_found', error_description: 'only /metrics is served here' }),
  );
  if (config.metricsToken === undefined) {
    app.get('/metrics', async (_request, reply) =>
      reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  } else {
    metricsRoute(app, metrics, config.metricsToken);
  }
  return app;
}

/** One line for the start log: where and how `/metrics` is served. `metricsUrl` is the separate listener's, if any. */
export function describeMetrics(config: Config, metricsUrl: string | undefined): string {
  const token = config.metricsToken !== undefined;
  if (metricsUrl)
    return `metrics: ${metricsUrl}/metrics${token ? ' (bearer token required)' : ''}; /metrics on the public listener ${token ? 'requires the bearer token' : 'answers 401'}`;
  if (token) return 'metrics: /metrics requires Authorization: Bearer GATEHOUSE_METRICS_TOKEN';
  return 'metrics: /metrics answers 401 (set GATEHOUSE_METRICS_TOKEN or GATEHOUSE_METRICS_PORT to scrape it)';
}
