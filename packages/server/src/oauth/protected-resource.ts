/**
 * `GET /.well-known/oauth-protected-resource` (RFC 9728 §3): the Environment API describes itself
 * as a protected resource, so a client that only knows the API (an MCP client, say) finds its
 * authorization server, scopes, and how to present tokens. Every 401 of the Environment API points
 * here with `resource_metadata` (§5.1).
 * @packageDocumentation
 */
import type { FastifyInstance } from 'fastify';
import { ENVIRONMENT_API_SCOPES } from '@gatehouse/contracts';
import type { Config } from '../config/config.js';
import type { Runtime } from '../runtime.js';
import { DPOP_ALGS } from '../auth/dpop.js';

/** Where the metadata is served, relative to the issuer's origin. */
export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource';

/** The absolute URL of the Environment API's resource metadata (what `resource_metadata` names). */
export function resourceMetadataUrl(config: Pick<Config, 'issuer'>): string {
  return `${new URL(config.issuer).origin}${PROTECTED_RESOURCE_PATH}`;
}

/** Registers the protected resource metadata of the Environment API. */
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
    PROTECTED_RESOURCE_PATH,
    { schema: { summary: 'Protected resource metadata of the Environment API (RFC 9728)', tags: ['oauth'] } },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(metadata),
  );
}
