/**
 * `POST /oauth/introspect` (RFC 7662): any integration of the same environment may introspect.
 * Tokens of other environments, revoked, expired or garbage answer `{"active":false}` only; the
 * store is consulted, so a store outage is a 503, never `active:true` (docs/security.md F-65). `scope`
 * is what the token's integration still holds (G-67); a token left with none is inactive. An
 * exchanged token (RFC 8693) shows `act`, `exchanged: true` and `subject_type`, and its scope
 * stays within its subject's current grants too.
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { IntrospectionRequest, IntrospectionResponse, OAuthErrorBody } from '@gatehouse/contracts';
import { InvalidRequest } from '../errors/oauth-error.js';
import type { Runtime } from '../runtime.js';
import { nowSeconds } from '../clock.js';
import { readClientCredentials } from './client-auth.js';
import { authenticateRequest } from './authenticate-request.js';
import { OAUTH_BODY_LIMIT, oauthParams } from './params.js';
import { oauthRequestBody, documentedOnly } from './request-body.js';
import { described } from '../openapi/responses.js';
import { inspectToken } from './token-inspection.js';
import { customerScopes, effectiveScopes, isLiveIn } from '../auth/policy.js';

/** Registers the introspection endpoint. */
export function introspectRoute(app: FastifyInstance, rt: Runtime): void {
  app.post(
    '/oauth/introspect',
    {
      bodyLimit: OAUTH_BODY_LIMIT,
      validatorCompiler: documentedOnly,
      schema: {
        summary: 'Introspect a token (RFC 7662)',
        description:
          'Tells whether an access token of the calling client\'s environment is active now, with its claims and the scopes its integration still holds. Tokens of other environments, revoked, expired or unreadable ones answer `{"active": false}` only.',
        ...oauthRequestBody(IntrospectionRequest),
        response: {
          200: described(IntrospectionResponse, "The token's state (RFC 7662 §2.2)."),
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
      const { env } = await authenticateRequest(rt, request, credentials);
      reply.header('cache-control', 'no-store');
      const t = await inspectToken(rt, params.token);
      const now = nowSeconds(rt.ctx.clock);
      const skew = rt.ctx.config.clockSkew;
      const owner = t && (await rt.directory.client(t.clientId));
      const live =
        !!t?.row &&
        t.row.revoked_at === null &&
        t.exp + skew > now &&
        t.environment === env.slug &&
        isLiveIn(owner, env);
      // The token's scopes that its integration still holds (G-67): none left means inactive.
      const api = live && typeof t.claims.aud === 'string' ? env.apiByAudience.get(t.claims.aud) : undefined;
      let scope =
        api && owner && typeof t.claims.scope === 'string'
          ? [...effectiveScopes(t.claims.scope.split(' '), owner, api)]
          : [];
      // An exchanged token (RFC 8693) also stays within what its subject holds now (M-117).
      const exchanged = t?.claims.act !== undefined;
      if (live && api && exchanged) {
        if (t.claims.subject_type === 'integration') {
          // `sub` is the subject integration's client_id (we signed it); a removed one is no client.
          const subject = await rt.directory.client(String(t.claims.sub));
          scope = isLiveIn(subject, env) ? [...effectiveScopes(scope, subject, api)] : [];
        } else if (api.builtIn) {
          const allowed = customerScopes(env.customerScopes);
          scope = scope.filter((s) => allowed.has(s));
        }
      }
      if (!live || !scope.length) return { active: false };
      const c = t.claims;
      const cnf = c.cnf as { jkt: string } | undefined;
      return {
        active: true,
        scope: scope.join(' '),
        client_id: c.client_id,
        token_type: cnf ? 'DPoP' : 'Bearer',
        ...(cnf && { cnf: { jkt: cnf.jkt } }),
        exp: c.exp,
        iat: c.iat,
        sub: c.sub,
        aud: c.aud,
        iss: c.iss,
        jti: c.jti,
        environment: c.environment,
        ...(exchanged && {
          act: c.act,
          exchanged: true,
          ...(typeof c.subject_type === 'string' && { subject_type: c.subject_type }),
        }),
      };
    },
  );
}
