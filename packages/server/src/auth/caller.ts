/**
 * Who is calling Gatehouse's own APIs: a console session (cookie, CSRF-checked) when the request
 * carries no Authorization header, otherwise a bearer token with its current scopes.
 * @packageDocumentation
 */
import type { FastifyRequest } from 'fastify';
import type { AuthRuntime } from './deps.js';
import { authenticateBearer } from './bearer.js';
import { authenticateSession } from './session.js';
import type { Principal } from './principal.js';

/**
 * The caller of a request to the Environment or management API.
 * @throws MissingBearer/InvalidToken (401) without valid credentials; Forbidden (403)
 *   `invalid_csrf_token` for a session without its CSRF header on a state-changing method.
 */
export async function authenticateCaller(rt: AuthRuntime, request: FastifyRequest): Promise<Principal> {
  if (request.headers.authorization === undefined) {
    const session = await authenticateSession(rt.sessions, request);
    if (session) return session;
  }
  return authenticateBearer(rt, request);
}
