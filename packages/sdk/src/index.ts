/**
 * `@gatehouse/client`: the Gatehouse client SDK.
 *
 * - {@link createTokenSource}: client_credentials tokens (secret or private_key_jwt, optionally DPoP-bound) with reuse, refresh, single flight, retries, pluggable store.
 * - {@link createAuthData}: the back-end-for-front-end `/user/authdata` route that refuses tokens able to write.
 * - {@link createVerifier}: access-token verification and RFC 6750 middleware for Fastify, Express and Hono.
 * - {@link signCustomerToken}: customer and admin tokens signed by a tenant's back end.
 * - {@link GatehouseClient}: typed Environment API calls, `self()`.
 *
 * @example
 * ```ts
 * import { createTokenSource, GatehouseClient } from '@gatehouse/client';
 * const tokenSource = createTokenSource({ issuer, clientId, clientSecret });
 * const client = new GatehouseClient({ baseUrl: issuer, tokenSource, environment: 'default' });
 * console.log(await client.self());
 * ```
 * @packageDocumentation
 */
export { GatehouseError, ArgumentError } from './errors/gatehouse-error.js';
export { HttpError, OAuthError, NetworkError, InvalidResponseError } from './errors/http-errors.js';
export {
  TokenVerificationError,
  TokenMissingError,
  BearerRequestError,
  TokenInvalidError,
  TokenExpiredError,
  InsufficientScopeError,
  JwksUnavailableError,
  DpopProofError,
} from './errors/verification-errors.js';
export { WriteScopeError } from './errors/write-scope-error.js';
export { FRONT_END_SCOPES } from './auth-data/check-token-scopes.js';
export { GatehouseApiError } from './errors/api-error.js';

export type { Clock, FetchLike, Sleep } from './types.js';
export type { RetryOptions } from './util/retry.js';
export type {
  ExpressNextLike,
  ExpressRequestLike,
  ExpressResponseLike,
  FastifyReplyLike,
  FastifyRequestLike,
  HeaderBag,
  HonoContextLike,
} from './adapters/framework-types.js';

export { discoverAuthorizationServer, metadataUrl } from './token-source/discover.js';
export type { AuthorizationServerMetadata, DiscoverOptions } from './token-source/discover.js';
export { createMemoryTokenStore } from './token-source/token-store.js';
export type { StoredToken, TokenStore } from './token-source/token-store.js';
export type { ClientAuthMethod } from './token-source/request-token.js';
export type { AssertionSigner } from './token-source/client-assertion.js';
export type { FederatedGrant, FederatedToken } from './token-source/federated-token.js';
export { createDpopKey } from './dpop/dpop-key.js';
export type { DpopKey } from './dpop/dpop-key.js';
export { createTokenSource } from './token-source/create-token-source.js';
export type {
  ExchangedToken,
  ExchangeTokenOptions,
  TokenSource,
  TokenSourceOptions,
} from './token-source/token-source-types.js';

export { createAuthData } from './auth-data/create-auth-data.js';
export type { AuthData, AuthDataLogger, AuthDataOptions, AuthDataProvider } from './auth-data/create-auth-data.js';
export type { ScopeAllowance } from './auth-data/check-token-scopes.js';

export { createVerifier } from './verifier/create-verifier.js';
export type { VerifiedClaims, Verifier, VerifierOptions, VerifyOptions } from './verifier/create-verifier.js';
export type { MiddlewareOptions } from './verifier/verifier-middleware.js';
export type { DpopVerifierOptions, RequestCredentials } from './verifier/verify-request.js';
export type { ProtectedResourceMetadataOptions, ResourceMetadata } from './verifier/resource-metadata.js';
export { bearerToken } from './verifier/bearer-token.js';

export { signCustomerToken } from './customer-token/sign-customer-token.js';
export type { CustomerTokenOptions } from './customer-token/sign-customer-token.js';
export type { CustomerTokenAlgorithm, PrivateKeyInput } from './customer-token/signing-key.js';

export { GatehouseClient } from './client/gatehouse-client.js';
export type { GatehouseClientOptions } from './client/gatehouse-client.js';
export type {
  AssetsApi,
  Collection,
  CustomersApi,
  CustomerUpdate,
  EnvironmentOption,
  ListOptions,
  OutputsApi,
  Page,
  ProjectsApi,
} from './client/resources.js';

/** Wire types of the Gatehouse APIs, re-exported so callers can name them. */
export type {
  AccessTokenClaims,
  ActClaim,
  Asset,
  Customer,
  OAuthErrorCode,
  Output,
  Project,
  Self,
  TokenResponse,
} from '@gatehouse/contracts';
