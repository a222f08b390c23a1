/**
 * Environment records as the token endpoint and the bearer plugin need them: settings plus APIs.
 * @packageDocumentation
 */
import type { Insertable, Selectable } from 'kysely';
import type { ApiScopeTable, ApiTable, EnvironmentTable } from '../schema.js';
import type { Dialect, Queryable } from './queryable.js';

/** An API of an environment with its scopes in display order. */
export interface ApiRecord {
  id: string;
  name: string;
  audience: string;
  builtIn: boolean;
  scopes: { value: string; description: string }[];
  scopeSet: ReadonlySet<string>;
  createdAt: number;
}

/** An environment with its settings (seconds) and APIs. */
export interface EnvironmentRecord {
  id: string;
  slug: string;
  name: string;
  tokenLifetime: number;
  refreshBefore: number;
  customerScopes: string[];
  customerTokenMaxLifetime: number;
  environmentKey: string;
  /** Its members must have TOTP to act in it with a password session. */
  requireTotp: boolean;
  createdAt: number;
  apis: ApiRecord[];
  apiByAudience: ReadonlyMap<string, ApiRecord>;
  apiById: ReadonlyMap<string, ApiRecord>;
  /** The built-in Environment API. */
  environmentApi: ApiRecord;
}

/**
 * Loads one environment by a column (`id`, `slug` or `environment_key`); undefined when absent.
 * The built-in Environment API's audience is `environmentApiAudience` — the running process's
 * configured one (`config.audience`), not what the `apis` row says: that row keeps the audience of
 * whichever process created the environment, which may have run with another issuer (H-80). An
 * API of the environment registered with that same audience is shadowed by the built-in one.
 */
export async function loadEnvironment(
  db: Queryable,
  by: 'id' | 'slug' | 'environment_key',
  value: string,
  environmentApiAudience: string,
): Promise<EnvironmentRecord | undefined> {
  const env = await db.selectFrom('environments').selectAll().where(by, '=', value).executeTakeFirst();
  if (!env) return undefined;
  const apiRows = await db
    .selectFrom('apis')
    .selectAll()
    .where('environment_id', '=', env.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const scopeRows = apiRows.length
    ? await db
        .selectFrom('api_scopes')
        .selectAll()
        .where(
          'api_id',
          'in',
          apiRows.map((a) => a.id),
        )
        .orderBy('position')
        .execute()
    : [];
  return toEnvironmentRecord(env, apiRows, scopeRows, environmentApiAudience);
}

/** Builds a record from an environment row, its API rows (in display order) and their scope rows (by position). */
function toEnvironmentRecord(
  env: Selectable<EnvironmentTable>,
  apiRows: ApiTable[],
  scopeRows: ApiScopeTable[],
  environmentApiAudience: string,
): EnvironmentRecord {
  const apis: ApiRecord[] = apiRows.map((a) => {
    const scopes = scopeRows
      .filter((s) => s.api_id === a.id)
      .map((s) => ({ value: s.value, description: s.description }));
    const builtIn = a.built_in === 1;
    return {
      id: a.id,
      name: a.name,
      audience: builtIn ? environmentApiAudience : a.audience,
      builtIn,
      scopes,
      scopeSet: new Set(scopes.map((s) => s.value)),
      createdAt: Number(a.created_at),
    };
  });
  const environmentApi = apis.find((a) => a.builtIn);
  if (!environmentApi) throw new Error(`environment ${env.slug} has no Environment API`);
  return {
    id: env.id,
    slug: env.slug,
    name: env.name,
    tokenLifetime: env.token_lifetime,
    refreshBefore: env.refresh_before,
    customerScopes: env.customer_scopes.split(' ').filter(Boolean),
    customerTokenMaxLifetime: env.customer_token_max_lifetime,
    environmentKey: env.environment_key,
    requireTotp: Number(env.require_totp) === 1,
    createdAt: Number(env.created_at),
    apis,
    // The built-in API last, so it wins over an API registered with the configured audience.
    apiByAudience: new Map([...apis.filter((a) => !a.builtIn), environmentApi].map((a) => [a.audience, a])),
    apiById: new Map(apis.map((a) => [a.id, a])),
    environmentApi,
  };
}

/**
 * Every environment by slug, in three queries whatever their number (environments, their APIs,
 * the APIs' scopes). Audience as {@link loadEnvironment}.
 */
export async function loadEnvironments(db: Queryable, environmentApiAudience: string): Promise<EnvironmentRecord[]> {
  const envs = await db.selectFrom('environments').selectAll().orderBy('slug').execute();
  if (!envs.length) return [];
  const apiRows = await db.selectFrom('apis').selectAll().orderBy('created_at').orderBy('id').execute();
  const scopeRows = await db.selectFrom('api_scopes').selectAll().orderBy('position').execute();
  const apisOf = groupBy(apiRows, (a) => a.environment_id);
  const scopesOf = groupBy(scopeRows, (s) => s.api_id);
  return envs.map((env) => {
    const apis = apisOf.get(env.id) ?? [];
    return toEnvironmentRecord(
      env,
      apis,
      apis.flatMap((a) => scopesOf.get(a.id) ?? []),
      environmentApiAudience,
    );
  });
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

/** The settings an environment update may change (seconds; `customer_scopes` space-separated). */
export type EnvironmentSettings = Partial<
  Pick<
    EnvironmentTable,
    'name' | 'token_lifetime' | 'refresh_before' | 'customer_scopes' | 'customer_token_max_lifetime'
  >
>;

/** The `environments`, `apis` and `api_scopes` tables. */
export class EnvironmentRepository {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Locks environment `by` = `value`'s row until the caller's transaction ends (PostgreSQL; SQLite's
   * write transaction already holds the whole store): `update` to change the environment or its
   * APIs, `share` to decide on them (grants are checked against its APIs' scopes) while other
   * `share` holders go on. Commands lock the environment before its integrations. Only in a unit of work.
   * @returns its id, or undefined when there is none.
   */
  async lock(by: 'id' | 'slug', value: string, mode: 'share' | 'update'): Promise<string | undefined> {
    let query = this.db.selectFrom('environments').select('id').where(by, '=', value);
    if (this.dialect === 'postgres') query = mode === 'update' ? query.forUpdate() : query.forShare();
    return (await query.executeTakeFirst())?.id;
  }

  /** {@link loadEnvironment}. */
  load(
    by: 'id' | 'slug' | 'environment_key',
    value: string,
    environmentApiAudience: string,
  ): Promise<EnvironmentRecord | undefined> {
    return loadEnvironment(this.db, by, value, environmentApiAudience);
  }

  /** {@link loadEnvironments}. */
  loadAll(environmentApiAudience: string): Promise<EnvironmentRecord[]> {
    return loadEnvironments(this.db, environmentApiAudience);
  }

  /** Inserts an environment with its built-in API and that API's scopes (in order). */
  async insert(
    env: Insertable<EnvironmentTable>,
    builtInApi: ApiTable,
    scopes: readonly { value: string; description: string }[],
  ): Promise<void> {
    await this.db.insertInto('environments').values(env).execute();
    await this.insertApi(builtInApi, scopes);
  }

  /** Inserts an API with its scopes (in order). @throws a unique violation when the audience is taken. */
  async insertApi(api: ApiTable, scopes: readonly { value: string; description: string }[]): Promise<void> {
    await this.db.insertInto('apis').values(api).execute();
    if (scopes.length) {
      await this.db
        .insertInto('api_scopes')
        .values(scopes.map((s, position) => ({ api_id: api.id, value: s.value, description: s.description, position })))
        .execute();
    }
  }

  /** Changes settings of environment `id`; `now` (seconds) becomes its `updated_at`. */
  async update(id: string, settings: EnvironmentSettings, now: number): Promise<void> {
    await this.db
      .updateTable('environments')
      .set({ ...settings, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** Number of integrations per environment id (environments without any are absent or 0). */
  async integrationCounts(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('environments')
      .leftJoin('integrations', 'integrations.environment_id', 'environments.id')
      .select((eb) => ['environments.id', eb.fn.count<number>('integrations.id').as('integration_count')])
      .groupBy('environments.id')
      .execute();
    return new Map(rows.map((r) => [r.id, Number(r.integration_count)]));
  }

  /** Number of integrations of environment `id`. */
  async countIntegrations(id: string): Promise<number> {
    const row = await this.db
      .selectFrom('integrations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('environment_id', '=', id)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The longest `token_lifetime` of any environment, seconds; undefined when there is none. */
  async longestTokenLifetime(): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('environments')
      .select((eb) => eb.fn.max('token_lifetime').as('max'))
      .executeTakeFirst();
    return row?.max === null || row?.max === undefined ? undefined : Number(row.max);
  }
}
