/**
 * `/healthz` (the process is up), `/readyz` (the store answers, keys are loaded and every change
 * read from the change feed was applied to the caches, K-101) and `/metrics` (bearer token only,
 * see metrics-endpoint.ts).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from './runtime.js';
import { metricsRoute } from './metrics-endpoint.js';
import { storeAnswers } from './services/store-health.js';

/** Registers the health routes. */
export function healthRoutes(app: FastifyInstance, rt: Runtime): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  metricsRoute(app, rt.metrics, rt.ctx.config.metricsToken);
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      // A node whose caches missed a change (a revocation not applied yet) must not take traffic.
      if (rt.changes.invalidationsFailing) throw new Error('invalidations failing');
      await storeAnswers(rt.ctx);
      rt.keys.signingKey();
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
}
