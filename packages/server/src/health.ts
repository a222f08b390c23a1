/**
 * `/healthz` (the process is up) and `/readyz` (the store answers and keys are loaded).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Runtime } from './runtime.js';

/** Registers the health routes. */
export function healthRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => reply.header('content-type', rt.metrics.registry.contentType).send(await rt.metrics.registry.metrics()));
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
