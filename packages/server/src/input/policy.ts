/**
 * The one input policy of every route (docs/security.md H-77), registered on the root instance so
 * each encapsulated context inherits it: no NUL character in the URL (path and query) or a
 * header; JSON bodies limited in depth and free of NUL at parse time; no query number that is not
 * finite; no empty PATCH. Each answers 400 `invalid_request` before any lookup, in the format of
 * the route's context (its error handler: RFC 6749 §5.2 on the OAuth endpoints, the APIs'
 * `{error, error_description}` elsewhere). The OAuth endpoints parse their bodies themselves (oauth/params.ts) under the same rules.
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { InvalidInput } from '../errors/domain-errors.js';
import { hasNul, scanJsonText } from './json-scan.js';

/** The 400 `invalid_request` of a refused input; the route context's error handler picks its format. */
export function badInput(description: string): InvalidInput {
  return new InvalidInput(description);
}

/** Registers the policy on the root instance `app` (before the route contexts). */
export function registerInputPolicy(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const problem = scanJsonText(body as string);
    if (problem) return done(badInput(problem), undefined);
    parseJson(request, body as string, done);
  });
  // Callback hooks: they run on every request, the token endpoint's hot path included.
  app.addHook('onRequest', (request, _reply, done) => {
    const problem =
      /%00/i.test(request.url) || hasNul(request.url)
        ? 'the URL holds a NUL character'
        : request.raw.rawHeaders.some(hasNul)
          ? 'a header holds a NUL character'
          : undefined;
    done(problem ? badInput(problem) : undefined);
  });
  // The query and PATCH checks go only to routes that take a query or are PATCHes (the token
  // endpoint and most GETs skip them: a hook per request is measurable on the hot paths).
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const checks = [
      ...(route.schema?.querystring ? [queryProblem] : []),
      ...(methods.includes('PATCH') ? [patchProblem] : []),
    ];
    if (!checks.length) return;
    const check: preHandlerHookHandler = (request, _reply, done) => {
      let problem: string | undefined;
      for (const c of checks) problem ??= c(request);
      done(problem ? badInput(problem) : undefined);
    };
    const existing = route.preHandler ? (Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]) : [];
    route.preHandler = [check, ...existing];
  });
}

/** A query number that is not finite (`limit=1e309` passes schema coercion as Infinity). */
function queryProblem(request: FastifyRequest): string | undefined {
  const query = request.query;
  if (!query || typeof query !== 'object') return undefined;
  for (const [name, value] of Object.entries(query)) {
    if (typeof value === 'number' && !Number.isFinite(value))
      return `query parameter ${JSON.stringify(name.slice(0, 64))} is out of range`;
  }
  return undefined;
}

/** A PATCH that would change nothing: an empty object is refused rather than run as an empty update. */
function patchProblem(request: FastifyRequest): string | undefined {
  const body = request.body;
  if (request.method !== 'PATCH' || !body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  return Object.keys(body).length === 0 ? 'the PATCH body changes nothing' : undefined;
}
