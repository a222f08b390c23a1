/**
 * The options and the interface of a token source.
 * @packageDocumentation
 */
import type { TokenResponse } from '@gatehouse/contracts';
import type { RetryOptions } from '../util/retry.js';
import type { Clock, FetchLike, Sleep } from '../types.js';
import type { PrivateKeyInput } from '../customer-token/signing-key.js';
import type { AssertionSigner } from './client-assertion.js';
import type { FederatedGrant, FederatedToken } from './federated-token.js';
import type { ClientAuthMethod } from './request-token.js';
import type { TokenStore } from './token-store.js';

/**
 * Options of {@link createTokenSource}. Durations are in seconds unless named otherwise.
 *
 * @example
 * ```ts
 * const options: TokenSourceOptions = { issuer, clientId, clientSecret, audience: 'https://api.example.com', scope: ['reports:read'], refreshBefore: 600 };
 * ```
 */
export interface TokenSourceOptions {
  /** Issuer URL of the Gatehouse server; its RFC 8414 metadata names the token endpoint. */
  issuer: string;
  /** The integration's client_id; optional with `federatedToken` (its `iss` and `sub` name the integration). */
  clientId?: string;
  /** The client secret; pass exactly one of `clientSecret`, `privateKey`, `signer` and `federatedToken`. */
  clientSecret?: string;
  /**
   * Authenticate with a token your platform issues (Kubernetes service account, GitHub Actions,
   * SPIFFE) that a federated credential of the integration trusts: the token, a function returning
   * it, or `{ file }` re-read for each token request.
   */
  federatedToken?: FederatedToken;
  /**
   * How `federatedToken` is sent: `client_credentials` (default; as `client_assertion`, RFC 7523
   * §2.2) or `jwt-bearer` (as the grant's `assertion`, RFC 7523 §2.1).
   */
  grant?: FederatedGrant;
  /**
   * Authenticate with `private_key_jwt` (RFC 7523 §2.2): a PKCS#8 PEM, a private JWK, or a
   * `CryptoKey`/`KeyObject` whose public half is registered on the integration.
   */
  privateKey?: PrivateKeyInput;
  /** `kid` header of client assertions (the registered key's `kid`; default: a JWK `privateKey`'s `kid`). */
  kid?: string;
  /** Assertion algorithm (default: the JWK's `alg`/curve, the `CryptoKey`'s algorithm, else ES256). */
  alg?: string;
  /** Authenticate with `private_key_jwt` through your own signer (an HSM or KMS); it gets the claims and `{ alg?, kid? }`. */
  signer?: AssertionSigner;
  /** Request DPoP-bound tokens (RFC 9449) with an ES256 key generated and kept by this source. */
  dpop?: boolean;
  /** API (`audience`, RFC 8707) the token is for; absent means the Environment API. */
  audience?: string;
  /** Scopes to ask for (space-separated or a list); absent means everything granted. */
  scope?: string | readonly string[];
  /** Seconds before expiry at which the token is refreshed (default 300). */
  refreshBefore?: number;
  /** Where tokens are kept (default: a new in-memory store). */
  store?: TokenStore;
  /** RFC 6749 §2.3.1 client authentication with a secret (default `client_secret_basic`). */
  authMethod?: ClientAuthMethod;
  /** Token endpoint URL; skips discovery when set. */
  tokenEndpoint?: string;
  retry?: RetryOptions;
  /** Per-request timeout in milliseconds (default 10 000). */
  timeout?: number;
  fetch?: FetchLike;
  clock?: Clock;
  /** Waits between retries (default `setTimeout`). */
  sleep?: Sleep;
  /** Jitter source in [0, 1) (default `Math.random`). */
  random?: () => number;
}

/**
 * A source of access tokens for one (issuer, client, audience, scope).
 *
 * @example
 * ```ts
 * const source: TokenSource = createTokenSource({ issuer, clientId, clientSecret });
 * const { access_token, expires_in } = await source.getTokenResponse();
 * await source.invalidate(); // after a 401 from an API
 * ```
 */
export interface TokenSource {
  /** A valid access token, fetched only when none is stored or the stored one is near expiry. */
  getToken(): Promise<string>;
  /** The same token as an RFC 6749 §5.1 response; `expires_in` is the seconds it has left now. */
  getTokenResponse(): Promise<TokenResponse>;
  /** Forgets the current token (for instance after a 401 from an API); the next call fetches anew. */
  invalidate(): Promise<void>;
  /**
   * Present with `dpop: true`: a fresh DPoP proof (RFC 9449 §4) for `htm` `htu` signed by this
   * source's key, with `ath` when `accessToken` is given. Send it as the `DPoP` header beside
   * `Authorization: DPoP <token>`.
   */
  dpopProof?(htm: string, htu: string, accessToken?: string): Promise<string>;
  /**
   * Exchanges `subjectToken` for a token acting for its subject (RFC 8693 token exchange), as this
   * source's client (which must have token exchange enabled). Not cached here: the server answers
   * the same token for the same subject token, audience and scopes.
   * @throws {@link OAuthError} (`unauthorized_client`, `invalid_grant`, `invalid_scope`,
   *   `invalid_target`, `invalid_request`), {@link NetworkError}, {@link InvalidResponseError}.
   */
  exchangeToken(options: ExchangeTokenOptions): Promise<ExchangedToken>;
}

/**
 * What {@link TokenSource.exchangeToken} exchanges.
 *
 * @example
 * ```ts
 * const { access_token } = await source.exchangeToken({ subjectToken: customerJwt, subjectTokenType: 'jwt', audience: 'https://orders.example', scope: 'orders:read' });
 * ```
 */
export interface ExchangeTokenOptions {
  /** The token to act for: a Gatehouse access token, or a customer token your back end signed. */
  subjectToken: string;
  /** `access_token` (default) or `jwt` (a customer token), or a full RFC 8693 §3 type URI. */
  subjectTokenType?: 'access_token' | 'jwt' | (string & {});
  /** API the new token is for; absent means the Environment API. */
  audience?: string;
  /** Scopes to ask for (space-separated or a list); absent means all the subject and the client share. */
  scope?: string | readonly string[];
  /** This client's own token, proving who acts (`actor_token`, RFC 8693 §2.1). */
  actorToken?: string;
}

/** An exchanged token as RFC 8693 §2.2.1 answers it; `expires_in` in seconds. */
export interface ExchangedToken extends TokenResponse {
  issued_token_type: string;
}
