/**
 * Authenticated JSON requests to the Environment API, with RFC 6750 error parsing.
 * @packageDocumentation
 * @internal
 */
import { GatehouseApiError } from '../errors/api-error.js';
import { InvalidResponseError } from '../errors/http-errors.js';
import { fetchOrThrow, readJsonObject, stringField } from '../util/http.js';
import type { FetchLike } from '../types.js';
import type { TokenSource } from '../token-source/token-source-types.js';

/** Where the client's bearer token comes from: a fixed token, a function, or a token source. */
export type TokenProvider =
  | string
  | (() => string | Promise<string>)
  | (Pick<TokenSource, 'getToken'> & Partial<Pick<TokenSource, 'invalidate' | 'getTokenResponse' | 'dpopProof'>>);

/**
 * The `Authorization` (and `DPoP`) headers of one request: `DPoP <token>` plus a fresh proof with
 * `ath` when the provider's token is DPoP-bound (RFC 9449 §7.1), else `Bearer <token>`.
 */
async function authHeaders(provider: TokenProvider, method: string, url: string): Promise<Record<string, string>> {
  if (typeof provider === 'string') return { authorization: `Bearer ${provider}` };
  if (typeof provider === 'function') return { authorization: `Bearer ${await provider()}` };
  if (provider.dpopProof !== undefined && provider.getTokenResponse !== undefined) {
    const { access_token: token, token_type: type } = await provider.getTokenResponse();
    if (type === 'DPoP') return { authorization: `DPoP ${token}`, dpop: await provider.dpopProof(method, url, token) };
    return { authorization: `Bearer ${token}` };
  }
  return { authorization: `Bearer ${await provider.getToken()}` };
}

/** One request: method, path below the base URL, optional query and JSON body. */
export interface ApiCall {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

/** Sends an {@link ApiCall} and returns the parsed JSON (or `undefined` for 204). */
export type ApiRequester = <T>(call: ApiCall) => Promise<T>;

/** The `error`, `error_description` and `scope` parameters of a `WWW-Authenticate: Bearer` challenge. */
export function parseBearerChallenge(header: string | null): Record<string, string> {
  const params: Record<string, string> = {};
  if (header === null) return params;
  for (const match of header.matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/gi)) {
    const [, name, value] = match;
    if (name !== undefined && value !== undefined) params[name.toLowerCase()] = value.replace(/\\(.)/g, '$1');
  }
  return params;
}

async function toApiError(response: Response, call: ApiCall): Promise<GatehouseApiError> {
  const body = await readJsonObject(response);
  const challenge = parseBearerChallenge(response.headers.get('www-authenticate'));
  return new GatehouseApiError({
    status: response.status,
    method: call.method,
    path: call.path,
    error: stringField(body, 'error') ?? challenge['error'],
    errorDescription: stringField(body, 'error_description') ?? challenge['error_description'],
    scope: stringField(body, 'scope') ?? challenge['scope'],
  });
}

/**
 * Builds the requester. With a token source, a 401 answer invalidates the token and the call is
 * sent once more with a fresh one (the token may have been revoked or its grants changed).
 */
export function createApiRequester(options: {
  baseUrl: string;
  token: TokenProvider;
  fetch: FetchLike;
  timeout: number;
}): ApiRequester {
  const base = options.baseUrl.replace(/\/+$/, '');
  const provider = options.token;

  return async function request<T>(call: ApiCall): Promise<T> {
    const url = new URL(`${base}${call.path}`);
    for (const [name, value] of Object.entries(call.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const send = async (): Promise<Response> => {
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...(await authHeaders(provider, call.method, url.href)),
      };
      if (call.body !== undefined) headers['content-type'] = 'application/json';
      const body = call.body === undefined ? null : JSON.stringify(call.body);
      return fetchOrThrow(options.fetch, url.href, { method: call.method, headers, body }, options.timeout);
    };
    let response = await send();
    if (response.status === 401 && typeof provider === 'object' && provider.invalidate !== undefined) {
      await response.body?.cancel();
      await provider.invalidate();
      response = await send();
    }
    if (!response.ok) throw await toApiError(response, call);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    try {
      return (text === '' ? undefined : JSON.parse(text)) as T;
    } catch (cause) {
      throw new InvalidResponseError(
        `${call.method} ${call.path} answered ${response.status} with a body that is not JSON`,
        { cause },
      );
    }
  };
}
