/**
 * Request parameters of the OAuth endpoints (`application/x-www-form-urlencoded`, RFC 6749
 * App. B, or a flat JSON object of strings), as documented in the OpenAPI document. The endpoints
 * check them themselves, answering RFC 6749 §5.2 errors; these schemas describe, they don't refuse.
 * One object per grant and one for client authentication, merged into the token request, so a new
 * grant adds its own (e.g. `urn:ietf:params:oauth:grant-type:jwt-bearer`, RFC 7523 §2.1:
 * `assertion`) without touching the others.
 * @packageDocumentation
 */
import { Type, type TObject, type TProperties } from '@sinclair/typebox';
import { ACCESS_TOKEN_TYPE, SUPPORTED_GRANT_TYPES } from './oauth.js';

/**
 * Of an optional parameter: an empty example, so that a form built from the schema (Swagger UI's
 * "Try it out") leaves it out unless filled, instead of sending the type's placeholder.
 */
const UNSET = { examples: [''] };

/** `client_assertion_type` of a client assertion (RFC 7523 §2.2). */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * Client authentication in the body (RFC 6749 §2.3.1 `client_secret_post`, RFC 7523 §2.2
 * `private_key_jwt`). With `client_secret_basic` (the `Authorization: Basic` header) none is sent.
 */
export const ClientAuthenticationParameters = Type.Object({
  client_id: Type.Optional(
    Type.String({
      ...UNSET,
      description: 'client_secret_post: the client id (with client_secret). Optional otherwise.',
    }),
  ),
  client_secret: Type.Optional(
    Type.String({
      ...UNSET,
      description: 'client_secret_post (RFC 6749 §2.3.1): the client secret. Never with a header.',
    }),
  ),
  client_assertion_type: Type.Optional(
    Type.String({ ...UNSET, description: `private_key_jwt (RFC 7523 §2.2): \`${CLIENT_ASSERTION_TYPE}\`` }),
  ),
  client_assertion: Type.Optional(
    Type.String({
      ...UNSET,
      description:
        "private_key_jwt: a JWT signed with one of the integration's registered keys (iss = sub = client_id, aud = the token endpoint or the issuer, exp, jti); or a platform token whose iss and sub match a federated credential (RFC 7523 §2.2).",
    }),
  ),
});

/** Parameters of the `client_credentials` grant (RFC 6749 §4.4.2, RFC 8707 §2). */
export const ClientCredentialsParameters = Type.Object({
  grant_type: Type.String({
    examples: ['client_credentials'],
    description: `The grant: ${SUPPORTED_GRANT_TYPES.map((g) => `\`${g}\``).join(', ')} (RFC 6749 §4.4, RFC 8693 §2.1, RFC 7523 §2.1)`,
  }),
  scope: Type.Optional(
    Type.String({
      ...UNSET,
      description: 'Space-separated scopes; absent: every scope the integration holds on the API',
    }),
  ),
  audience: Type.Optional(Type.String({ ...UNSET, description: "The API's audience; absent: the Environment API" })),
  resource: Type.Optional(
    Type.String({ ...UNSET, description: 'RFC 8707: the same as audience (equal when both are sent)' }),
  ),
});

/** Parameters of the token-exchange grant (RFC 8693 §2.1), besides `scope` and `audience`. */
export const TokenExchangeParameters = Type.Object({
  subject_token: Type.Optional(
    Type.String({ ...UNSET, description: 'Token exchange: the token of the subject acted for' }),
  ),
  subject_token_type: Type.Optional(
    Type.String({
      ...UNSET,
      description: `Token exchange: \`${ACCESS_TOKEN_TYPE}\` or \`urn:ietf:params:oauth:token-type:jwt\``,
    }),
  ),
  actor_token: Type.Optional(
    Type.String({ ...UNSET, description: 'Token exchange: an active access token of the calling client (its own)' }),
  ),
  actor_token_type: Type.Optional(Type.String({ ...UNSET, description: `Token exchange: \`${ACCESS_TOKEN_TYPE}\`` })),
  requested_token_type: Type.Optional(
    Type.String({ ...UNSET, description: `Token exchange: only \`${ACCESS_TOKEN_TYPE}\` is issued` }),
  ),
});

/** Parameters of the JWT bearer grant (RFC 7523 §2.1), besides `scope` and `audience`. */
export const JwtBearerParameters = Type.Object({
  assertion: Type.Optional(
    Type.String({
      ...UNSET,
      description:
        "JWT bearer grant: a platform token (Kubernetes, GitHub Actions, SPIFFE) whose iss and sub match one integration's federated credential; no client authentication is sent",
    }),
  ),
});

/** One flat object of every property of `parts` (later parts win), with `options`. */
function merged(parts: readonly TObject[], options: Record<string, unknown>): TObject {
  const properties: TProperties = {};
  for (const part of parts) Object.assign(properties, part.properties);
  return Type.Object(properties, options);
}

/** Body of `POST /oauth/token`: a grant's parameters and, unless in a header, the client's credentials. */
export const TokenRequest = merged(
  // A new grant adds its parameters here (and its `grant_type` to SUPPORTED_GRANT_TYPES).
  [ClientCredentialsParameters, TokenExchangeParameters, JwtBearerParameters, ClientAuthenticationParameters],
  {
    description:
      'A token request (RFC 6749 §4.4.2; RFC 8693 §2.1; RFC 7523 §2.1). Parameters of other grants are ignored.',
    examples: [{ grant_type: 'client_credentials', scope: 'projects:read' }],
  },
);

/** Body of `POST /oauth/revoke` (RFC 7009 §2.1). */
export const RevocationRequest = merged(
  [
    Type.Object({
      token: Type.String({ ...UNSET, description: "The access token to revoke (one of the calling client's own)" }),
      token_type_hint: Type.Optional(Type.String({ ...UNSET, description: 'Accepted and ignored (RFC 7009 §2.1)' })),
    }),
    ClientAuthenticationParameters,
  ],
  { description: 'A revocation request (RFC 7009 §2.1)', examples: [{ token: 'eyJhbGciOiJFUzI1NiIs…' }] },
);

/** Body of `POST /oauth/introspect` (RFC 7662 §2.1). */
export const IntrospectionRequest = merged(
  [
    Type.Object({
      token: Type.String({
        ...UNSET,
        description: "The access token to introspect (of the calling client's environment)",
      }),
      token_type_hint: Type.Optional(Type.String({ ...UNSET, description: 'Accepted and ignored (RFC 7662 §2.1)' })),
    }),
    ClientAuthenticationParameters,
  ],
  { description: 'An introspection request (RFC 7662 §2.1)', examples: [{ token: 'eyJhbGciOiJFUzI1NiIs…' }] },
);
