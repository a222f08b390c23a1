/**
 * RFC 8414 authorization server metadata discovery.
 * @packageDocumentation
 */
import { HttpError, InvalidResponseError } from '../errors/http-errors.js';
import { fetchOrThrow, parseRetryAfter, requireJsonObject, stringField } from '../util/http.js';
import { defaultSleep, withRetry, type RetryOptions } from '../util/retry.js';
import type { Clock, FetchLike, Sleep } from '../types.js';

/**
 * The RFC 8414 §2 metadata fields the SDK uses (the server may send more).
 *
 * @example
 * ```ts
 * const { token_endpoint, jwks_uri }: AuthorizationServerMetadata = await discoverAuthorizationServer({ issuer });
 * ```
 */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  jwks_uri?: string;
  introspection_endpoint?: string;
  revocation_endpoint?: string;
  [field: string]: unknown;
}

/**
 * Options of {@link discoverAuthorizationServer}.
 *
 * @example
 * ```ts
 * const options: DiscoverOptions = { issuer: 'https://auth.example.com', timeout: 5000, retry: { maxAttempts: 2 } };
 * await discoverAuthorizationServer(options);
 * ```
 */
export interface DiscoverOptions {
  /** The issuer identifier, e.g. `https://auth.example.com`. */
  issuer: string;
  fetch?: FetchLike;
  retry?: RetryOptions;
  sleep?: Sleep;
  clock?: Clock;
  random?: () => number;
  /** Per-request timeout in milliseconds (default 10 000). */
  timeout?: number;
}

/**
 * The metadata URL of an issuer (RFC 8414 §3.1): `/.well-known/oauth-authorization-server`
 * inserted between the host and the issuer's path (for an issuer without a path that is simply
 * `{issuer}/.well-known/oauth-authorization-server`).
 *
 * @example
 * ```ts
 * metadataUrl('https://auth.example.com'); // 'https://auth.example.com/.well-known/oauth-authorization-server'
 * metadataUrl('https://example.com/tenant'); // 'https://example.com/.well-known/oauth-authorization-server/tenant'
 * ```
 */
export function metadataUrl(issuer: string): string {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = `/.well-known/oauth-authorization-server${path}`;
  url.search = '';
  url.hash = '';
  return url.href;
}

const trimSlash = (value: string): string => value.replace(/\/+$/, '');

/**
 * Fetches the RFC 8414 metadata of `issuer`, retrying network errors, 429 and 5xx with backoff,
 * and checks that the answer names the same `issuer` (§3.3) and a `token_endpoint`.
 * Token sources call this once and cache the result.
 *
 * @returns the metadata.
 * @throws {@link HttpError} on a non-200 answer, {@link NetworkError} when unreachable,
 *   {@link InvalidResponseError} on malformed metadata or an issuer mismatch.
 *
 * @example
 * ```ts
 * const metadata = await discoverAuthorizationServer({ issuer: 'https://auth.example.com' });
 * console.log(metadata.token_endpoint); // 'https://auth.example.com/oauth/token'
 * ```
 */
export async function discoverAuthorizationServer(options: DiscoverOptions): Promise<AuthorizationServerMetadata> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? Date.now;
  const url = metadataUrl(options.issuer);
  const deps = { sleep: options.sleep ?? defaultSleep, random: options.random ?? Math.random };
  const body = await withRetry(
    async () => {
      const response = await fetchOrThrow(
        fetchImpl,
        url,
        { method: 'GET', headers: { accept: 'application/json' } },
        options.timeout ?? 10_000,
      );
      if (response.status !== 200) {
        await response.body?.cancel();
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'), clock());
        throw new HttpError(`GET ${url} answered ${response.status}`, { status: response.status, retryAfter });
      }
      return requireJsonObject(response, 'authorization server metadata');
    },
    options.retry ?? {},
    deps,
  );
  const issuer = stringField(body, 'issuer');
  const tokenEndpoint = stringField(body, 'token_endpoint');
  if (issuer === undefined || trimSlash(issuer) !== trimSlash(options.issuer)) {
    throw new InvalidResponseError(
      `metadata issuer ${JSON.stringify(issuer)} does not match ${JSON.stringify(options.issuer)} (RFC 8414 §3.3)`,
    );
  }
  if (tokenEndpoint === undefined) throw new InvalidResponseError('metadata has no token_endpoint');
  return { ...body, issuer, token_endpoint: tokenEndpoint };
}
