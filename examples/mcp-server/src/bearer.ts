/**
 * The MCP endpoint's bearer check: `@gatehouse/client`'s verifier decides, and every 401/403
 * challenge names this server's protected resource metadata (RFC 9728 §5.1), which is how an MCP
 * client that knows only the server's URL finds Gatehouse.
 * @packageDocumentation
 */
import type { NextFunction, Request, Response } from 'express';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import {
  bearerToken,
  BearerRequestError,
  InsufficientScopeError,
  JwksUnavailableError,
  TokenExpiredError,
  TokenMissingError,
  type Verifier,
} from '@gatehouse/client';

/** Options of {@link requireGatehouseToken}. */
export interface BearerCheckOptions {
  /** Scopes every request must hold (RFC 6750 §3 `scope`). */
  scopes: readonly string[];
  /** Absolute URL of this server's protected resource metadata (the challenge's `resource_metadata`). */
  resourceMetadataUrl: string;
  /** Audience the verifier checks, reported to the MCP SDK as `AuthInfo.resource`. */
  resource: string;
}

const quote = (value: string): string => `"${value.replace(/["\\]/g, '\\$&')}"`;

function challenge(params: Record<string, string>): string {
  return `Bearer ${Object.entries(params)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(', ')}`;
}

/** Status and error code (RFC 6750 §3.1) of a verification failure; descriptions are fixed strings. */
function failure(err: unknown): { status: number; error?: string; description: string } {
  if (err instanceof TokenMissingError) return { status: 401, description: 'a bearer token is required' };
  if (err instanceof BearerRequestError)
    return { status: 400, error: 'invalid_request', description: 'malformed Authorization header' };
  if (err instanceof InsufficientScopeError)
    return { status: 403, error: 'insufficient_scope', description: 'the access token lacks a required scope' };
  if (err instanceof JwksUnavailableError)
    return { status: 503, error: 'temporarily_unavailable', description: 'signing keys are unavailable' };
  if (err instanceof TokenExpiredError)
    return { status: 401, error: 'invalid_token', description: 'the access token expired' };
  return { status: 401, error: 'invalid_token', description: 'the access token is invalid' };
}

/**
 * Express middleware: verifies `Authorization: Bearer <token>` with `verifier` (signature, `iss`,
 * `aud` = this server, expiry, `scopes`) and sets `req.auth` to the MCP SDK's {@link AuthInfo}
 * (`expiresAt` in seconds), which the SDK hands to tool callbacks as `extra.authInfo`.
 * Failures answer RFC 6750 §3 with `resource_metadata` (RFC 9728 §5.1): no token → 401 without
 * `error`; bad token → 401 `invalid_token`; missing scope → 403 `insufficient_scope`; malformed
 * header → 400; Gatehouse's JWKS unreachable → 503. Runs before the body is parsed.
 */
export function requireGatehouseToken(verifier: Verifier, options: BearerCheckOptions) {
  const scope = options.scopes.join(' ');
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      const token = bearerToken(req.headers.authorization);
      const claims = await verifier.verify(token, { scopes: options.scopes });
      const auth: AuthInfo = {
        token,
        clientId: claims.client_id,
        scopes: (claims.scope ?? '').split(' ').filter(Boolean),
        expiresAt: claims.exp,
        resource: new URL(options.resource),
        extra: { environment: claims.environment },
      };
      // The MCP SDK transport reads `req.auth` and passes it to tools as `extra.authInfo`.
      (req as Request & { auth?: AuthInfo }).auth = auth;
      next();
    } catch (err) {
      const f = failure(err);
      const params: Record<string, string> =
        f.error && f.status !== 503 ? { error: f.error, error_description: f.description } : {};
      if (f.status !== 503)
        res.set('www-authenticate', challenge({ ...params, scope, resource_metadata: options.resourceMetadataUrl }));
      else res.set('retry-after', '5');
      res.set('cache-control', 'no-store');
      res.status(f.status).json({ ...(f.error && { error: f.error }), error_description: f.description });
    }
  };
}
