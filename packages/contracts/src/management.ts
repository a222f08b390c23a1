/**
 * Management API (`/api/v1/environments/...`) shared by the console, the CLI and automation.
 * Secrets appear only in the responses of creation and rotation.
 * @packageDocumentation
 */
import { Type, type Static } from '@sinclair/typebox';

const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: 'Environment slug' });
const Seconds = (description: string) => Type.Integer({ minimum: 60, maximum: 31_536_000, description });

/** An environment (tenant). Durations are in seconds. */
export const Environment = Type.Object({
  slug: Slug,
  name: Type.String(),
  token_lifetime: Type.Integer({ description: 'Access-token lifetime, seconds' }),
  refresh_before: Type.Integer({
    description: 'Seconds before expiry at which the token endpoint stops reusing a token',
  }),
  customer_scopes: Type.Array(Type.String()),
  customer_token_max_lifetime: Type.Integer({ description: 'Longest accepted customer-token lifetime, seconds' }),
  require_totp: Type.Boolean({
    description:
      'Members must have TOTP to act here with a password session (PUT …/require-totp; operators follow the server-wide setting)',
  }),
  integration_count: Type.Integer(),
  created_at: Type.String(),
});
export type Environment = Static<typeof Environment>;

/** Body of `POST /api/v1/environments`. */
export const EnvironmentCreate = Type.Object(
  { slug: Slug, name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);
export type EnvironmentCreate = Static<typeof EnvironmentCreate>;

/** Body of `PATCH /api/v1/environments/{env}`. `refresh_before >= token_lifetime` switches reuse off. */
export const EnvironmentUpdate = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    token_lifetime: Type.Optional(Seconds('Access-token lifetime, seconds')),
    refresh_before: Type.Optional(Type.Integer({ minimum: 0, maximum: 31_536_000 })),
    customer_scopes: Type.Optional(Type.Array(Type.String(), { maxItems: 100 })),
    customer_token_max_lifetime: Type.Optional(Seconds('Longest customer-token lifetime, seconds')),
  },
  { additionalProperties: false },
);
export type EnvironmentUpdate = Static<typeof EnvironmentUpdate>;

/**
 * A public JSON Web Key (RFC 7517 §4) as registered for `private_key_jwt`. Only its shape is bounded
 * here; the server refuses private members, symmetric keys and algorithms it does not accept.
 */
export const Jwk = Type.Object(
  {
    kty: Type.String({ maxLength: 10 }),
    kid: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    alg: Type.Optional(Type.String({ maxLength: 16 })),
  },
  {
    additionalProperties: Type.Union([
      Type.String({ maxLength: 2048 }),
      Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 10 }),
    ]),
    maxProperties: 20,
  },
);
export type Jwk = Static<typeof Jwk>;

/** A JWK Set (RFC 7517 §5): at most 5 keys (two during a rotation is the common case). */
export const Jwks = Type.Object(
  { keys: Type.Array(Jwk, { minItems: 1, maxItems: 5 }) },
  { additionalProperties: false },
);
export type Jwks = Static<typeof Jwks>;

/** A registered public key of an integration. `created_at` ISO 8601. */
export const ClientKey = Type.Object({
  kid: Type.String(),
  alg: Type.String(),
  kty: Type.String(),
  jwk: Jwk,
  created_at: Type.String(),
});
export type ClientKey = Static<typeof ClientKey>;

/** Body of `POST …/integrations/{client_id}/keys`. */
export const ClientKeyAdd = Type.Object({ jwk: Jwk }, { additionalProperties: false });
export type ClientKeyAdd = Static<typeof ClientKeyAdd>;

/** Scopes granted on one API (`audience`). */
export const Grant = Type.Object({ audience: Type.String(), scopes: Type.Array(Type.String()) });
export type Grant = Static<typeof Grant>;

/** Whether the caller may take one action (described by `description`), and if not why. */
const decision = (description: string) =>
  Type.Object(
    {
      allowed: Type.Boolean(),
      reason: Type.Union([Type.String(), Type.Null()], {
        description: 'Why not: the error description the route would answer (null when allowed)',
      }),
    },
    { description },
  );

/**
 * What the caller may do to an integration now, decided by the same policy as the routes (role
 * capabilities, scopes, the grants it may manage, whether it has a secret): an action reported
 * allowed is one the route accepts, one refused is answered with the error whose description is `reason`.
 */
export const IntegrationActions = Type.Object(
  {
    update: decision('PATCH: name, description, enable/disable, grants (within yours), quota'),
    rotate_secret: decision('POST …/rotate-secret; never for a key-only integration (it has no secret: 409)'),
    revoke_tokens: decision('POST …/revoke-tokens'),
    manage_keys: decision('POST …/keys and DELETE …/keys/{kid}'),
    delete: decision('DELETE the integration'),
  },
  { description: 'What you may do to this integration now, and why not' },
);
export type IntegrationActions = Static<typeof IntegrationActions>;

/** An integration (OAuth client). `scopes` are its Environment API scopes; `grants` cover every API. */
/** Whether an integration may use the token-exchange grant (RFC 8693), and for which audiences. */
export const TokenExchangeSetting = Type.Object(
  {
    enabled: Type.Boolean({ description: 'It may exchange tokens at /oauth/token (off by default)' }),
    audiences: Type.Union(
      [Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 100 }), Type.Null()],
      { description: 'Audiences it may exchange for; null: any audience it holds grants on' },
    ),
  },
  { additionalProperties: false },
);
export type TokenExchangeSetting = Static<typeof TokenExchangeSetting>;

/** Body field changing the token-exchange setting (`audiences` absent: unchanged). */
export const TokenExchangeUpdate = Type.Object(
  {
    enabled: Type.Boolean(),
    audiences: Type.Optional(
      Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 100 }), Type.Null()]),
    ),
  },
  { additionalProperties: false },
);

export const Integration = Type.Object({
  id: Type.String(),
  client_id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  enabled: Type.Boolean(),
  environment: Type.String(),
  scopes: Type.Array(Type.String()),
  grants: Type.Array(Grant),
  token_quota_per_hour: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Tokens it may mint per hour; null: no quota',
  }),
  secret_expires_at: Type.Union([Type.String(), Type.Null()]),
  token_endpoint_auth_method: Type.Union([Type.Literal('client_secret_basic'), Type.Literal('private_key_jwt')], {
    description:
      '`private_key_jwt` for a key-only integration (no secret); `client_secret_basic` when it holds a secret (it may also hold keys)',
  }),
  jwks_uri: Type.Union([Type.String(), Type.Null()], {
    description: 'Where its public keys are fetched (RFC 7591 §2), besides its registered keys',
  }),
  dpop_bound_access_tokens: Type.Boolean({
    description: 'Its token requests must carry a DPoP proof and its tokens are bound to that key (RFC 9449 §5.2)',
  }),
  token_exchange: TokenExchangeSetting,
  warnings: Type.Array(Type.String(), {
    description: 'What an operator should look at, e.g. a read-only-named integration holding management scopes',
  }),
  last_used_at: Type.Union([Type.String(), Type.Null()], {
    description:
      'Its last token issuance or API call (ISO 8601; recorded in batches, up to a minute late); null: never used',
  }),
  secret_created_at: Type.Union([Type.String(), Type.Null()], {
    description: 'When its current secret was issued (ISO 8601); null: key-only, no secret',
  }),
  previous_secret_expires_at: Type.Union([Type.String(), Type.Null()], {
    description:
      'When the secret it rotated out stops working (end of the grace period, ISO 8601); null: no previous secret works',
  }),
  live_tokens: Type.Integer({ minimum: 0, description: 'Its access tokens that are neither expired nor revoked' }),
  actions: IntegrationActions,
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type Integration = Static<typeof Integration>;

/** Most federated credentials one integration holds. */
export const MAX_FEDERATED_CREDENTIALS = 20;
/** Most `claims` conditions of one federated credential. */
export const MAX_FEDERATED_CLAIMS = 10;

const FederatedClaimValue = Type.Union([Type.String({ maxLength: 1024 }), Type.Number(), Type.Boolean()]);

/**
 * Exact-match conditions on a platform token's claims, by dotted path (`repository_owner`,
 * `kubernetes.io.namespace`): at each level the longest key that is a prefix of the remaining path
 * is taken, so `kubernetes.io.namespace` reads `claims["kubernetes.io"].namespace`.
 */
export const FederatedClaims = Type.Record(
  Type.String({ minLength: 1, maxLength: 256, pattern: '^[^.](.*[^.])?$' }),
  FederatedClaimValue,
  { maxProperties: MAX_FEDERATED_CLAIMS, description: 'Exact-match conditions on other claims, by dotted path' },
);
export type FederatedClaims = Static<typeof FederatedClaims>;

/**
 * Body of `POST …/integrations/{client_id}/federated-credentials`: an issuer's tokens whose `sub`
 * is `subject` authenticate as the integration (RFC 7523 §2.1, §2.2).
 */
export const FederatedCredentialAdd = Type.Object(
  {
    issuer: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: 'The https issuer identifier (`iss`); its keys come from its OpenID discovery document',
    }),
    subject: Type.String({ minLength: 1, maxLength: 512, description: 'The exact `sub` of the platform token' }),
    audience: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description: "The `aud` the token must carry; absent: this server's issuer identifier",
      }),
    ),
    jwks_uri: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2000, description: "The issuer's JWKS, instead of discovery" }),
    ),
    claims: Type.Optional(FederatedClaims),
  },
  { additionalProperties: false },
);
export type FederatedCredentialAdd = Static<typeof FederatedCredentialAdd>;

/** A federated credential of an integration. */
export const FederatedCredential = Type.Object({
  id: Type.String(),
  issuer: Type.String(),
  subject: Type.String(),
  audience: Type.Union([Type.String(), Type.Null()], { description: "null: this server's issuer identifier" }),
  jwks_uri: Type.Union([Type.String(), Type.Null()], { description: 'null: from the discovery document' }),
  claims: FederatedClaims,
  created_at: Type.String(),
});
export type FederatedCredential = Static<typeof FederatedCredential>;

/** Body of `POST /environments/{env}/integrations`: `scopes` or `preset` (not both). */
export const IntegrationCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    preset: Type.Optional(Type.Union([Type.Literal('read-only'), Type.Literal('all-permissions')])),
    scopes: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 200 })),
    grants: Type.Optional(Type.Array(Grant, { maxItems: 50 })),
    token_endpoint_auth_method: Type.Optional(
      Type.Union(
        [Type.Literal('client_secret_basic'), Type.Literal('client_secret_post'), Type.Literal('private_key_jwt')],
        {
          description:
            '`private_key_jwt` creates an integration without a secret: `jwks`, `jwks_uri` or `federated_credentials` required',
        },
      ),
    ),
    jwks: Type.Optional(Jwks),
    jwks_uri: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2000, description: 'https URL of its JWKS (RFC 7591 §2)' }),
    ),
    federated_credentials: Type.Optional(
      Type.Array(FederatedCredentialAdd, {
        minItems: 1,
        maxItems: MAX_FEDERATED_CREDENTIALS,
        description: 'Platform tokens it authenticates with (with `private_key_jwt`: it may hold only these)',
      }),
    ),
    dpop_bound_access_tokens: Type.Optional(Type.Boolean()),
    token_exchange: Type.Optional(TokenExchangeUpdate),
  },
  { additionalProperties: false },
);
export type IntegrationCreate = Static<typeof IntegrationCreate>;

/** Answer to creation: the integration plus its secret, shown this once (none for a key-only integration). */
export const IntegrationCreated = Type.Intersect([
  Integration,
  Type.Object({ client_secret: Type.Optional(Type.String()) }),
]);
export type IntegrationCreated = Static<typeof IntegrationCreated>;

/** Body of `PATCH /environments/{env}/integrations/{client_id}`. */
export const IntegrationUpdate = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    enabled: Type.Optional(Type.Boolean()),
    scopes: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 200 })),
    grants: Type.Optional(Type.Array(Grant, { maxItems: 50 })),
    token_quota_per_hour: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()])),
    secret_expires_at: Type.Optional(
      Type.Union([Type.String({ description: 'ISO 8601 time after which the secret stops working' }), Type.Null()]),
    ),
    jwks_uri: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 2000 }), Type.Null()])),
    dpop_bound_access_tokens: Type.Optional(Type.Boolean()),
    token_exchange: Type.Optional(TokenExchangeUpdate),
    keep_tokens: Type.Optional(
      Type.Boolean({
        description:
          "With a grant reduction: keep the integration's unexpired tokens for the reduced tenant APIs (by default they are revoked, since resource servers that verify locally can't see the reduction). The Environment API applies reductions to every token at once either way.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type IntegrationUpdate = Static<typeof IntegrationUpdate>;

/** Body of `POST .../integrations/{client_id}/rotate-secret`. `grace_seconds`: how long the previous secret keeps working. */
export const SecretRotate = Type.Object(
  { grace_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_592_000 })) },
  { additionalProperties: false },
);
export type SecretRotate = Static<typeof SecretRotate>;

/** Answer to rotation: the new secret, shown this once. */
export const SecretRotated = Type.Object({ client_id: Type.String(), client_secret: Type.String() });
export type SecretRotated = Static<typeof SecretRotated>;

/** An API (resource server) of an environment. */
export const Api = Type.Object({
  id: Type.String(),
  name: Type.String(),
  audience: Type.String(),
  built_in: Type.Boolean(),
  scopes: Type.Array(Type.Object({ value: Type.String(), description: Type.String() })),
  created_at: Type.String(),
});
export type Api = Static<typeof Api>;

/** Body of `POST /environments/{env}/apis`. */
export const ApiCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    audience: Type.String({ minLength: 1, maxLength: 500 }),
    scopes: Type.Array(
      Type.Object({
        value: Type.String({ pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,200}$' }),
        description: Type.Optional(Type.String({ maxLength: 500 })),
      }),
      { maxItems: 200 },
    ),
  },
  { additionalProperties: false },
);
export type ApiCreate = Static<typeof ApiCreate>;

/** A customer, known through customer tokens. */
export const Customer = Type.Object({
  id: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  fields: Type.Record(Type.String(), Type.Unknown()),
  created_at: Type.String(),
  last_seen_at: Type.String(),
});
export type Customer = Static<typeof Customer>;

/** One audit event: who changed what, when. */
export const AuditEvent = Type.Object({
  id: Type.String(),
  environment: Type.Union([Type.String(), Type.Null()]),
  actor: Type.String({ description: 'e.g. "cli", "admin:alice@example.com", "integration:<client_id>"' }),
  action: Type.String({ description: 'e.g. "integration.create", "token.mint"' }),
  target: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  result: Type.String(),
  changes: Type.Union(
    [Type.Record(Type.String(), Type.Object({ before: Type.Unknown(), after: Type.Unknown() })), Type.Null()],
    {
      description:
        'For an update: the before and after of each changed field; for another event, each field it recorded (a name, a kid, a grace period…) with before null; null when it recorded none. Never a secret',
    },
  ),
  created_at: Type.String(),
});
export type AuditEvent = Static<typeof AuditEvent>;
