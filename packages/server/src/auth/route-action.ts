/**
 * Every authenticated route declares the domain action it takes (`config: { action }`), and the
 * server refuses to start when one does not (fail closed; docs/security.md K-103). The rule:
 * principals are authenticated only by the `onRequest` hook of a context made by
 * {@link requireRouteActions}: the Environment API (api/index.ts), the management API
 * (management/index.ts) and the console's signed-in routes (console/authenticate.ts: the current
 * session, sign-out, the profile, invitation acceptance). Every route of such a context declares
 * an {@link Action}, and the hook decides it with {@link authorizeRoute}; no handler authenticates
 * by itself. Routes of other contexts carry no principal, being anonymous by nature: the OAuth
 * endpoints (they authenticate clients, RFC 6749 §2.3), discovery and JWKS, health, the docs, the
 * console's static files and the steps that open a session (password sign-in, the TOTP step with
 * its sealed challenge, single sign-on start and callback). A console route that also serves
 * callers without a session (sign-out, invitation acceptance by password) stays in the
 * authenticating context with `config.sessionOptional`: a live session is still authenticated by
 * the hook and its action decided; only its absence lets the request through, with no principal.
 * CORS preflight (`OPTIONS`) routes never authenticate and declare nothing.
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { isAction, type Action } from '@gatehouse/contracts';
import { Forbidden } from '../errors/domain-errors.js';
import { authorize, type ActionTarget } from './decide.js';
import type { Principal } from './principal.js';
import { declareAuthentication } from './authentication-kind.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The domain action the route takes: what `decide` is asked (auth/decide.ts). */
    action?: Action;
  }
}

/** Marks a context whose routes authenticate (read through the prototype chain by child contexts). */
const AUTHENTICATES = Symbol('gatehouse.authenticates');

/** A route of an authenticating context registered without an action: the build fails with it. */
export class MissingRouteAction extends Error {
  constructor(method: string, url: string) {
    super(
      `${method} ${url} authenticates but declares no action: add config: { action: '<domain action>' } ` +
        '(@gatehouse/contracts ACTIONS; docs/security.md K-103)',
    );
    this.name = 'MissingRouteAction';
  }
}

/** The methods of a route, as one list. */
function methodsOf(route: RouteOptions): string[] {
  return Array.isArray(route.method) ? route.method : [route.method];
}

/**
 * Makes `app` (an encapsulated context) one whose routes authenticate: from now on registering a
 * route in it (or in its children) without a known `config.action` throws, so `buildApp` rejects
 * and the server does not start. Call it before registering the context's routes. `authentication`
 * says how its routes authenticate (a token or a session, or the session only): the `security`
 * the OpenAPI document gives each of them (openapi/security.ts).
 */
export function requireRouteActions(app: FastifyInstance, authentication: 'caller' | 'session'): void {
  (app as unknown as Record<symbol, boolean>)[AUTHENTICATES] = true;
  declareAuthentication(app, authentication);
  app.addHook('onRoute', (route) => {
    const methods = methodsOf(route);
    if (methods.every((m) => m === 'OPTIONS')) return;
    if (!isAction(route.config?.action)) throw new MissingRouteAction(methods.join(','), route.url);
  });
}

/** True when `context` (an onRoute hook's `this`) is, or is inside, a context of {@link requireRouteActions}. */
export function authenticates(context: FastifyInstance): boolean {
  return (context as unknown as Record<symbol, boolean | undefined>)[AUTHENTICATES] === true;
}

/**
 * Decides the request's declared action for `principal` with what the path names (`env`,
 * `client_id`, `account_id`), before the body is read: only what needs no rows.
 * @throws the refusal of `decide` (403, 404, 401); Forbidden for a matched route without an action
 *   (can't be registered: {@link requireRouteActions}). An unmatched URL passes on to the 404.
 */
export function authorizeRoute(principal: Principal, request: FastifyRequest): void {
  const action = request.routeOptions.config.action;
  if (action === undefined) {
    if (request.is404) return;
    throw new Forbidden('this route declares no action');
  }
  authorize(principal, action, request.params as ActionTarget | undefined);
}

/** One route of the app: its method, URL and declared action (null: its context authenticates no one). */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly action: Action | null;
}

/**
 * Records every route registered from now on in `app` and its children (call it on the root
 * before anything is registered): the listing docs/product.md's route table and the K-103 test
 * are made from. HEAD twins of GET routes and the console's static files (one route per built
 * file, `config.file`) are left out.
 */
export function recordRoutes(app: FastifyInstance): readonly RouteEntry[] {
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', function (route) {
    if ((route.config as { file?: unknown } | undefined)?.file !== undefined) return;
    for (const method of methodsOf(route)) {
      if (method === 'HEAD') continue;
      const declared = route.config?.action;
      routes.push({ method, url: route.url, action: authenticates(this) && isAction(declared) ? declared : null });
    }
  });
  return routes;
}
