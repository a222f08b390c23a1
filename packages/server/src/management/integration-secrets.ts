/**
 * `POST …/integrations/{client_id}/rotate-secret` (new secret, shown once; the previous one keeps
 * working `grace_seconds`) and `POST …/revoke-tokens`. An integration may always rotate its own
 * secret; rotating another's hands over its credentials, so it needs `integrations:write` and
 * `integrations:secrets` (in no preset) and a target whose grants the caller holds (G-70).
 * Revoking tokens needs `integrations:write` and such a target (G-69). A key-only integration has
 * no secret to rotate (409 `conflict`). Decided by auth/decide.ts (`integration.rotate_secret`,
 * `integration.revoke_tokens`).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { SecretRotate, SecretRotated } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { revokeIntegrationTokens, rotateSecret } from '../services/integrations.js';
import { actorFor, principalOf } from './authenticate.js';
import { COMMON, ERRORS, ERRORS_WITH_CONFLICT, IntegrationParams } from './schemas.js';
import { withExample } from '../openapi/example.js';

const Revoked = Type.Object({ revoked: Type.Integer({ description: 'How many unexpired tokens were revoked' }) });

/** Registers the secret-rotation and token-revocation routes. */
export function integrationSecretRoutes(app: FastifyInstance, rt: Runtime): void {
  const { ctx } = rt;
  const base = '/environments/:env/integrations/:client_id';
  app.post<{ Params: Static<typeof IntegrationParams>; Body: Static<typeof SecretRotate> }>(
    `${base}/rotate-secret`,
    {
      config: { action: 'integration.rotate_secret' },
      schema: {
        ...COMMON,
        summary: 'Issue a new client secret',
        description:
          "Issues a new client secret, shown once in the answer; the previous one keeps working for `grace_seconds` (default 0). Your own integration: always; another's: needs integrations:write and integrations:secrets. A key-only integration has no secret (409): manage its keys instead.",
        params: IntegrationParams,
        body: withExample(SecretRotate, { grace_seconds: 3600 }),
        response: { 200: SecretRotated, ...ERRORS_WITH_CONFLICT },
      },
      // The scopes were decided in onRequest (own secret or integrations:secrets); the body is optional.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const { env: slug, client_id: clientId } = request.params;
      const rotated = await rotateSecret(
        ctx,
        actorFor(request),
        clientId,
        request.body.grace_seconds ?? 0,
        slug,
        principalOf(request),
      );
      return reply.header('cache-control', 'no-store').send(rotated);
    },
  );
  app.post<{ Params: Static<typeof IntegrationParams> }>(
    `${base}/revoke-tokens`,
    {
      config: { action: 'integration.revoke_tokens' },
      schema: {
        ...COMMON,
        summary: 'Revoke every unexpired token of the integration and end reuse',
        description:
          'Revokes every unexpired token of the integration at once (they fail introspection and the APIs from then on) and ends the reuse of cached tokens.',
        params: IntegrationParams,
        response: { 200: Revoked, ...ERRORS },
      },
    },
    async (request) => ({
      revoked: await revokeIntegrationTokens(
        ctx,
        actorFor(request),
        request.params.client_id,
        request.params.env,
        principalOf(request),
      ),
    }),
  );
}
