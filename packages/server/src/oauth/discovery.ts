/**
 * `GET /.well-known/jwks.json` (public members only), `GET /.well-known/oauth-authorization-server`
 * (RFC 8414) and the Environment API's protected resource metadata (RFC 9728, protected-resource.ts).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { ENVIRONMENT_API_SCOPES, OAuthErrorBody, SUPPORTED_GRANT_TYPES } from '@gatehouse/contracts';
import type { Runtime } from '../runtime.js';
import { ASYMMETRIC_ALGS } from '../auth/client-key.js';
import { DPOP_ALGS } from '../auth/dpop.js';
import { protectedResourceRoute } from './protected-resource.js';
import { described, jsonDocument } from '../openapi/responses.js';

/** Path of the advertised authorization endpoint, which supports no response type. */
const AUTHORIZATION_PATH = '/oauth/authorize';
const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'n', 'e', 'kid', 'alg', 'use'] as const;

/** Registers the JWKS, the authorization-server metadata and the protected resource metadata. */
export function discoveryRoutes(app: FastifyInstance, rt: Runtime): void {
  const { issuer, jwksMaxAge } = rt.ctx.config;
  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        summary: 'Signing keys (JWKS)',
        response: { 200: jsonDocument('The JWK Set (RFC 7517 §5): public members of each signing key only.') },
        description:
          'The public keys that sign access tokens (RFC 7517), current and next, so resource servers verify tokens without calling Gatehouse. Cached for the configured max-age.',
        tags: ['oauth'],
      },
    },
    async (_request, reply) => {
      // Copy only public members: a private member can never leak, whatever the row holds (F-62).
      const keys = rt.keys
        .publicJwks()
        .map((jwk) => Object.fromEntries(PUBLIC_MEMBERS.filter((m) => jwk[m] !== undefined).map((m) => [m, jwk[m]])));
      return reply.header('cache-control', `public, max-age=${jwksMaxAge}`).send({ keys });
    },
  );
  const metadata = {
    issuer,
    // RFC 8414 §2 lets a client_credentials-only server leave this out, but clients such as the MCP
    // SDK's require it; it names an endpoint that refuses every request (response_types_supported: []).
    authorization_endpoint: `${issuer}${AUTHORIZATION_PATH}`,
    token_endpoint: `${issuer}/oauth/token`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    grant_types_supported: [...SUPPORTED_GRANT_TYPES],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: [...ASYMMETRIC_ALGS],
    introspection_endpoint_auth_methods_supported: AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: [...ASYMMETRIC_ALGS],
    revocation_endpoint_auth_methods_supported: AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: [...ASYMMETRIC_ALGS],
    dpop_signing_alg_values_supported: [...DPOP_ALGS],
    scopes_supported: ENVIRONMENT_API_SCOPES.map((s) => s.value),
    service_documentation: `${issuer}/docs`,
  };
  app.get(
    '/.well-known/oauth-authorization-server',
    {
      schema: {
        summary: 'Authorization server metadata (RFC 8414)',
        response: { 200: jsonDocument('The authorization server metadata (RFC 8414 §3.2).') },
        description:
          'The endpoints, grant types, client authentication methods and algorithms of this server (RFC 8414 §2): what OAuth client libraries read to configure themselves.',
        tags: ['oauth'],
      },
    },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(metadata),
  );
  // No authorization code or implicit grant: RFC 6749 §4.1.2.1 `unsupported_response_type`, shown
  // to whoever arrived here (no redirect: no client registers a redirect URI).
  app.get(
    AUTHORIZATION_PATH,
    {
      schema: {
        summary: 'Authorization endpoint: no response type is supported',
        response: {
          400: described(OAuthErrorBody, 'Always: `unsupported_response_type` (RFC 6749 §4.1.2.1).'),
        },
        description:
          'Gatehouse issues tokens with client_credentials and token exchange at the token endpoint only; this endpoint exists for clients that require one in the metadata and always answers `unsupported_response_type` (RFC 6749 §4.1.2.1).',
        tags: ['oauth'],
      },
    },
    async (_request, reply) =>
      reply.code(400).header('cache-control', 'no-store').send({
        error: 'unsupported_response_type',
        error_description: 'this server issues tokens only with client_credentials at the token endpoint',
      }),
  );
  protectedResourceRoute(app, rt);
}
