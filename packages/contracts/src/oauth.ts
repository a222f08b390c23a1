/**
 * OAuth 2.0 wire types: token responses, error codes and metadata (RFC 6749, 6750, 7009, 7662, 8414, 8707, 9068).
 * @packageDocumentation
 */
import { Type, type Static } from '@sinclair/typebox';

/** Error codes of RFC 6749 §5.2, RFC 8707 §2 and RFC 6750 §3.1 that Gatehouse answers with. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unsupported_token_type'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_dpop_proof';

/** RFC 6749 §5.2 error body. */
export const OAuthErrorBody = Type.Object({
  error: Type.String({ description: 'RFC 6749 §5.2 error code' }),
  error_description: Type.Optional(Type.String()),
});
export type OAuthErrorBody = Static<typeof OAuthErrorBody>;

/** RFC 6749 §5.1 successful token response. `expires_in` is in seconds. */
export const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Union([Type.Literal('Bearer'), Type.Literal('DPoP')], {
    description: "`DPoP` when the token is bound to the key of the request's DPoP proof (RFC 9449 §5)",
  }),
  expires_in: Type.Integer({ description: 'Seconds the returned token has left' }),
  scope: Type.String({ description: 'Space-separated scopes the token carries' }),
  issued_token_type: Type.Optional(
    Type.String({ description: 'Of a token exchange: the type of the issued token (RFC 8693 §2.2.1)' }),
  ),
});
export type TokenResponse = Static<typeof TokenResponse>;

/** RFC 7662 §2.2 introspection response (inactive tokens answer only `{active:false}`). */
export const IntrospectionResponse = Type.Object({
  active: Type.Boolean(),
  scope: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
  token_type: Type.Optional(Type.String()),
  exp: Type.Optional(Type.Integer()),
  iat: Type.Optional(Type.Integer()),
  sub: Type.Optional(Type.String()),
  aud: Type.Optional(Type.String()),
  iss: Type.Optional(Type.String()),
  jti: Type.Optional(Type.String()),
  environment: Type.Optional(Type.String()),
  cnf: Type.Optional(
    Type.Object(
      { jkt: Type.String() },
      { description: 'Confirmation of a DPoP-bound token: the JWK SHA-256 thumbprint (RFC 9449 §6.2)' },
    ),
  ),
  act: Type.Optional(
    Type.Unknown({ description: 'Of an exchanged token: who acts for the subject, nested (RFC 8693 §4.1)' }),
  ),
  exchanged: Type.Optional(Type.Boolean({ description: 'True for a token issued by token exchange (RFC 8693)' })),
  subject_type: Type.Optional(
    Type.String({ description: 'Of an exchanged token: whom `sub` names, `integration` or `customer`' }),
  ),
});
export type IntrospectionResponse = Static<typeof IntrospectionResponse>;

/** Claims of a Gatehouse access token (RFC 9068 §2.2 plus `environment`). Times in seconds since the epoch. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  scope: string;
  environment: string;
  /** Present on DPoP-bound tokens: the SHA-256 JWK thumbprint of the proof key (RFC 9449 §6.1). */
  cnf?: { jkt: string };
  /** Of an exchanged token: the acting party, nesting earlier actors (RFC 8693 §4.1). */
  act?: ActClaim;
  /** Of an exchanged token: whom `sub` names (a customer id or an integration's client_id). */
  subject_type?: 'integration' | 'customer';
}

/** The `act` claim (RFC 8693 §4.1): the actor's `sub`, and the prior actor nested. */
export interface ActClaim {
  sub: string;
  act?: ActClaim;
}

/** The grant type of token exchange (RFC 8693 §2.1). */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** Token type identifiers (RFC 8693 §3). */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

/** The JWT bearer grant (RFC 7523 §2.1): a federated credential's platform token as the grant. */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Grant types the token endpoint supports. */
export const SUPPORTED_GRANT_TYPES = ['client_credentials', TOKEN_EXCHANGE_GRANT, JWT_BEARER_GRANT] as const;
