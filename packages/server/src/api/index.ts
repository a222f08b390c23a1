/**
 * The Environment API under `/api/v1`: a bearer-protected encapsulated context. Authentication,
 * the environment check and the decision of the route's declared action (auth/decide.ts) run in
 * `onRequest`, before the body is even parsed.
 * @packageDocumentation
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import type { Runtime } from '../runtime.js';
import { BearerInvalidRequest, InvalidToken, withResourceMetadata } from '../errors/api-error.js';
import { errorHandler } from '../errors/error-handler.js';
import { resourceMetadataUrl } from '../oauth/protected-resource.js';
import { authenticateCaller } from '../auth/caller.js';
import { resolveMember } from '../auth/membership.js';
import { authorizeRoute, requireRouteActions } from '../auth/route-action.js';
export { bearerPrincipal, requestEnvironmentId } from './request-principal.js';
import { selfRoute } from './self.js';
import { projectRoutes } from './projects.js';
import { assetRoutes } from './assets.js';
import { outputRoutes } from './outputs.js';
import { customerRoutes } from './customers.js';
import { credentialRoutes } from './credentials.js';

/** Registers the Environment API routes. */
export async function environmentApi(app: FastifyInstance, rt: Runtime): Promise<void> {
  // Every route here authenticates, so every route declares its action (docs/security.md K-103).
  requireRouteActions(app, 'caller');
  // Every 401 challenge names the resource metadata (RFC 9728 §5.1); the root handler answers.
  const metadataUrl = resourceMetadataUrl(rt.ctx.config);
  app.setErrorHandler<FastifyError>((err, request, reply) =>
    errorHandler(withResourceMetadata(err, metadataUrl), request, reply),
  );
  const origins = rt.ctx.config.corsOrigins;
  if (origins.length) {
    // Browsers on the allowed origins may call the API with bearer tokens (never cookies).
    await app.register(cors, {
      origin: [...origins],
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'dpop'],
      credentials: false,
      maxAge: 600,
    });
  }
  app.addHook('onRequest', async (request) => {
    if (request.method === 'OPTIONS') return;
    const principal = await resolveMember(rt, request, await authenticateCaller(rt, request));
    const env = (request.params as { env?: string } | undefined)?.env;
    if (
      env !== undefined &&
      principal.type !== 'console' &&
      principal.type !== 'account' &&
      env !== principal.environment
    )
      throw new InvalidToken('the token is not valid for this environment');
    authorizeRoute(principal, request);
    request.principal = principal;
  });
  // A callback hook: it runs on every Environment API request, bearer GETs (no body) included.
  app.addHook('preValidation', (request, _reply, done) => {
    const body = request.body as Record<string, unknown> | undefined;
    done(
      body && typeof body === 'object' && 'access_token' in body
        ? new BearerInvalidRequest('send the token in the Authorization header only')
        : undefined,
    );
  });
  selfRoute(app, rt);
  projectRoutes(app, rt);
  assetRoutes(app, rt);
  outputRoutes(app, rt);
  customerRoutes(app, rt);
  credentialRoutes(app, rt);
}
