/**
 * `POST /oauth/revoke` (RFC 7009): a client revokes one of its own tokens. Unknown, invalid or
 * expired tokens answer 200 (§2.2); another client's token is refused with `unauthorized_client`
 * and stays active (docs/security.md E-56).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { OAuthErrorBody, RevocationRequest } from '@gatehouse/contracts';
import { Type } from '@sinclair/typebox';
import { InvalidRequest, UnauthorizedClient } from '../errors/oauth-error.js';
import type { Runtime } from '../runtime.js';
import { nowSeconds } from '../clock.js';
import { revokeToken } from '../services/tokens.js';
import { readClientCredentials } from './client-auth.js';
import { authenticateRequest } from './authenticate-request.js';
import { OAUTH_BODY_LIMIT, oauthParams } from './params.js';
import { oauthRequestBody, documentedOnly } from './request-body.js';
import { described } from '../openapi/responses.js';
import { inspectToken } from './token-inspection.js';

/** Registers the revocation endpoint. */
export function revokeRoute(app: FastifyInstance, rt: Runtime): void {
  app.post(
    '/oauth/revoke',
    {
      bodyLimit: OAUTH_BODY_LIMIT,
      validatorCompiler: documentedOnly,
      schema: {
        summary: 'Revoke a token (RFC 7009)',
        description:
          "Revokes one of the calling client's own access tokens: it is refused everywhere from then on, also by introspection. Unknown, invalid or expired tokens answer 200 too (RFC 7009 §2.2); another client's token is refused with `unauthorized_client` and stays active.",
        ...oauthRequestBody(RevocationRequest),
        response: {
          200: described(Type.Object({}), 'Revoked, or nothing to revoke (RFC 7009 §2.2).'),
          400: OAuthErrorBody,
          401: OAuthErrorBody,
          503: OAuthErrorBody,
        },
      },
    },
    async (request, reply) => {
      const params = oauthParams(request);
      const credentials = readClientCredentials(request.headers.authorization, params);
      if (!params.token) throw new InvalidRequest('token is missing');
      const { client, env } = await authenticateRequest(rt, request, credentials);
      const inspected = await inspectToken(rt, params.token);
      const now = nowSeconds(rt.ctx.clock);
      if (inspected?.row && inspected.row.revoked_at === null && inspected.exp > now) {
        if (inspected.row.integration_id !== client.id)
          throw new UnauthorizedClient('a client may revoke only its own tokens');
        await revokeToken(
          rt.ctx,
          { actor: `integration:${client.clientId}`, ip: request.ip },
          env.id,
          client.clientId,
          inspected.jti,
          now,
        );
        await rt.coherence.local('revocation', inspected.jti);
      }
      return reply.header('cache-control', 'no-store').send({});
    },
  );
}
