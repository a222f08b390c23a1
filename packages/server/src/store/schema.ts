/**
 * Table types of the Gatehouse store (Kysely). The same schema runs on SQLite and PostgreSQL.
 * Times are integers: seconds since the epoch unless the column name ends in `_ms`.
 * Booleans are stored as 0/1 integers so both dialects read them alike.
 * @packageDocumentation
 */
import type { Generated } from 'kysely';

export interface EnvironmentTable {
  id: string;
  slug: string;
  name: string;
  /** Access-token lifetime, seconds. */
  token_lifetime: number;
  /** Seconds before expiry at which a token stops being reused. */
  refresh_before: number;
  /** Space-separated scopes that customer tokens get. */
  customer_scopes: string;
  /** Longest accepted customer-token lifetime, seconds. */
  customer_token_max_lifetime: number;
  /** Public identifier a tenant puts in `iss` of customer tokens. */
  environment_key: string;
  created_at: number;
  updated_at: number;
  /** 1: members must have TOTP to act in the environment (migration 011). */
  require_totp: Generated<number>;
}

export interface ApiTable {
  id: string;
  environment_id: string;
  name: string;
  audience: string;
  built_in: number;
  created_at: number;
}

export interface ApiScopeTable {
  api_id: string;
  value: string;
  description: string;
  position: number;
}

export interface IntegrationTable {
  id: string;
  environment_id: string;
  client_id: string;
  name: string;
  description: string;
  enabled: number;
  /** HMAC-SHA-256 of the current secret, base64url. */
  secret_hash: string;
  /** Hash of the previous secret while its grace period lasts. */
  previous_secret_hash: string | null;
  previous_secret_expires_at: number | null;
  secret_expires_at: number | null;
  /** Bumped by every change that must end token reuse (grants, state, secret without grace, revocation). */
  token_generation: number;
  /** Tokens the integration may mint per hour; null means no quota. */
  token_quota_per_hour: number | null;
  created_at: number;
  updated_at: number;
  /** Where its public keys are fetched for `private_key_jwt` (RFC 7591 §2); null: registered keys only. */
  jwks_uri: string | null;
  /** 1: its token requests must carry a DPoP proof (RFC 9449 §5.2). */
  dpop_bound: number;
  /** Seconds: its last token issuance or API call, written in batches (migration 009); null: never. */
  last_used_at?: number | null;
  /** Seconds: when its current secret was issued (migration 009); null: no secret. */
  secret_created_at?: number | null;
  /** 1: it may use the token-exchange grant (RFC 8693; migration 013). */
  token_exchange?: number;
  /** Audiences it may exchange for, space-separated; null: any it holds grants on (migration 013). */
  exchange_audiences?: string | null;
}

/** A public key an integration signs client assertions with (RFC 7523 §2.2). */
/** A platform issuer and subject an integration trusts (migration 014, issue #26). Times in seconds. */
export interface FederatedCredentialTable {
  id: string;
  integration_id: string;
  issuer: string;
  subject: string;
  /** null: the server's issuer identifier at verification time. */
  audience: string | null;
  /** null: the issuer's discovery document names it. */
  jwks_uri: string | null;
  /** JSON object of exact-match claim conditions (`{}` for none). */
  claims: string;
  created_at: number;
}

export interface ClientKeyTable {
  integration_id: string;
  kid: string;
  /** The one algorithm the key is accepted with (RFC 8725 §3.1). */
  alg: string;
  /** The public JWK, JSON. */
  public_jwk: string;
  created_at: number;
}

/** A `jti` already used by a client assertion or a DPoP proof, until it could no longer be accepted. */
export interface UsedJtiTable {
  /** SHA-256 of kind, issuer and `jti`, base64url. */
  digest: string;
  /** Seconds. */
  expires_at: number;
}

export interface GrantTable {
  integration_id: string;
  api_id: string;
  scope: string;
}

export interface SigningKeyTable {
  kid: string;
  alg: string;
  /** Public JWK as JSON. */
  public_jwk: string;
  /** Private JWK as JSON, AES-256-GCM encrypted with the master key. */
  private_jwk_enc: string;
  /** `next` (published, not signing), `active` (signing), `retiring` (published until its last token expires). */
  state: string;
  created_at: number;
  activates_at: number;
  retired_at: number | null;
  /** When a retiring key leaves the JWKS, seconds. */
  expires_at: number | null;
}

export interface IssuedTokenTable {
  jti: string;
  integration_id: string;
  environment_id: string;
  audience: string;
  scope: string;
  kid: string;
  issued_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** The subject token's `jti` of an exchanged token (RFC 8693; migration 013); null otherwise. */
  parent_jti?: string | null;
  /** Whom an exchanged token is for: `integration` or `customer` (migration 013); null: not exchanged. */
  subject_type?: 'integration' | 'customer' | null;
  /** The subject's integration id or customer id (migration 013). */
  subject_ref?: string | null;
}

export interface TokenReuseTable {
  /** Integration, generation, audience and sorted scope set. */
  reuse_key: string;
  integration_id: string;
  jti: string;
  /** The token, AES-256-GCM encrypted with the master key. */
  token_enc: string;
  scope: string;
  expires_at: number;
  /** After this second the token is no longer handed out. */
  refresh_at: number;
}

export interface ChangeLogTable {
  id: Generated<number>;
  /** `environment`, `integration`, `api`, `keys`, `revocation`, `customer`. */
  kind: string;
  ref: string;
  created_at: number;
}

export interface AuditEventTable {
  id: string;
  environment_id: string | null;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  result: string;
  details: string | null;
  created_at_ms: number;
}

/** A webhook endpoint (migration 015): an environment's (`environment_id`) or the server's (null). */
export interface WebhookEndpointTable {
  id: string;
  environment_id: string | null;
  url: string;
  /** JSON array of action filters: `integration.update`, `integration.*`, `*`. */
  events: string;
  enabled: number;
  /** Why the server disabled it (`failing`); null when enabled or disabled by a person. */
  disabled_reason: string | null;
  /** The signing secret (`whsec_…`), sealed with the master key. */
  secret_enc: string;
  /** The secret before the last rotation, still signing until `previous_expires_at` (seconds). */
  previous_secret_enc: string | null;
  previous_expires_at: number | null;
  /** First failure of the current run of failures, milliseconds; null after a success. */
  failing_since_ms: number | null;
  created_at: number;
  updated_at: number;
}

/** One message of the outbox (migration 015): an audit event (or a test) for one endpoint. */
export interface WebhookDeliveryTable {
  /** The Standard Webhooks `webhook-id` (`msg_…`), the same on every attempt. */
  id: string;
  endpoint_id: string;
  /** The audit event's id; null for a test event. */
  event_id: string | null;
  /** The audit action (`integration.create`), or `webhook.test`. */
  event_type: string;
  /** The exact JSON sent on every attempt. */
  body: string;
  /** Order of delivery per endpoint, milliseconds. */
  event_at_ms: number;
  /** `pending`, `delivered` or `failed` (given up). */
  status: string;
  attempts: number;
  next_attempt_at_ms: number;
  lease_owner: string | null;
  lease_until_ms: number | null;
  last_attempt_at_ms: number | null;
  last_status_code: number | null;
  last_latency_ms: number | null;
  last_error: string | null;
  delivered_at_ms: number | null;
  created_at_ms: number;
}

/** One attempt to send a delivery (migration 015). */
export interface WebhookAttemptTable {
  id: string;
  delivery_id: string;
  attempted_at_ms: number;
  /** The receiver's HTTP status; null when no response came (timeout, refused, blocked address). */
  status_code: number | null;
  latency_ms: number;
  error: string | null;
}

export interface CustomerTable {
  environment_id: string;
  id: string;
  name: string | null;
  fields: string;
  created_at: number;
  last_seen_at: number;
}

export interface EnvironmentCredentialTable {
  id: string;
  environment_id: string;
  /** `secret` (HMAC, encrypted at rest) or `public_key`. */
  kind: string;
  alg: string;
  kid: string | null;
  /** Encrypted secret, or the public JWK as JSON. */
  material: string;
  allow_admin: number;
  /** Set on a rotated secret: it keeps working until then, seconds. */
  expires_at: number | null;
  created_at: number;
}

export interface OwnedTable {
  id: string;
  environment_id: string;
  /** `integration` or `customer`. */
  owner_type: string;
  owner_id: string;
  created_at: number;
}

export interface ProjectTable extends OwnedTable {
  name: string;
  description: string;
  data: string;
  updated_at: number;
}

export interface AssetTable {
  id: string;
  environment_id: string;
  kind: string;
  name: string;
  content_type: string;
  size: number;
  checksum: string;
  created_by: string;
  created_at: number;
}

export interface OutputTable extends OwnedTable {
  project_id: string;
  format: string;
  status: string;
}

export interface AdminTable {
  id: string;
  email: string;
  password_hash: string;
  created_at: number;
  /** 1: a server-wide operator; 0: acts only through its memberships (migration 010). */
  operator: Generated<number>;
  /** 1: the account has a password someone knows; 0: provisioned by single sign-on (migration 012). */
  password_set: Generated<number>;
}

/** An account's role in an environment (migration 010). */
export interface MembershipTable {
  account_id: string;
  environment_id: string;
  /** `owner` | `admin` | `developer` | `viewer`. */
  role: string;
  created_at: number;
}

/** A single-use invitation; only the SHA-256 of its token is stored (migration 010). */
export interface InvitationTable {
  id: string;
  token_hash: string;
  environment_id: string;
  email: string;
  role: string;
  /** Actor string of who invited. */
  invited_by: string;
  created_at: number;
  /** Seconds since the epoch. */
  expires_at: number;
  used_at: number | null;
}

export interface SessionTable {
  /** SHA-256 of the session cookie value. */
  id_hash: string;
  admin_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  /** How the session was opened: `password`, `password+totp` or `sso` (migration 011). */
  auth_method: Generated<string>;
  /** The RFC 8176 factors the session was opened with, separated by spaces: `pwd`, `pwd otp`, `sso`, `sso otp` (migration 012). */
  amr: Generated<string>;
}

/** An SSO provider's identity (`iss`, `sub`) linked to a console account (migration 012). */
export interface SsoIdentityTable {
  issuer: string;
  subject: string;
  account_id: string;
  created_at: number;
}

/** An account's TOTP factor (migration 011). */
export interface TotpFactorTable {
  account_id: string;
  /** The base32 secret sealed with the master key (aad `totp:<account_id>`). */
  secret_enc: string;
  confirmed_at: number | null;
  /** Last accepted RFC 6238 time step; a code of this step or earlier is refused. */
  last_step: number | null;
  created_at: number;
}

/** A single-use recovery code's digest (migration 011). */
export interface RecoveryCodeTable {
  account_id: string;
  code_hash: string;
  used_at: number | null;
  created_at: number;
}

export interface ThrottleCounterTable {
  /** `c:<client_id>` or `i:<ip>`. */
  key: string;
  window_start_ms: number;
  count: number;
}

/** Facts about the store itself (migration 005), e.g. `master_key_check` and `master_key_origin`. */
export interface StoreMetaTable {
  name: string;
  value: string;
}

/** The whole database, as Kysely sees it. */
export interface Database {
  environments: EnvironmentTable;
  apis: ApiTable;
  api_scopes: ApiScopeTable;
  integrations: IntegrationTable;
  grants: GrantTable;
  signing_keys: SigningKeyTable;
  issued_tokens: IssuedTokenTable;
  token_reuse: TokenReuseTable;
  change_log: ChangeLogTable;
  audit_events: AuditEventTable;
  customers: CustomerTable;
  environment_credentials: EnvironmentCredentialTable;
  projects: ProjectTable;
  assets: AssetTable;
  outputs: OutputTable;
  admins: AdminTable;
  sessions: SessionTable;
  throttle_counters: ThrottleCounterTable;
  store_meta: StoreMetaTable;
  client_keys: ClientKeyTable;
  federated_credentials: FederatedCredentialTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  used_jtis: UsedJtiTable;
  totp_factors: TotpFactorTable;
  recovery_codes: RecoveryCodeTable;
  memberships: MembershipTable;
  invitations: InvitationTable;
  sso_identities: SsoIdentityTable;
}
