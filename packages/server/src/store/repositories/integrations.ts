/**
 * Integration (client) records with their grants, as client authentication needs them.
 * @packageDocumentation
 */
import type { Kysely } from 'kysely';
import type { Database, IntegrationTable } from '../schema.js';

/** An integration with its grants per API id. Times in seconds. */
export interface ClientRecord {
  id: string;
  clientId: string;
  environmentId: string;
  name: string;
  description: string;
  enabled: boolean;
  secretHash: string;
  previousSecretHash: string | null;
  previousSecretExpiresAt: number | null;
  secretExpiresAt: number | null;
  generation: number;
  /** Tokens it may mint per hour; null means no quota. */
  tokenQuotaPerHour: number | null;
  createdAt: number;
  updatedAt: number;
  /** Granted scopes per API id. */
  grants: ReadonlyMap<string, ReadonlySet<string>>;
  /** False for a key-only integration: no secret ever authenticates it (docs/security.md I-86). */
  hasSecret: boolean;
  /** Registered public keys for `private_key_jwt`, oldest first. */
  keys: readonly ClientKeyRecord[];
  /** Where further public keys are fetched; null: registered keys only. */
  jwksUri: string | null;
  /** Its token requests must carry a DPoP proof; its Bearer use is refused (RFC 9449 §5.2). */
  dpopBound: boolean;
}

/** A registered public key: the one `alg` it is accepted with, and its public JWK. */
export interface ClientKeyRecord {
  kid: string;
  alg: string;
  jwk: Readonly<Record<string, unknown>>;
  /** Seconds. */
  createdAt: number;
}

/** What `secret_hash` holds for a key-only integration: no HMAC digest ever equals it. */
export const NO_SECRET = 'none';

/** Loads an integration by a column (`client_id` or `id`); undefined when absent. */
export async function loadClient(db: Kysely<Database>, by: 'client_id' | 'id', value: string): Promise<ClientRecord | undefined> {
  const row = await db.selectFrom('integrations').selectAll().where(by, '=', value).executeTakeFirst();
  if (!row) return undefined;
  const grants = await db.selectFrom('grants').select(['api_id', 'scope']).where('integration_id', '=', row.id).execute();
  const keys = await db.selectFrom('client_keys').select(['kid', 'alg', 'public_jwk', 'created_at']).where('integration_id', '=', row.id).orderBy('created_at').orderBy('kid').execute();
  return toClientRecord(row, grants, keys);
}

/** Builds a record from a row and its grant rows. */
export function toClientRecord(
  row: IntegrationTable,
  grantRows: { api_id: string; scope: string }[],
  keyRows: { kid: string; alg: string; public_jwk: string; created_at: number }[] = [],
): ClientRecord {
  const grants = new Map<string, Set<string>>();
  for (const g of grantRows) {
    let set = grants.get(g.api_id);
    if (!set) grants.set(g.api_id, (set = new Set()));
    set.add(g.scope);
  }
  return {
    id: row.id,
    clientId: row.client_id,
    environmentId: row.environment_id,
    name: row.name,
    description: row.description,
    enabled: row.enabled === 1,
    secretHash: row.secret_hash,
    previousSecretHash: row.previous_secret_hash,
    previousSecretExpiresAt: row.previous_secret_expires_at === null ? null : Number(row.previous_secret_expires_at),
    secretExpiresAt: row.secret_expires_at === null ? null : Number(row.secret_expires_at),
    generation: row.token_generation,
    tokenQuotaPerHour: row.token_quota_per_hour ?? null,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    grants,
    hasSecret: row.secret_hash !== NO_SECRET,
    keys: keyRows.map((k) => ({ kid: k.kid, alg: k.alg, jwk: JSON.parse(k.public_jwk) as Record<string, unknown>, createdAt: Number(k.created_at) })),
    jwksUri: row.jwks_uri ?? null,
    dpopBound: row.dpop_bound === 1,
  };
}
