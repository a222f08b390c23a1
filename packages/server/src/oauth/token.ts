/**
 * `POST /oauth/token` (RFC 6749 §3.2, §5): parse the body → read client credentials → check the
 * grant type → authenticate the client → run the grant.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { OAuthErrorBody, TokenRequest, TokenResponse } from '@gatehouse/contracts';
import { InvalidRequest, UnsupportedGrantType } from '../errors/oauth-error.js';
import type { Runtime } from '../runtime.js';
import { readClientCredentials } from './client-auth.js';
import { authenticateRequest } from './authenticate-request.js';
import { OAUTH_BODY_LIMIT, oauthParams } from './params.js';
import { oauthRequestBody, documentedOnly } from './request-body.js';
import { described } from '../openapi/responses.js';
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
    validatorCompiler: documentedOnly,
    schema: {
      summary: 'Get an access token',
      description:
        'The token endpoint (RFC 6749 §3.2). `grant_type=client_credentials` (§4.4) issues a token for the integration itself, for the Environment API or for the API named by `audience`/`resource` (RFC 8707), with the requested `scope` or every scope it holds there. `grant_type=urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693) issues a token acting for the subject of `subject_token`. `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` (RFC 7523 §2.1) issues a token for the integration whose federated credential matches the platform token in `assertion`, with no client authentication. The client authenticates with exactly one method: Basic, `client_id`+`client_secret` in the body, or a `client_assertion` (private_key_jwt, or a platform token matching a federated credential: RFC 7523 §2.2). With a `DPoP` proof header the token is bound to its key (RFC 9449).',
      ...oauthRequestBody(TokenRequest),
      response: {
        200: described(TokenResponse, 'The access token (RFC 6749 §5.1); `Cache-Control: no-store`.'),
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
      const { client, env } = await rt.steps.run('client authentication', () =>
        authenticateRequest(rt, request, credentials),
      );
      const jkt = await tokenRequestDpop(rt, request, client);
      const body = await rt.steps.run(
        'grant',
        () =>
          grant.handler({
            env,
            client,
            params,
            issuer: rt.issuer,
            actor: { actor: `integration:${client.clientId}`, ip: request.ip },
            jkt,
          }),
        { 'oauth.grant_type': grant.grantType },
      );
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
