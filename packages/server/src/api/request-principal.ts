/**
 * The caller of an Environment API request, as the context's `onRequest` hook (api/index.ts)
 * authenticated it: kept apart from index.ts so the route files don't import their registrar.
 * @packageDocumentation
 */
import type { FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.js';
import { InvalidToken } from '../errors/api-error.js';
import { NotFound } from '../errors/domain-errors.js';
import type { BearerPrincipal } from '../auth/principal.js';

/** The authenticated bearer principal of a request in this context. */
export function bearerPrincipal(request: FastifyRequest): BearerPrincipal {
  const p = request.principal;
  if (!p || p.type === 'console' || p.type === 'account' || p.type === 'member') throw new InvalidToken();
  return p;
}

/**
 * The id of the path's environment for the caller: a bearer principal's own (the hook already
 * checked it matches the path), or, for a console session, the environment named by the path.
 * @throws NotFound for an unknown environment.
 */
export async function requestEnvironmentId(rt: Runtime, request: FastifyRequest): Promise<string> {
  const p = request.principal;
  if (p && p.type !== 'console' && p.type !== 'account') return p.environmentId;
  const slug = (request.params as { env?: string }).env ?? '';
  const env = await rt.directory.environment('slug', slug);
  if (!env) throw new NotFound('environment');
  return env.id;
}
