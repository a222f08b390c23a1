/**
 * Who is calling Gatehouse's own APIs: a console session (cookie, CSRF-checked) when the request
 * carries no Authorization header, otherwise a bearer token with its current scopes.
 * @packageDocumentation
 */
import type { FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.js';
import { authenticateBearer } from './bearer.js';
import type { Principal } from './principal.js';

/**
 * The caller of a request to the Environment or management API.
 * @throws MissingBearer/InvalidToken (401) without valid credentials; ApiError 403
 *   `invalid_csrf_token` for a session without its CSRF header on a state-changing method.
 */
export async function authenticateCaller(rt: Runtime, request: FastifyRequest): Promise<Principal> {
  if (request.headers.authorization === undefined && rt.authenticateSession) {
    const session = await rt.authenticateSession(request);
    if (session) return session;
  }
  const principal = await authenticateBearer(rt, request);
  // An API call is a use of the integration: noted in memory, written in batches (services/usage-ledger.ts).
  if (principal.type === 'integration') rt.ctx.usage?.touch(principal.integrationId);
  return principal;
}
