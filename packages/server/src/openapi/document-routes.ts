/**
 * One `onRoute` hook on the root documents every route of the OpenAPI document the same way, from
 * what the route already declares: its `security` from the authentication of its context
 * (openapi/security.ts), an `operationId` from its method and URL, a description on every
 * response (openapi/responses.ts) and the error answers its context's authentication can give.
 * What a route states itself (summary, description, bodies, its own response words) is kept.
 * @packageDocumentation
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { authenticationOf, type Authentication } from '../auth/authentication-kind.js';
import { securityOf } from './security.js';
import { described, errorBody, errorExample, implicitErrors, statusDescription } from './responses.js';

/** The parts of a route schema this hook reads and fills (OpenAPI operation fields of @fastify/swagger). */
interface OperationSchema {
  hide?: boolean;
  operationId?: string;
  security?: Record<string, string[]>[];
  response?: Record<string, Record<string, unknown>>;
}

/** `post /api/v1/environments/{env}/apis` → `post_environments_env_apis` (unique per method and URL). */
export function operationIdOf(method: string, url: string): string {
  const path = url
    .replace(/^\/api\/v1\//, '/')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  return `${method.toLowerCase()}_${path}`;
}

/** Whether `schema` is the error body of both formats: an object with `error` and `error_description`. */
function isErrorBody(schema: Record<string, unknown>): boolean {
  const properties = schema.properties as Record<string, unknown> | undefined;
  return properties?.error !== undefined && properties.error_description !== undefined;
}

/** Fills the OpenAPI parts of one route of a context authenticating as `kind`. */
function document(route: RouteOptions, kind: Authentication): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const schema = (route.schema ??= {}) as OperationSchema;
  if (schema.hide) return;
  const method = methods[0]!;
  schema.operationId ??= operationIdOf(method, route.url);
  if (schema.security === undefined) {
    const security = securityOf(kind, method);
    // A route that also serves callers without a session (sign-out, invitation acceptance).
    schema.security = route.config?.sessionOptional ? [...security, {}] : security;
  }
  const implicit = implicitErrors(kind);
  if (!schema.response && !implicit.length) return;
  const response = (schema.response ??= {});
  for (const status of implicit) response[status] ??= errorBody(kind);
  for (const [status, body] of Object.entries(response)) {
    let named = typeof body.description === 'string' ? body : described(body, statusDescription(kind, status));
    // An error body (`{error, error_description}`) without an example gets the status's typical one.
    const example = errorExample(kind, status);
    if (example && isErrorBody(named) && named.examples === undefined) named = { ...named, examples: [example] };
    response[status] = named;
  }
}

/**
 * Registers the hook on the root `app` before any route: every route registered from then on, in
 * any context, is documented. HEAD twins, CORS preflights and the console's static files are left out.
 */
export function documentRoutes(app: FastifyInstance): void {
  app.addHook('onRoute', function (route) {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.every((m) => m === 'HEAD' || m === 'OPTIONS')) return;
    if ((route.config as { file?: unknown } | undefined)?.file !== undefined) return;
    document(route, authenticationOf(this));
  });
}
