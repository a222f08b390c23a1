/**
 * `GatehouseClient`: typed calls to the Environment API.
 * @packageDocumentation
 */
import type { Self } from '@gatehouse/contracts';
import { ArgumentError } from '../errors/gatehouse-error.js';
import { isAbsoluteUrl } from '../util/http.js';
import type { FetchLike } from '../types.js';
import type { ExchangedToken, ExchangeTokenOptions, TokenSource } from '../token-source/token-source-types.js';
import { createApiRequester, type ApiRequester } from './api-request.js';
import { resourceApis, type AssetsApi, type CustomersApi, type OutputsApi, type ProjectsApi } from './resources.js';

/**
 * Options of {@link GatehouseClient}: pass `token` or `tokenSource`.
 *
 * @example
 * ```ts
 * new GatehouseClient({ baseUrl: 'https://auth.example.com', token: customerToken, environment: 'acme' });
 * ```
 */
export interface GatehouseClientOptions {
  /** Server base URL, e.g. `https://auth.example.com` (the API lives under `/api/v1`). */
  baseUrl: string;
  /** A fixed bearer token (an access token or a customer token), or a function returning one. */
  token?: string | (() => string | Promise<string>);
  /**
   * A token source; a 401 answer invalidates its token and retries the call once. When its tokens
   * are DPoP-bound (`dpop: true`), each call sends `Authorization: DPoP <token>` and a fresh proof.
   */
  tokenSource?: Pick<TokenSource, 'getToken'> &
    Partial<Pick<TokenSource, 'invalidate' | 'getTokenResponse' | 'dpopProof' | 'exchangeToken'>>;
  /** Default environment slug of resource calls (each call may pass its own). */
  environment?: string;
  fetch?: FetchLike;
  /** Per-request timeout in milliseconds (default 30 000). */
  timeout?: number;
}

/**
 * A client of the Environment API. Every failed call rejects with {@link GatehouseApiError}
 * (`status`, and `error` from the body or the RFC 6750 challenge: `invalid_token`,
 * `insufficient_scope`, ...); unreachable servers with {@link NetworkError}.
 *
 * @example
 * ```ts
 * const client = new GatehouseClient({ baseUrl: 'https://auth.example.com', tokenSource: source, environment: 'acme' });
 * const me = await client.self();
 * const project = await client.projects.create({ name: 'Spring campaign' });
 * const { items, next_cursor } = await client.projects.list({ limit: 20 });
 * ```
 */
export class GatehouseClient {
  /** `/projects`: list, get, create, update, delete (owner-only). */
  readonly projects: ProjectsApi;
  /** `/media`: list, get, create. */
  readonly media: AssetsApi;
  /** `/fonts`: list, get, create. */
  readonly fonts: AssetsApi;
  /** `/outputs`: list, get, create. */
  readonly outputs: OutputsApi;
  /** `/customers`: list, get, update, delete (admin customer tokens). */
  readonly customers: CustomersApi;
  readonly #request: ApiRequester;
  readonly #exchange: TokenSource['exchangeToken'] | undefined;

  /** @throws {@link ArgumentError} without `baseUrl`, or with both or neither of `token` and `tokenSource`. */
  constructor(options: GatehouseClientOptions) {
    if (!isAbsoluteUrl(options.baseUrl)) throw new ArgumentError('baseUrl must be an absolute URL');
    const token = options.token ?? options.tokenSource;
    if (token === undefined || (options.token !== undefined && options.tokenSource !== undefined)) {
      throw new ArgumentError('pass exactly one of token or tokenSource');
    }
    const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#exchange = options.tokenSource?.exchangeToken?.bind(options.tokenSource);
    this.#request = createApiRequester({
      baseUrl: options.baseUrl,
      token,
      fetch: fetchImpl,
      timeout: options.timeout ?? 30_000,
    });
    const apis = resourceApis(this.#request, options.environment);
    this.projects = apis.projects;
    this.media = apis.media;
    this.fonts = apis.fonts;
    this.outputs = apis.outputs;
    this.customers = apis.customers;
  }

  /**
   * `GET /api/v1/self`: the principal behind the token (`integration`, `customer` or `admin`).
   *
   * @example
   * ```ts
   * const me = await client.self();
   * if (me.type === 'integration') console.log(me.client_id, me.scopes);
   * ```
   */
  self(): Promise<Self> {
    return this.#request<Self>({ method: 'GET', path: '/api/v1/self' });
  }

  /**
   * Exchanges a token (RFC 8693) through this client's token source ({@link TokenSource.exchangeToken}).
   * @throws {@link ArgumentError} when the client was built with a fixed `token`, not a token source.
   *
   * @example
   * ```ts
   * const forUser = await client.exchangeToken({ subjectToken: customerJwt, subjectTokenType: 'jwt', scope: 'projects:read' });
   * ```
   */
  exchangeToken(options: ExchangeTokenOptions): Promise<ExchangedToken> {
    if (!this.#exchange) return Promise.reject(new ArgumentError('exchangeToken needs a tokenSource that exchanges'));
    return this.#exchange(options);
  }
}
