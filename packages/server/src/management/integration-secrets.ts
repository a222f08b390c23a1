/**
 * `POST …/integrations/{client_id}/rotate-secret` (new secret, shown once; the previous one keeps
 * working `grace_seconds`) and `POST …/revoke-tokens`. Both need `integrations:write`; an
 * integration can't take over another that holds scopes it lacks, so it may rotate only the
 * secret of integrations whose grants it holds itself.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { SecretRotate, SecretRotated } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { InsufficientScope } from '../errors/api-error.js';
import { requireIntegration, revokeIntegrationTokens, rotateSecret } from '../services/integrations.js';
import { actorFor, grantLimit } from './authenticate.js';
import { COMMON, ERRORS, IntegrationParams } from './schemas.js';

const Revoked = Type.Object({ revoked: Type.Integer({ description: 'How many unexpired tokens were revoked' }) });

/** Registers the secret-rotation and token-revocation routes. */
export function integrationSecretRoutes(app: FastifyInstance, rt: Runtime): void {
  const { ctx } = rt;
  const base = '/environments/:env/integrations/:client_id';
  app.post<{ Params: Static<typeof IntegrationParams>; Body: Static<typeof SecretRotate> }>(
    `${base}/rotate-secret`,
    {
      config: { scope: 'integrations:write' },
      schema: { ...COMMON, summary: 'Issue a new client secret (shown once); the previous one works for grace_seconds (default 0)', params: IntegrationParams, body: SecretRotate, response: { 200: SecretRotated, ...ERRORS } },
      // The body is optional: none means no grace period.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const { env: slug, client_id: clientId } = request.params;
      const limit = await grantLimit(rt, request, slug);
      if (limit) {
        const { client } = await requireIntegration(ctx, clientId, slug);
        for (const [apiId, scopes] of client.grants) for (const s of scopes) if (!limit.get(apiId)?.has(s)) throw new InsufficientScope(s);
      }
      const rotated = await rotateSecret(ctx, actorFor(request), clientId, request.body.grace_seconds ?? 0, slug);
      return reply.header('cache-control', 'no-store').send(rotated);
    },
  );
  app.post<{ Params: Static<typeof IntegrationParams> }>(
    `${base}/revoke-tokens`,
    { config: { scope: 'integrations:write' }, schema: { ...COMMON, summary: 'Revoke every unexpired token of the integration and end reuse', params: IntegrationParams, response: { 200: Revoked, ...ERRORS } } },
    async (request) => ({ revoked: await revokeIntegrationTokens(ctx, actorFor(request), request.params.client_id, request.params.env) }),
  );
}
