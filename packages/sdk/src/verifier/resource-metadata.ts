/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) for a tenant's resource server: the document,
 * its URL, and Fastify, Express and Hono handlers that serve it.
 * @packageDocumentation
 */
import { jsonResponse, type ExpressResponseLike, type FastifyReplyLike } from '../adapters/framework-types.js';
import { ArgumentError } from '../errors/gatehouse-error.js';
import { isAbsoluteUrl } from '../util/http.js';

/**
 * What a resource server publishes about itself (RFC 9728 §2).
 *
 * @example
 * ```ts
 * createVerifier({ issuer, audience: 'https://api.example.com', protectedResourceMetadata: { resource: 'https://api.example.com', scopesSupported: ['reports:read'] } });
 * ```
 */
export interface ProtectedResourceMetadataOptions {
  /** The resource identifier: the https URL clients call, usually the audience (RFC 9728 §2 `resource`). */
  resource: string;
  /** Issuers that grant tokens for it (default: the verifier's `issuer`). */
  authorizationServers?: readonly string[];
  /** Scopes a client may ask for to call it. */
  scopesSupported?: readonly string[];
  /** Human-readable name (`resource_name`). */
  resourceName?: string;
}

/**
 * The served metadata and the handlers that serve it at {@link ResourceMetadata.path}.
 *
 * @example
 * ```ts
 * const meta = verifier.resourceMetadata!;
 * app.get(meta.path, meta.express());            // Express
 * fastify.get(meta.path, meta.fastify());        // Fastify
 * hono.get(meta.path, meta.hono());              // Hono
 * ```
 */
export interface ResourceMetadata {
  /** The JSON document (RFC 9728 §2). */
  document: Record<string, unknown>;
  /** Its URL, sent as `resource_metadata` in 401 challenges (RFC 9728 §5.1). */
  url: string;
  /** Its path: `/.well-known/oauth-protected-resource` plus the resource's path (§3.1). */
  path: string;
  fastify(): (request: unknown, reply: FastifyReplyLike) => Promise<unknown>;
  express(): (req: unknown, res: ExpressResponseLike) => void;
  hono(): () => Response;
}

const HEADERS = { 'cache-control': 'public, max-age=300' };

/**
 * Builds the metadata: `resource`, `authorization_servers`, `scopes_supported`,
 * `bearer_methods_supported` (`header` only), `dpop_signing_alg_values_supported`, and
 * `dpop_bound_access_tokens_required`.
 * @throws {@link ArgumentError} when `resource` is not an absolute URL or has a query or fragment.
 */
export function createResourceMetadata(
  options: ProtectedResourceMetadataOptions,
  issuer: string,
  dpop: { algorithms: readonly string[]; required: boolean },
): ResourceMetadata {
  if (!isAbsoluteUrl(options.resource))
    throw new ArgumentError('protectedResourceMetadata.resource must be an absolute URL');
  const resource = new URL(options.resource);
  if (resource.search !== '' || resource.hash !== '')
    throw new ArgumentError('protectedResourceMetadata.resource must have no query or fragment');
  const path = `/.well-known/oauth-protected-resource${resource.pathname.replace(/\/+$/, '')}`;
  const document: Record<string, unknown> = {
    resource: options.resource,
    authorization_servers: [...(options.authorizationServers ?? [issuer])],
    bearer_methods_supported: ['header'],
    dpop_signing_alg_values_supported: [...dpop.algorithms],
    dpop_bound_access_tokens_required: dpop.required,
    ...(options.scopesSupported && { scopes_supported: [...options.scopesSupported] }),
    ...(options.resourceName !== undefined && { resource_name: options.resourceName }),
  };
  return {
    document,
    url: `${resource.origin}${path}`,
    path,
    fastify: () => async (_request, reply) => {
      for (const [name, value] of Object.entries(HEADERS)) reply.header(name, value);
      return document;
    },
    express: () => (_req, res) => {
      for (const [name, value] of Object.entries(HEADERS)) res.setHeader(name, value);
      res.json(document);
    },
    hono: () => () => jsonResponse(200, document, HEADERS),
  };
}
