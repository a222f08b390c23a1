/**
 * `POST /oauth/token` (RFC 6749 §3.2, §5): parse the body → read client credentials → check the
 * grant type → authenticate the client → run the grant.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { OAuthErrorBody, TokenResponse } from '@gatehouse/contracts';
import { InvalidRequest, UnsupportedGrantType } from '../errors/oauth-error.js';
import type { Runtime } from '../runtime.js';
import { readClientCredentials } from './client-auth.js';
import { authenticateRequest } from './authenticate-request.js';
import { OAUTH_BODY_LIMIT, oauthParams } from './params.js';
import { clientCredentials } from './grants/client-credentials.js';
import { tokenExchange } from './grants/token-exchange.js';
import { jwtBearer } from './grants/jwt-bearer.js';
import type { Grant } from './grants/grant.js';
import { tokenRequestDpop } from '../auth/dpop.js';

/** Registers the token endpoint. */
export function tokenRoute(app: FastifyInstance, rt: Runtime): void {
  const exchange = tokenExchange(rt.subjectTokens);
  const grants: ReadonlyMap<string, Grant> = new Map([
    [clientCredentials.grantType, clientCredentials],
    [exchange.grantType, exchange],
    [jwtBearer.grantType, jwtBearer],
  ]);
  app.route({
    method: 'POST',
    url: '/oauth/token',
    bodyLimit: OAUTH_BODY_LIMIT,
    schema: {
      summary: 'Token endpoint (client_credentials, token exchange, JWT bearer)',
      tags: ['oauth'],
      consumes: ['application/x-www-form-urlencoded', 'application/json'],
      response: {
        200: TokenResponse,
        400: OAuthErrorBody,
        401: OAuthErrorBody,
        429: OAuthErrorBody,
        503: OAuthErrorBody,
      },
    },
    handler: async (request, reply) => {
      const params = oauthParams(request);
      const grantType = params.grant_type;
      const grant = grantType === undefined ? undefined : grants.get(grantType);
      const credentials = (grant?.readCredentials ?? readClientCredentials)(request.headers.authorization, params);
      if (!grantType) throw new InvalidRequest('grant_type is missing');
      if (!grant) throw new UnsupportedGrantType(grantType);
      const { client, env } = await authenticateRequest(rt, request, credentials);
      const jkt = await tokenRequestDpop(rt, request, client);
      const body = await grant.handler({
        env,
        client,
        params,
        issuer: rt.issuer,
        actor: { actor: `integration:${client.clientId}`, ip: request.ip },
        jkt,
      });
      // Last use is noted in memory and written in batches (services/usage-ledger.ts): no store write here.
      rt.usage.touch(client.id);
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(body);
    },
  });
  app.route({
    method: ['GET', 'PUT', 'DELETE', 'PATCH'],
    url: '/oauth/token',
    schema: { hide: true },
    handler: async (_request, reply) => {
      reply.header('allow', 'POST');
      throw new InvalidRequest('the token endpoint accepts POST only', 405);
    },
  });
}
