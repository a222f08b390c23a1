/**
 * Integration (client) records with their grants, as client authentication needs them.
 * @packageDocumentation
 */
import { sql, type SqlBool } from 'kysely';
import type { IntegrationTable } from '../schema.js';
import type { Dialect, Queryable } from './queryable.js';

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
  /** Whether it may use the token-exchange grant (RFC 8693), and for which audiences (null: any it holds grants on). */
  tokenExchange: TokenExchangeSetting;
}

/** An integration's token-exchange setting (issue #27). */
export interface TokenExchangeSetting {
  enabled: boolean;
  /** Audiences it may exchange for; null: any audience it holds grants on. */
  audiences: readonly string[] | null;
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

/**
 * Loads an integration by a column (`client_id` or `id`); undefined when absent. With `forUpdate`
 * (in a transaction, PostgreSQL) its row stays locked until the transaction ends.
 */
export async function loadClient(
  db: Queryable,
  by: 'client_id' | 'id',
  value: string,
  forUpdate = false,
): Promise<ClientRecord | undefined> {
  let query = db.selectFrom('integrations').selectAll().where(by, '=', value);
  if (forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const grants = await db
    .selectFrom('grants')
    .select(['api_id', 'scope'])
    .where('integration_id', '=', row.id)
    .execute();
  const keys = await db
    .selectFrom('client_keys')
    .select(['kid', 'alg', 'public_jwk', 'created_at'])
    .where('integration_id', '=', row.id)
    .orderBy('created_at')
    .orderBy('kid')
    .execute();
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
    keys: keyRows.map((k) => ({
      kid: k.kid,
      alg: k.alg,
      jwk: JSON.parse(k.public_jwk) as Record<string, unknown>,
      createdAt: Number(k.created_at),
    })),
    jwksUri: row.jwks_uri ?? null,
    dpopBound: row.dpop_bound === 1,
    tokenExchange: {
      enabled: row.token_exchange === 1,
      audiences: row.exchange_audiences ? row.exchange_audiences.split(' ') : null,
    },
  };
}

/** Scopes per API id, as granted to an integration. */
export type GrantRows = ReadonlyMap<string, ReadonlySet<string>>;

/** What an integration update may set; `bumpGeneration` ends token reuse (a new `token_generation`). */
export type IntegrationChanges = Partial<
  Pick<
    IntegrationTable,
    | 'name'
    | 'description'
    | 'enabled'
    | 'token_quota_per_hour'
    | 'secret_expires_at'
    | 'jwks_uri'
    | 'dpop_bound'
    | 'token_exchange'
    | 'exchange_audiences'
    | 'secret_hash'
    | 'previous_secret_hash'
    | 'previous_secret_expires_at'
  >
>;

/** Options of a page of integrations: after `cursor` (an integration id), matching `q` (name part or exact client_id). */
export interface IntegrationPageQuery {
  limit: number;
  cursor?: string | undefined;
  q?: string | undefined;
}

/** The `integrations`, `grants` and `client_keys` tables (token rows are {@link TokenRepository}'s). */
export class IntegrationRepository {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: Dialect,
  ) {}

  /** {@link loadClient}. */
  load(by: 'client_id' | 'id', value: string): Promise<ClientRecord | undefined> {
    return loadClient(this.db, by, value);
  }

  /**
   * Loads integration `by` = `value` to decide on and change it in the caller's unit of work: on
   * PostgreSQL its row is locked (`SELECT … FOR UPDATE`) until the transaction ends, so a
   * concurrent command on it waits and then reads what this one wrote; SQLite's write transaction
   * (`BEGIN IMMEDIATE`, store/db.ts) already holds the whole store. Only in a unit of work.
   * @returns undefined when absent.
   */
  loadForUpdate(by: 'client_id' | 'id', value: string): Promise<ClientRecord | undefined> {
    return loadClient(this.db, by, value, this.dialect === 'postgres');
  }

  /**
   * The environment id of integration `clientId` (it never changes), so a command can lock the
   * environment before the integration — the order every command takes them in.
   */
  async environmentIdOf(clientId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('integrations')
      .select('environment_id')
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row?.environment_id;
  }

  /**
   * Up to `limit` integrations of an environment, oldest id first, with their grants and keys: three
   * queries whatever the page size.
   */
  async page(environmentId: string, opts: IntegrationPageQuery): Promise<ClientRecord[]> {
    let query = this.db.selectFrom('integrations').selectAll().where('environment_id', '=', environmentId);
    if (opts.cursor) query = query.where('id', '>', opts.cursor);
    // Case-insensitive on both stores (PostgreSQL's LIKE is case-sensitive, SQLite's is not for ASCII).
    if (opts.q) {
      // The search text is matched literally: `%`, `_` and `\` in it are not LIKE wildcards.
      const pattern = `%${opts.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const q = opts.q;
      query = query.where((eb) =>
        eb.or([sql<SqlBool>`lower(name) like ${pattern} escape '\\'`, eb('client_id', '=', q)]),
      );
    }
    const rows = await query.orderBy('id').limit(opts.limit).execute();
    if (!rows.length) return [];
    const ids = rows.map((r) => r.id);
    const grants = await this.db
      .selectFrom('grants')
      .select(['integration_id', 'api_id', 'scope'])
      .where('integration_id', 'in', ids)
      .execute();
    const keys = await this.db
      .selectFrom('client_keys')
      .select(['integration_id', 'kid', 'alg', 'public_jwk', 'created_at'])
      .where('integration_id', 'in', ids)
      .orderBy('created_at')
      .orderBy('kid')
      .execute();
    return rows.map((row) =>
      toClientRecord(
        row,
        grants.filter((g) => g.integration_id === row.id),
        keys.filter((k) => k.integration_id === row.id),
      ),
    );
  }

  /** Inserts an integration with its grants and registered keys. */
  async insert(row: IntegrationTable, grants: GrantRows, keys: readonly ClientKeyRecord[]): Promise<void> {
    await this.db.insertInto('integrations').values(row).execute();
    await this.replaceGrants(row.id, grants);
    await this.insertKeys(row.id, keys);
  }

  /**
   * Changes integration `id`; `now` (seconds) becomes its `updated_at`. With `bumpGeneration` its
   * token generation goes up by one, so reuse keys derived before no longer match (drop its
   * reusable tokens with {@link endReuse} in the same unit of work).
   */
  async update(id: string, changes: IntegrationChanges, now: number, bumpGeneration = false): Promise<void> {
    await this.db
      .updateTable('integrations')
      .set((eb) => ({
        ...changes,
        ...(bumpGeneration && { token_generation: eb('token_generation', '+', 1) }),
        updated_at: now,
      }))
      .where('id', '=', id)
      .execute();
  }

  /** Drops the reusable tokens of integration `id` (the next request mints). */
  async endReuse(id: string): Promise<void> {
    await this.db.deleteFrom('token_reuse').where('integration_id', '=', id).execute();
  }

  /** Replaces the grants of integration `id`. */
  async replaceGrants(id: string, grants: GrantRows): Promise<void> {
    await this.db.deleteFrom('grants').where('integration_id', '=', id).execute();
    const rows = [...grants].flatMap(([api_id, scopes]) =>
      [...scopes].map((scope) => ({ integration_id: id, api_id, scope })),
    );
    if (rows.length) await this.db.insertInto('grants').values(rows).execute();
  }

  /** Registers `keys` for integration `id`. */
  async insertKeys(id: string, keys: readonly ClientKeyRecord[]): Promise<void> {
    if (!keys.length) return;
    await this.db
      .insertInto('client_keys')
      .values(
        keys.map((k) => ({
          integration_id: id,
          kid: k.kid,
          alg: k.alg,
          public_jwk: JSON.stringify(k.jwk),
          created_at: k.createdAt,
        })),
      )
      .execute();
  }

  /** Removes key `kid` of integration `id`. */
  async deleteKey(id: string, kid: string): Promise<void> {
    await this.db.deleteFrom('client_keys').where('integration_id', '=', id).where('kid', '=', kid).execute();
  }

  /** Deletes integration `id` (its grants and keys go with it) and its reusable tokens. */
  async delete(id: string): Promise<void> {
    await this.endReuse(id);
    await this.db.deleteFrom('integrations').where('id', '=', id).execute();
  }
}
