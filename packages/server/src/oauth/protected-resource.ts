/**
 * `GET /.well-known/oauth-protected-resource` (RFC 9728 §3): the Environment API describes itself
 * as a protected resource, so a client that only knows the API (an MCP client, say) finds its
 * authorization server, scopes, and how to present tokens. Every 401 of the Environment API points
 * here with `resource_metadata` (§5.1). The URL is derived from the resource identifier
 * (`GATEHOUSE_AUDIENCE`), path included (§3.1).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { ENVIRONMENT_API_SCOPES } from '@gatehouse/contracts';
import type { Config } from '../config/config.js';
import type { Runtime } from '../runtime.js';
import { DPOP_ALGS } from '../auth/dpop.js';
import { jsonDocument } from '../openapi/responses.js';

/** The well-known URI suffix of protected resource metadata (RFC 9728 §3). */
export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource';

/**
 * The metadata URL of the resource identified by `config.audience` (RFC 9728 §3.1): the well-known
 * suffix goes between the host and the path (and query) of the identifier, a terminating `/` is
 * dropped. `https://api.example.com` → `https://api.example.com/.well-known/oauth-protected-resource`;
 * `https://example.com/api/v1` → `https://example.com/.well-known/oauth-protected-resource/api/v1`.
 * A client derives the same URL and requires the metadata's `resource` to be the identifier (§3.3).
 */
export function resourceMetadataUrl(config: Pick<Config, 'audience'>): string {
  const resource = new URL(config.audience);
  return `${resource.origin}${resourceMetadataPath(resource)}${resource.search}`;
}

/** The path part of {@link resourceMetadataUrl}: where this server answers it. */
function resourceMetadataPath(resource: URL): string {
  // A terminating slash is dropped, as the MCP SDK's client and @gatehouse/client's verifier do.
  return `${PROTECTED_RESOURCE_PATH}${resource.pathname.replace(/\/+$/, '')}`;
}

/**
 * Registers the protected resource metadata of the Environment API at the path
 * {@link resourceMetadataUrl} names, `resource` being the audience exactly. With an audience that
 * has a path, the plain well-known URL answers 404: metadata there would name another resource.
 */
export function protectedResourceRoute(app: FastifyInstance, rt: Runtime): void {
  const { issuer, audience } = rt.ctx.config;
  const metadata = {
    resource: audience,
    authorization_servers: [issuer],
    scopes_supported: ENVIRONMENT_API_SCOPES.map((s) => s.value),
    bearer_methods_supported: ['header'],
    dpop_signing_alg_values_supported: [...DPOP_ALGS],
    resource_name: 'Gatehouse Environment API',
    resource_documentation: `${issuer}/docs`,
  };
  app.get(
    resourceMetadataPath(new URL(audience)),
    {
      schema: {
        summary: 'Protected resource metadata of the Environment API (RFC 9728)',
        description:
          'Where the Environment API is and how to call it: its resource identifier, the authorization server that issues its tokens, the bearer methods and DPoP algorithms it accepts and its scopes (RFC 9728 §3). Every 401 of the API names this URL (§5.1).',
        tags: ['oauth'],
        response: { 200: jsonDocument('The protected resource metadata (RFC 9728 §3.2).') },
      },
    },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(metadata),
  );
}
