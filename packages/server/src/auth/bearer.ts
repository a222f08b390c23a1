/**
 * Reading and verifying the bearer token of a request (RFC 6750 §2.1: the Authorization header
 * only; the scheme is case-insensitive).
 * @packageDocumentation
 */
import type { FastifyRequest } from 'fastify';
import { BearerInvalidRequest, InvalidToken, MissingBearer } from '../errors/api-error.js';
import type { Runtime } from '../runtime.js';
import { MAX_TOKEN_LENGTH } from '../tokens/bearer-verifier.js';
import type { BearerPrincipal } from './principal.js';
import { withCurrentScopes } from './policy.js';

// RFC 6750 §2.1 b64token.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The token in `Authorization: Bearer …`.
 * @throws MissingBearer when there is no bearer credential; BearerInvalidRequest when the token is
 *   also in the query, or the header holds an empty or space-separated value (C-28);
 *   InvalidToken for an over-long value, before any crypto (C-44).
 */
export function extractBearer(request: FastifyRequest): string {
  const query = request.query as Record<string, unknown> | undefined;
  if (query && typeof query === 'object' && 'access_token' in query) throw new BearerInvalidRequest('send the token in the Authorization header only');
  const header = request.headers.authorization;
  if (header === undefined) throw new MissingBearer();
  const match = /^bearer(?:[ ]+(.*))?$/i.exec(header);
  if (!match) throw new MissingBearer();
  const value = (match[1] ?? '').trim();
  if (value.length > MAX_TOKEN_LENGTH) throw new InvalidToken();
  if (!value || !B64TOKEN.test(value)) throw new BearerInvalidRequest('malformed bearer token');
  return value;
}

/**
 * Authenticates the request's bearer token; the principal carries its scopes as of now
 * ({@link withCurrentScopes}: token scopes ∩ current grants).
 * @throws as {@link extractBearer}, and InvalidToken when verification fails or the integration
 *   is gone or disabled.
 */
export async function authenticateBearer(rt: Runtime, request: FastifyRequest): Promise<BearerPrincipal> {
  return withCurrentScopes(rt.directory, await rt.verifier.verify(extractBearer(request)));
}
