/**
 * `createAuthData`: the back-end-for-front-end `/user/authdata` route, handing a browser a
 * read-only token and the API URL.
 * @packageDocumentation
 */
import type { JWTPayload } from 'jose';
import { ArgumentError } from '../errors/gatehouse-error.js';
import type { TokenSource } from '../token-source/token-source-types.js';
import { expressHandler, fastifyHandler, honoHandler } from './auth-data-adapters.js';
import { checkTokenScopes, FRONT_END_SCOPES, type ScopeAllowance } from './check-token-scopes.js';

/**
 * What the route answers: `{success: true, token, apiURL}`.
 *
 * @example
 * ```ts
 * const data: AuthData = await authData.get(); // { success: true, token: 'eyJ...', apiURL: 'https://.../' }
 * ```
 */
export interface AuthData {
  success: true;
  token: string;
  apiURL: string;
}

/**
 * Where refusals are reported (`console` by default). Never receives the token.
 *
 * @example
 * ```ts
 * createAuthData({ tokenSource, apiUrl, logger: { error: (message, details) => pino.error(details, message) } });
 * ```
 */
export interface AuthDataLogger {
  error(message: string, details?: Record<string, unknown>): void;
}

/**
 * Options of {@link createAuthData}.
 *
 * @example
 * ```ts
 * const options: AuthDataOptions = { tokenSource, apiUrl: 'https://auth.example.com/api/v1/environments/acme/', allowScopes: ['media:read', 'fonts:read'] };
 * ```
 */
export interface AuthDataOptions {
  /**
   * Source of the token to hand out: a read-only integration's; or, with `exchange`, the back
   * end's own source (its integration needs token exchange enabled).
   */
  tokenSource: Pick<TokenSource, 'getToken'> & Partial<Pick<TokenSource, 'exchangeToken'>>;
  /**
   * Hand out a down-scoped token exchanged (RFC 8693) from the back end's own token instead of the
   * source's token itself: `true` asks for the `allowScopes` list (default
   * {@link FRONT_END_SCOPES}); `{ scope }` names the scopes (required when `allowScopes` is a
   * predicate). The exchanged token is still checked against `allowScopes`. Default: off.
   */
  exchange?: boolean | { scope: string | readonly string[] };
  /** API base URL for the front end, or a function of the token's claims (e.g. its `environment`). */
  apiUrl: string | ((claims: JWTPayload) => string);
  /** Scopes the token may hold: a list or a predicate. Default: {@link FRONT_END_SCOPES} (`projects:read media:read fonts:read`). */
  allowScopes?: ScopeAllowance;
  logger?: AuthDataLogger;
}

/**
 * The auth-data provider and its framework adapters.
 *
 * @example
 * ```ts
 * const authData: AuthDataProvider = createAuthData({ tokenSource, apiUrl });
 * fastify.get('/user/authdata', { preHandler: requireUser }, authData.fastify());
 * ```
 */
export interface AuthDataProvider {
  /**
   * The auth data.
   * @throws {@link WriteScopeError} when the token holds a scope outside `allowScopes`; token
   *   source errors as they are.
   */
  get(): Promise<AuthData>;
  /** A Fastify route handler: `app.get('/user/authdata', authData.fastify())`. */
  fastify(): ReturnType<typeof fastifyHandler>;
  /** An Express route handler: `app.get('/user/authdata', authData.express())`. */
  express(): ReturnType<typeof expressHandler>;
  /** A Hono handler: `app.get('/user/authdata', authData.hono())`. */
  hono(): ReturnType<typeof honoHandler>;
}

/**
 * Creates the provider behind a back end's `/user/authdata` route: it takes a token from
 * `tokenSource`, decodes its `scope` claim and refuses (throwing {@link WriteScopeError}) any
 * token holding a scope outside `allowScopes`, so a token that can write never reaches a browser.
 * The adapters answer 200 `{success:true, token, apiURL}` or, on any failure, 500
 * `{success:false}` (no token in the body) and log why through `logger`, never logging the token.
 * Both answers carry `Cache-Control: no-store`. Put your own authentication in front of the route.
 * With `exchange`, the token handed out is exchanged (RFC 8693) from the source's own token down
 * to the allowed scopes, so no second, read-only integration is needed.
 *
 * @example
 * ```ts
 * const authData = createAuthData({
 *   tokenSource: createTokenSource({ issuer, clientId: process.env.FRONT_ID!, clientSecret: process.env.FRONT_SECRET! }),
 *   apiUrl: (claims) => `${issuer}/api/v1/environments/${String(claims.environment)}/`,
 * });
 * app.get('/user/authdata', requireUser, authData.express());
 * ```
 */
export function createAuthData(options: AuthDataOptions): AuthDataProvider {
  if (typeof options.tokenSource?.getToken !== 'function') throw new ArgumentError('tokenSource must have getToken()');
  if (typeof options.apiUrl !== 'string' && typeof options.apiUrl !== 'function')
    throw new ArgumentError('apiUrl must be a string or a function');
  const allow = options.allowScopes ?? FRONT_END_SCOPES;
  const logger = options.logger ?? console;
  const exchangeScope = exchangeScopeOf(options.exchange, allow);
  const source = options.tokenSource;
  if (exchangeScope !== undefined && typeof source.exchangeToken !== 'function')
    throw new ArgumentError('exchange needs a tokenSource with exchangeToken() (createTokenSource)');

  const get = async (): Promise<AuthData> => {
    const own = await source.getToken();
    const token =
      exchangeScope === undefined
        ? own
        : (await source.exchangeToken!({ subjectToken: own, scope: exchangeScope })).access_token;
    const claims = checkTokenScopes(token, allow);
    const apiURL = typeof options.apiUrl === 'function' ? options.apiUrl(claims) : options.apiUrl;
    return { success: true, token, apiURL };
  };

  return {
    get,
    fastify: () => fastifyHandler(get, logger),
    express: () => expressHandler(get, logger),
    hono: () => honoHandler(get, logger),
  };
}

/**
 * The scopes to exchange for, or undefined without `exchange`.
 * @throws {@link ArgumentError} for `exchange: true` beside a predicate `allowScopes`.
 */
function exchangeScopeOf(
  exchange: AuthDataOptions['exchange'],
  allow: ScopeAllowance,
): string | readonly string[] | undefined {
  if (exchange === undefined || exchange === false) return undefined;
  if (exchange !== true) return exchange.scope;
  if (typeof allow === 'function') throw new ArgumentError('exchange: name the scopes when allowScopes is a predicate');
  return allow;
}
