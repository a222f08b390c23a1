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
}

/** Loads an integration by a column (`client_id` or `id`); undefined when absent. */
export async function loadClient(db: Kysely<Database>, by: 'client_id' | 'id', value: string): Promise<ClientRecord | undefined> {
  const row = await db.selectFrom('integrations').selectAll().where(by, '=', value).executeTakeFirst();
  if (!row) return undefined;
  const grants = await db.selectFrom('grants').select(['api_id', 'scope']).where('integration_id', '=', row.id).execute();
  return toClientRecord(row, grants);
}

/** Builds a record from a row and its grant rows. */
export function toClientRecord(row: IntegrationTable, grantRows: { api_id: string; scope: string }[]): ClientRecord {
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
  };
}
