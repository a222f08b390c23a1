/**
 * `/healthz` (the process is up), `/readyz` (the store answers and keys are loaded) and `/metrics`
 * (bearer token only, see metrics-endpoint.ts).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Runtime } from './runtime.js';
import { metricsRoute } from './metrics-endpoint.js';

/** Registers the health routes. */
export function healthRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  metricsRoute(app, rt.metrics, rt.ctx.config.metricsToken);
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(rt.ctx.db);
      rt.keys.signingKey();
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
}
