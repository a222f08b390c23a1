/**
 * `createTokenSource`: client_credentials tokens with reuse, refresh ahead of expiry, one request
 * in flight, retries and a pluggable store.
 * @packageDocumentation
 */
import { ArgumentError } from '../errors/gatehouse-error.js';
import { isAbsoluteUrl } from '../util/http.js';
import { defaultSleep, withRetry } from '../util/retry.js';
import { normalizeScope } from '../util/scope.js';
import { createDpopKey } from '../dpop/dpop-key.js';
import { assertionSigner, clientAssertion } from './client-assertion.js';
import { federatedTokenReader, JWT_BEARER_GRANT_TYPE } from './federated-token.js';
import { discoverAuthorizationServer } from './discover.js';
import { requestToken, type TokenRequest } from './request-token.js';
import { isStoredToken, tokenStoreKey } from './store-key.js';
import { createMemoryTokenStore, type StoredToken } from './token-store.js';
import type { ExchangedToken, ExchangeTokenOptions, TokenSource, TokenSourceOptions } from './token-source-types.js';

const TOKEN_TYPE_PREFIX = 'urn:ietf:params:oauth:token-type:';

/** After a failed refresh ahead of expiry, the current token is served this long before the next try. */
const REFRESH_RETRY_PAUSE_MS = 30_000;

interface Entry {
  token: StoredToken;
  /** When to stop reusing the token, milliseconds since the epoch. */
  refreshAt: number;
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new ArgumentError(`${name} must be a non-empty string`);
  return value;
}

/**
 * Creates a token source for the OAuth 2.0 client credentials grant (RFC 6749 §4.4).
 *
 * - Reuses a token until `refreshBefore` seconds before it expires (at most half of the lifetime
 *   it had when received, so short-lived tokens are not refetched on every call). When a refresh
 *   ahead of expiry fails, the current token keeps being returned until it expires, with a new
 *   attempt at most every 30 s.
 * - Exactly one HTTP request is in flight per source, however many callers wait.
 * - Retries network errors, 429 and 5xx with capped exponential backoff and jitter, honouring
 *   `Retry-After`; never retries other 4xx.
 * - Discovers the token endpoint from RFC 8414 metadata once (unless `tokenEndpoint` is set).
 * - With `privateKey` or `signer`, authenticates with `private_key_jwt` (RFC 7523 §2.2): every
 *   request (and every retry) sends a fresh assertion, `iss` = `sub` = `clientId`, `aud` = the
 *   issuer identifier from discovery (`issuer` when `tokenEndpoint` is set), `exp` 60 s ahead.
 * - With `federatedToken` (a string, a function, or `{ file }` re-read per request), sends the token
 *   your platform issued (Kubernetes, GitHub Actions, SPIFFE) as the client assertion (RFC 7523
 *   §2.2; `clientId` optional) or, with `grant: 'jwt-bearer'`, as the JWT bearer grant (§2.1).
 * - With `dpop: true`, generates an ES256 key kept by this source, sends a DPoP proof with each
 *   token request and gets tokens bound to that key (RFC 9449 §5); `dpopProof()` signs proofs for
 *   API calls. Tokens are stored under a key that includes the key's thumbprint.
 *
 * @throws {@link OAuthError} with the RFC 6749 §5.2 `error` (e.g. `invalid_client`),
 *   {@link NetworkError}, {@link HttpError} (discovery), {@link InvalidResponseError};
 *   {@link ArgumentError} synchronously for invalid options.
 *
 * @example
 * ```ts
 * const source = createTokenSource({
 *   issuer: 'https://auth.example.com',
 *   clientId: process.env.FRONT_ID!,
 *   clientSecret: process.env.FRONT_SECRET!,
 *   scope: 'media:read fonts:read',
 * });
 * const res = await fetch(url, { headers: { authorization: `Bearer ${await source.getToken()}` } });
 * ```
 */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  if (!isAbsoluteUrl(options.issuer)) throw new ArgumentError('issuer must be an absolute URL');
  const issuer = options.issuer;
  const refreshBeforeMs = (options.refreshBefore ?? 300) * 1000;
  if (!Number.isFinite(refreshBeforeMs) || refreshBeforeMs < 0)
    throw new ArgumentError('refreshBefore must be a non-negative number of seconds');
  const scope = options.scope === undefined ? undefined : normalizeScope(options.scope) || undefined;
  const signer = assertionSigner(options);
  const federated = options.federatedToken === undefined ? undefined : federatedTokenReader(options.federatedToken);
  const grant = options.grant ?? 'client_credentials';
  if (grant !== 'client_credentials' && grant !== 'jwt-bearer')
    throw new ArgumentError("grant must be 'client_credentials' or 'jwt-bearer'");
  if (grant === 'jwt-bearer' && federated === undefined)
    throw new ArgumentError("grant 'jwt-bearer' needs federatedToken");
  const clientId =
    federated !== undefined && options.clientId === undefined ? '' : requireString(options.clientId, 'clientId');
  const bearerGrant = grant === 'jwt-bearer' ? federated : undefined;
  const clock = options.clock ?? Date.now;
  const dpop = options.dpop === true ? createDpopKey(clock) : undefined;
  const request: TokenRequest = {
    clientId,
    clientSecret: options.clientSecret,
    authMethod:
      bearerGrant !== undefined
        ? 'none'
        : signer === undefined && federated === undefined
          ? (options.authMethod ?? 'client_secret_basic')
          : 'private_key_jwt',
    ...(bearerGrant && { grant: { grantType: JWT_BEARER_GRANT_TYPE, params: {} }, grantAssertion: bearerGrant }),
    dpopProof: dpop === undefined ? undefined : (htm, htu) => dpop.proof(htm, htu),
    audience: options.audience,
    scope,
  };
  const store = options.store ?? createMemoryTokenStore();
  const baseKey = tokenStoreKey({ issuer, clientId: clientId || 'federated', audience: options.audience, scope });
  let storeKey: Promise<string> | undefined;
  const key = (): Promise<string> =>
    (storeKey ??=
      dpop === undefined ? Promise.resolve(baseKey) : dpop.thumbprint().then((jkt) => `${baseKey}:dpop:${jkt}`));
  const tokenType = dpop === undefined ? 'Bearer' : 'DPoP';
  const jwkKid =
    typeof options.privateKey === 'object' && 'kty' in options.privateKey ? options.privateKey.kid : undefined;
  const kid = options.kid ?? jwkKid;
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeout = options.timeout ?? 10_000;
  const retryDeps = { sleep: options.sleep ?? defaultSleep, random: options.random ?? Math.random };
  const retry = options.retry ?? {};

  let current: Entry | undefined;
  let inflight: Promise<Entry> | undefined;
  let endpoint: Promise<{ tokenEndpoint: string; issuer: string }> | undefined;
  let generation = 0;
  let skipStore = false;

  function tokenEndpoint(): Promise<{ tokenEndpoint: string; issuer: string }> {
    if (options.tokenEndpoint !== undefined) return Promise.resolve({ tokenEndpoint: options.tokenEndpoint, issuer });
    endpoint ??= discoverAuthorizationServer({ issuer, fetch: fetchImpl, clock, retry, timeout, ...retryDeps }).then(
      (metadata) => ({ tokenEndpoint: metadata.token_endpoint, issuer: metadata.issuer }),
      (err: unknown) => {
        endpoint = undefined; // a failed discovery is tried again on the next call
        throw err;
      },
    );
    return endpoint;
  }

  async function obtain(): Promise<Entry> {
    if (!skipStore) {
      const stored: unknown = await store.get(await key());
      if (
        isStoredToken(stored) &&
        (stored.token_type ?? 'Bearer') === tokenType &&
        stored.expires_at - refreshBeforeMs > clock()
      ) {
        return { token: stored, refreshAt: stored.expires_at - refreshBeforeMs };
      }
    }
    const { tokenEndpoint: url, issuer: audience } = await tokenEndpoint();
    const sign =
      signer === undefined
        ? bearerGrant === undefined
          ? federated
          : undefined
        : () =>
            clientAssertion(signer, clientId, audience, clock(), {
              ...(options.alg && { alg: options.alg }),
              ...(kid && { kid }),
            });
    const receivedAt = clock();
    const token = await withRetry(
      () => requestToken(url, { ...request, assertion: sign }, { fetch: fetchImpl, clock, timeout }),
      retry,
      retryDeps,
    );
    await store.set(await key(), token);
    skipStore = false;
    const lifetime = token.expires_at - receivedAt;
    return { token, refreshAt: token.expires_at - Math.min(refreshBeforeMs, lifetime / 2) };
  }

  function load(): Promise<Entry> {
    if (inflight !== undefined) return inflight;
    const started = generation;
    const stale = current;
    const pending = obtain().then(
      (entry) => {
        if (started === generation) current = entry;
        return entry;
      },
      (err: unknown) => {
        // A refresh ahead of expiry failed: keep serving the current token while it is valid,
        // and try again after a pause instead of on every call.
        if (stale === undefined || started !== generation || stale.token.expires_at <= clock()) throw err;
        current = { token: stale.token, refreshAt: Math.min(stale.token.expires_at, clock() + REFRESH_RETRY_PAUSE_MS) };
        return current;
      },
    );
    const settle = () => {
      if (inflight === pending) inflight = undefined;
    };
    pending.then(settle, settle);
    inflight = pending;
    return pending;
  }

  async function entry(): Promise<Entry> {
    if (current !== undefined && clock() < current.refreshAt) return current;
    return load();
  }

  /** One token exchange (RFC 8693 §2.1) as this client, with retries; nothing stored. */
  async function exchangeToken(exchange: ExchangeTokenOptions): Promise<ExchangedToken> {
    const subjectToken = requireString(exchange.subjectToken, 'subjectToken');
    const type = exchange.subjectTokenType ?? 'access_token';
    const exchangeScope = exchange.scope === undefined ? undefined : normalizeScope(exchange.scope) || undefined;
    const { tokenEndpoint: url, issuer: aud } = await tokenEndpoint();
    if (bearerGrant !== undefined)
      throw new ArgumentError("exchangeToken needs client authentication, not grant 'jwt-bearer'");
    const sign =
      signer === undefined
        ? federated
        : () =>
            clientAssertion(signer, clientId, aud, clock(), {
              ...(options.alg && { alg: options.alg }),
              ...(kid && { kid }),
            });
    const token = await withRetry(
      () =>
        requestToken(
          url,
          {
            ...request,
            audience: exchange.audience,
            scope: exchangeScope,
            assertion: sign,
            grant: {
              grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
              params: {
                subject_token: subjectToken,
                subject_token_type: type.includes(':') ? type : `${TOKEN_TYPE_PREFIX}${type}`,
                ...(exchange.actorToken !== undefined && {
                  actor_token: exchange.actorToken,
                  actor_token_type: `${TOKEN_TYPE_PREFIX}access_token`,
                }),
              },
            },
          },
          { fetch: fetchImpl, clock, timeout },
        ),
      retry,
      retryDeps,
    );
    return {
      access_token: token.access_token,
      token_type: token.token_type,
      expires_in: Math.max(0, Math.floor((token.expires_at - clock()) / 1000)),
      scope: token.scope,
      issued_token_type: token.issued_token_type ?? `${TOKEN_TYPE_PREFIX}access_token`,
    };
  }

  return {
    exchangeToken,
    getToken: async () => (await entry()).token.access_token,
    getTokenResponse: async () => {
      const { token } = await entry();
      const expiresIn = Math.max(0, Math.floor((token.expires_at - clock()) / 1000));
      return {
        access_token: token.access_token,
        token_type: token.token_type ?? 'Bearer',
        expires_in: expiresIn,
        scope: token.scope,
      };
    },
    invalidate: async () => {
      generation++;
      current = undefined;
      skipStore = true;
      await store.delete?.(await key());
    },
    ...(dpop && { dpopProof: (htm: string, htu: string, accessToken?: string) => dpop.proof(htm, htu, accessToken) }),
  };
}
